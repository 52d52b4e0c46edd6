/**
 * Incremental Server-Sent Events decoder. Works on raw bytes as they arrive from the network:
 * frames end at a blank line (LF or CRLF), and a multi-byte UTF-8 character split across two
 * network chunks is decoded only once complete (only whole lines are decoded; the bytes after a
 * chunk's last line feed wait for the next one).
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
const COLON = 0x3a;

export class SseDecoder {
  private pending: Buffer | null = null;
  private event: string | undefined;
  /** The `data:` lines so far, joined with "\n" (null before the first). */
  private data: string | null = null;
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
    // Whole lines only: a line feed byte is never part of a multi-byte character, so the text up
    // to the last one decodes in one call (the rest waits for the next chunk).
    const whole = buf.lastIndexOf(LF) + 1;
    let boundary = -1;
    if (whole > 0) {
      const text = buf.toString('utf8', 0, whole);
      // One character per byte (ASCII, the usual case): string offsets are stream offsets, and
      // lines are cut from the one decoded string. Otherwise each line is decoded from its bytes.
      boundary = text.length === whole ? this.lines(text, base, out) : this.byteLines(buf, whole, base, out);
    }
    this.open = boundary === -1 ? this.open + chunk.byteLength : buf.length - boundary;
    this.pending = whole < buf.length ? Buffer.from(buf.subarray(whole)) : null;
    return out;
  }

  /** Reads the lines of `text` (offsets = stream bytes from `base`); returns the end of the last event boundary, or -1. */
  private lines(text: string, base: number, out: SseEvent[]): number {
    let start = 0;
    let boundary = -1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
      const end = i > start && text.charCodeAt(i - 1) === CR ? i - 1 : i;
      const before = out.length;
      if (this.line(text, start, end, out)) boundary = i + 1;
      if (out.length > before) this.ends.push(base + i + 1);
      start = i + 1;
    }
    return boundary;
  }

  /** As `lines`, on the bytes of buf[0, whole): each line decoded on its own (byte offsets kept exact). */
  private byteLines(buf: Buffer, whole: number, base: number, out: SseEvent[]): number {
    let start = 0;
    let boundary = -1;
    for (let i = buf.indexOf(LF); i !== -1 && i < whole; i = buf.indexOf(LF, start)) {
      const end = i > start && buf[i - 1] === CR ? i - 1 : i;
      const line = buf.toString('utf8', start, end);
      const before = out.length;
      if (this.line(line, 0, line.length, out)) boundary = i + 1;
      if (out.length > before) this.ends.push(base + i + 1);
      start = i + 1;
    }
    return boundary;
  }

  /** Bytes received since the last complete event (0 at an event boundary). */
  openBytes(): number {
    return this.open;
  }

  /** Where (stream byte offset) each event returned by the last push/end ended. */
  eventEnds(): readonly number[] {
    return this.ends;
  }

  /** Flushes a final event that was not followed by a blank line. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.pending) {
      const line = this.pending.toString('utf8');
      this.line(line, 0, line.length, out);
      this.pending = null;
    }
    this.dispatch(out);
    this.ends = out.map(() => this.received);
    return out;
  }

  /** Ends the event being read (a blank line): out gets it when it has data or a name. */
  private dispatch(out: SseEvent[]): void {
    if (this.data !== null || this.event !== undefined) {
      const data = this.data ?? '';
      out.push(this.event === undefined ? { data } : { event: this.event, data });
    }
    this.event = undefined;
    this.data = null;
  }

  /** Takes the line text[start, end); true when it ended an event (a blank line, or a bare JSON object line). */
  private line(text: string, start: number, end: number, out: SseEvent[]): boolean {
    if (this.atStart && end > start) {
      // A byte-order mark opening the stream (its first line that is not blank) is dropped, as the SSE spec says.
      this.atStart = false;
      if (text.charCodeAt(start) === 0xfeff) start++;
    }
    if (start >= end) {
      this.dispatch(out);
      return true;
    }
    const first = text.charCodeAt(start);
    // A JSON object on a line of its own, outside any event, is how Gemini reports a failure
    // mid-stream (not SSE at all): it becomes an event of its own so the error is read.
    if (first === 0x7b && this.data === null && this.event === undefined) {
      out.push({ data: text.slice(start, end) });
      return true;
    }
    if (first === COLON) return false; // comment
    let colon = text.indexOf(':', start);
    if (colon === -1 || colon > end) colon = end;
    let from = colon + 1;
    if (from < end && text.charCodeAt(from) === 0x20) from++;
    const value = from < end ? text.slice(from, end) : '';
    const len = colon - start;
    if (len === 4 && text.startsWith('data', start)) this.data = this.data === null ? value : `${this.data}\n${value}`;
    else if (len === 5 && text.startsWith('event', start)) this.event = value;
    return false;
  }
}

/**
 * True for the event after which an upstream sends nothing more: Anthropic's `message_stop`,
 * OpenAI's `data: [DONE]`. Gemini's streams have no such event (they just end). The proxy ends
 * the client's response in the same tick as this event instead of waiting for the upstream
 * body's end: one socket write per response instead of three.
 */
export function isStreamEnd(ev: SseEvent): boolean {
  return ev.event === 'message_stop' || ev.data === '[DONE]' || (ev.event === undefined && ev.data.startsWith('{"type":"message_stop"'));
}

/** Serialises one event as SSE text. */
export function formatSse(ev: SseEvent): string {
  const data = ev.data.includes('\n') ? ev.data.split('\n').map((l) => `data: ${l}`).join('\n') : `data: ${ev.data}`;
  return ev.event ? `event: ${ev.event}\n${data}\n\n` : `${data}\n\n`;
}
