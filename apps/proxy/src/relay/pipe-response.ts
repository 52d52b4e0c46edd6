import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatSse, isStreamEnd, type FrameDecoder, type SseEvent, type UsageCollector } from '@relay/upstreams';

/** Cap on the copy of a JSON body kept for usage parsing (the client gets every byte regardless). */
export const USAGE_COPY_LIMIT = 4 * 1024 * 1024;

/** Converts upstream events into client text when formats differ (the translate layer). */
export interface EventTranslator {
  push(ev: SseEvent): string;
  end(): string;
  /** Ends the client stream with an error frame in the client's format ('' when it is already closed). */
  fail(status: number, message: string): string;
  /** True once the client stream ended with an error frame (upstream error, `fail`, no finish reason); later events add nothing. */
  failed(): boolean;
}

/**
 * Pause before the frame that ends a stream with an error. Clients read chunk by chunk, and
 * @google/genai recognises an error only when it arrives as a read of its own: a gap after the
 * last content keeps the two from being read together. Only failing streams pay it.
 */
const FINAL_FRAME_GAP_MS = 10;

/** Writes the error frame that ends a stream as a chunk of its own (see FINAL_FRAME_GAP_MS). */
export async function writeFinalFrame(res: ServerResponse, frame: string | Buffer): Promise<void> {
  if (!frame || res.destroyed) return;
  await sleep(FINAL_FRAME_GAP_MS);
  if (!res.destroyed && !res.writableEnded) res.write(frame);
}

export interface StreamPipeOptions {
  decoder: FrameDecoder;
  usage: UsageCollector;
  /** Write the upstream bytes as they are (same format, SSE, nothing dropped). */
  raw: boolean;
  dropEvent?: (ev: SseEvent) => boolean;
  translator?: EventTranslator;
  /** Called at the first body byte (time to first token). */
  onFirstByte: () => void;
}

