/**
 * Incremental Server-Sent Events decoder. Works on raw bytes as they arrive from the network:
 * frames end at a blank line (LF or CRLF), and a multi-byte UTF-8 character split across two
 * network chunks is decoded only once complete (lines are split on bytes, decoded whole).
 */
export interface SseEvent {
  /** The `event:` field, if any. */
  event?: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** `data` parsed as JSON, kept by eventJson() so every reader of the event shares one parse. */
  parsed?: unknown;
}

const LF = 0x0a;
const CR = 0x0d;

export class SseDecoder {
  private pending: Buffer | null = null;
  private event: string | undefined;
  private data: string[] = [];
  private atStart = true;
  /** Bytes received since the last blank line (event boundary). */
  private open = 0;
  /** Bytes fed so far. */
  private received = 0;
  /** Stream offsets at which the events of the last push/end ended. */
  private ends: number[] = [];

  /** Feeds one network chunk; returns the events completed by it (possibly none). */
  push(chunk: Uint8Array): SseEvent[] {
    const buf = this.pending
      ? Buffer.concat([this.pending, chunk])
      : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: SseEvent[] = [];
    const base = this.received - (this.pending?.length ?? 0);
    this.received += chunk.byteLength;
    this.ends.length = 0;
    let start = 0;
    let boundary = -1;
    // indexOf is a native byte search; each line is decoded straight from the buffer (no
    // subarray object, no TextDecoder call per line).
    for (let i = buf.indexOf(LF, start); i !== -1; i = buf.indexOf(LF, start)) {
      const end = i > start && buf[i - 1] === CR ? i - 1 : i;
      const before = out.length;
      if (this.line(end > start ? this.decode(buf, start, end) : '', out)) boundary = i + 1;
      if (out.length > before) this.ends.push(base + i + 1);
      start = i + 1;
    }
    this.open = boundary === -1 ? this.open + chunk.byteLength : buf.length - boundary;
    this.pending = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    return out;
  }

  /** Bytes received since the last complete event (0 at an event boundary). */
  openBytes(): number {
    return this.open;
  }

  /** Where (stream byte offset) each event returned by the last push/end ended. */
  eventEnds(): readonly number[] {
    return this.ends;
  }

  /** UTF-8 text of a whole line; a byte-order mark opening the stream is dropped (as the SSE spec says). */
  private decode(buf: Buffer, start: number, end: number): string {
    const text = buf.toString('utf8', start, end);
    if (!this.atStart) return text;
    this.atStart = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** Flushes a final event that was not followed by a blank line. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.pending) {
      this.line(this.decode(this.pending, 0, this.pending.length), out);
      this.pending = null;
    }
    this.line('', out);
    this.ends = out.map(() => this.received);
    return out;
  }

  /** Takes one line; true when it ended an event (a blank line, or a bare JSON object line). */
  private line(line: string, out: SseEvent[]): boolean {
    if (line === '') {
      if (this.data.length > 0 || this.event !== undefined) {
        out.push(this.event === undefined ? { data: this.data.join('\n') } : { event: this.event, data: this.data.join('\n') });
      }
      this.event = undefined;
      this.data = [];
      return true;
    }
    // A JSON object on a line of its own, outside any event, is how Gemini reports a failure
    // mid-stream (not SSE at all): it becomes an event of its own so the error is read.
    if (line.charCodeAt(0) === 0x7b && this.data.length === 0 && this.event === undefined) {
      out.push({ data: line });
      return true;
    }
    if (line.charCodeAt(0) === 0x3a) return false; // ":" comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    return false;
  }
}

/** Serialises one event as SSE text. */
export function formatSse(ev: SseEvent): string {
  const data = ev.data.includes('\n') ? ev.data.split('\n').map((l) => `data: ${l}`).join('\n') : `data: ${ev.data}`;
  return ev.event ? `event: ${ev.event}\n${data}\n\n` : `${data}\n\n`;
}