/** Writes with backpressure: waits for 'drain' (or the client going away) when the socket buffer is full. */
export async function writeWithBackpressure(res: ServerResponse, data: string | Buffer): Promise<void> {
  if (data.length === 0 || res.destroyed) return;
  if (res.write(data)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Drives `body` in flowing mode, handing each chunk to `onChunk` synchronously, and pauses it
 * while the client's socket buffer is full (resumed on 'drain'). Listeners instead of an async
 * iterator: no promise, microtask hop or iterator result per chunk, and frames that arrive in
 * one read are written in the same tick — Node's per-tick cork then sends them in one write.
 * Resolves after `onEnd`; rejects with the body's error (abort, idle timeout, reset) or with what
 * a callback threw (the body is then destroyed).
 */
function relay(body: Readable, res: ServerResponse, onChunk: (chunk: Buffer, write: (data: string | Buffer) => void) => void, onEnd: (write: (data: string | Buffer) => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let waiting = false;
    let done = false;
    const resumeBody = () => {
      waiting = false;
      res.off('drain', resumeBody);
      res.off('close', resumeBody);
      if (!done) body.resume();
    };
    const write = (data: string | Buffer) => {
      if (data.length === 0 || res.destroyed || res.writableEnded) return;
      if (!res.write(data) && !waiting) {
        waiting = true;
        body.pause();
        res.on('drain', resumeBody);
        res.on('close', resumeBody);
      }
    };
    const settle = (err: unknown) => {
      if (done) return;
      done = true;
      body.off('data', onData);
      body.off('end', onBodyEnd);
      body.off('error', settle);
      body.off('close', onBodyClose);
      res.off('drain', resumeBody);
      res.off('close', resumeBody);
      if (err === undefined) resolve();
      else {
        if (!body.destroyed) body.destroy();
        reject(err);
      }
    };
    const onData = (chunk: Buffer) => {
      try {
        onChunk(chunk, write);
      } catch (e) {
        settle(e);
      }
    };
    const onBodyEnd = () => {
      try {
        onEnd(write);
        settle(undefined);
      } catch (e) {
        settle(e);
      }
    };
    const onBodyClose = () => {
      if (!done) settle(Object.assign(new Error('upstream body closed before its end'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    body.on('data', onData);
    body.on('end', onBodyEnd);
    body.on('error', settle);
    body.on('close', onBodyClose);
  });
}

/** `fn` on the first call only (time to first token is taken once). */
function firstCallOnly(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}

/**
 * Raw passthrough of one stream: the client gets the upstream bytes unchanged, but only whole
 * events — the bytes of an event not complete yet are held back until it is, so a stream that
 * breaks never leaves half an event before the error frame. The event that carries the upstream's
 * own error (as the usage collector reads it) is held back too and becomes the closing frame,
 * written last and on its own.
 */
class RawPassthrough {
  /** Bytes not written yet; they start at stream offset `sent`. */
  private held: Buffer | null = null;
  private sent = 0;
  private received = 0;
  private lastEventEnd = 0;
  /** The upstream's error event, once seen: nothing is written after it. */
  closingFrame: Buffer | null = null;

  constructor(private readonly o: StreamPipeOptions) {}

  chunk(chunk: Buffer, events: SseEvent[], write: (data: Buffer) => void): void {
    this.received += chunk.length;
    const fast = this.held === null && this.closingFrame === null && (this.o.decoder.openBytes?.() ?? 0) === 0 && this.o.usage.streamError() === null;
    this.held = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    this.events(events, write);
    if (fast && this.closingFrame === null) {
      // The common case: whole events, no error — the chunk goes out as it came.
      write(this.held);
      this.sent = this.received;
      this.held = null;
      return;
    }
    if (this.closingFrame === null) this.sendUpTo(this.received - (this.o.decoder.openBytes?.() ?? 0), write);
  }

  /** Every byte received so far went to the client (no partial event held, no error frame pending). */
  sentAll(): boolean {
    return this.held === null && this.closingFrame === null;
  }

  /** The stream ended: what is still held (a last event without its blank line) goes out as it came. */
  end(events: SseEvent[], write: (data: Buffer) => void): void {
    this.events(events, write);
    if (this.closingFrame === null) this.sendUpTo(this.received, write);
  }

  private events(events: SseEvent[], write: (data: Buffer) => void): void {
    const ends = this.o.decoder.eventEnds?.() ?? [];
    const erredBefore = this.o.usage.streamError() !== null;
    events.forEach((ev, i) => {
      this.o.usage.event(ev);
      const end = ends[i];
      if (end === undefined) return;
      if (!erredBefore && this.closingFrame === null && this.o.usage.streamError() !== null) {
        this.sendUpTo(this.lastEventEnd, write);
        this.closingFrame = Buffer.from(this.take(end));
      }
      this.lastEventEnd = end;
    });
  }

  private sendUpTo(offset: number, write: (data: Buffer) => void): void {
    if (offset > this.sent) write(this.take(offset));
  }

  /** Removes and returns the held bytes up to stream offset `offset`. */
  private take(offset: number): Buffer {
    const held = this.held ?? Buffer.alloc(0);
    const n = Math.max(0, Math.min(offset - this.sent, held.length));
    const out = held.subarray(0, n);
    this.held = n < held.length ? held.subarray(n) : null;
    this.sent += n;
    return out;
  }
}

/**
 * Relays an upstream stream to the client chunk by chunk. Every chunk also goes through the
 * frame decoder so usage is read as it passes; in raw mode the client gets the upstream bytes
 * unchanged (see RawPassthrough), otherwise the decoded events re-serialised (or translated).
 * The error frame that ends a failing stream goes out last, on its own (writeFinalFrame).
 * Throws what the upstream body throws (abort, idle timeout, reset) — the caller decides what
 * that means.
 */
export async function pipeStream(body: Readable, res: ServerResponse, o: StreamPipeOptions): Promise<void> {
  const firstByte = firstCallOnly(o.onFirstByte);
  const raw = o.raw ? new RawPassthrough(o) : null;
  /** The translated error frame that ended the client stream. */
  let closingFrame = '';
  /** The translator's end() was called (at the upstream's last event or at the body's end). */
  let translatorEnded = false;
  /** The client's response was ended cleanly at the upstream's last event (see isStreamEnd). */
  let clientEnded = false;
  const translatorTail = (): string => {
    if (!o.translator || translatorEnded) return '';
    translatorEnded = true;
    const tail = o.translator.end();
    if (tail && o.translator.failed()) {
      closingFrame = tail;
      return '';
    }
    return tail;
  };
  const emit = (events: SseEvent[], last: boolean, write: (data: string) => void) => {
    let text = '';
    for (const ev of events) {
      o.usage.event(ev);
      if (o.dropEvent?.(ev)) continue;
      if (!o.translator) {
        text += formatSse(ev);
        continue;
      }
      const out = o.translator.push(ev);
      if (out && o.translator.failed()) closingFrame = out;
      else text += out;
    }
    // At the upstream's last event the client's tail goes out with the frames of this chunk.
    if (last) text += translatorTail();
    if (text) write(text);
  };
  /**
   * After the upstream's last event the client's response ends in the same tick: its frames, the
   * tail and the chunked terminator leave in one socket write (Node corks a tick's writes), not
   * in three (this chunk, the tail at the body's 'end', res.end() after that). The rest of the
   * upstream body (nothing, or its chunked terminator) is still read to its end for the usage.
   */
  const endEarly = () => {
    if (clientEnded || closingFrame || res.destroyed || res.writableEnded) return;
    if (raw && !raw.sentAll()) return;
    if (o.translator?.failed() || o.usage.streamError() !== null) return;
    clientEnded = true;
    res.end();
  };
  try {
    await relay(
      body,
      res,
      (chunk, write) => {
        firstByte();
        const events = o.decoder.push(chunk);
        const last = events.some(isStreamEnd);
        if (raw) raw.chunk(chunk, events, write);
        else emit(events, last, write);
        if (last) endEarly();
      },
      (write) => {
        const events = o.decoder.end();
        if (raw) return raw.end(events, write);
        emit(events, true, write);
      },
    );
  } catch (e) {
    // A complete answer stays complete: a break after the upstream's last event (an idle timeout
    // before its body closed, a reset) changes nothing for the client or the bill.
    if (!clientEnded) throw e;
  } finally {
    const frame = raw?.closingFrame ?? closingFrame;
    if (frame.length > 0) await writeFinalFrame(res, frame);
  }
}

/**
 * Relays a JSON body to the client as it arrives (never buffering it for the client) while
 * keeping a bounded copy to read usage from at the end.
 */
export async function pipeJson(body: Readable, res: ServerResponse, usage: UsageCollector, onFirstByte: () => void): Promise<void> {
  const copy: Buffer[] = [];
  let copied = 0;
  const firstByte = firstCallOnly(onFirstByte);
  await relay(
    body,
    res,
    (chunk, write) => {
      firstByte();
      if (copied + chunk.length <= USAGE_COPY_LIMIT) {
        copy.push(chunk);
        copied += chunk.length;
      } else copied = USAGE_COPY_LIMIT + 1;
      write(chunk);
    },
    () => undefined,
  );
  if (copied <= USAGE_COPY_LIMIT) {
    try {
      usage.json(JSON.parse((copy.length === 1 ? copy[0] : Buffer.concat(copy)).toString('utf8')));
    } catch {}
  }
}

/** Reads a whole (small) body with a cap, for translation and upstream error messages. */
export async function readBounded(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error(`upstream body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
