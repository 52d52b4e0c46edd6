import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { formatSse, type SseEvent } from './sse-decoder.ts';
import type { FrameDecoder, UsageCollector } from '../upstreams/types.ts';

/** Cap on the copy of a JSON body kept for usage parsing (the client gets every byte regardless). */
export const USAGE_COPY_LIMIT = 4 * 1024 * 1024;

/** Converts upstream events into client text when formats differ (the translate layer). */
export interface EventTranslator {
  push(ev: SseEvent): string;
  end(): string;
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
 * Relays an upstream stream to the client chunk by chunk. Every chunk also goes through the
 * frame decoder so usage is read as it passes; in raw mode the client gets the upstream bytes
 * unchanged, otherwise the decoded events re-serialised (or translated). Throws what the
 * upstream body throws (abort, idle timeout, reset) — the caller decides what that means.
 */
export async function pipeStream(body: Readable, res: ServerResponse, o: StreamPipeOptions): Promise<void> {
  let first = true;
  const emit = async (events: SseEvent[]) => {
    let text = '';
    for (const ev of events) {
      o.usage.event(ev);
      if (o.raw || o.dropEvent?.(ev)) continue;
      text += o.translator ? o.translator.push(ev) : formatSse(ev);
    }
    if (text) await writeWithBackpressure(res, text);
  };
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (first) {
      first = false;
      o.onFirstByte();
    }
    const events = o.decoder.push(chunk);
    if (o.raw) await writeWithBackpressure(res, chunk);
    await emit(events);
  }
  await emit(o.decoder.end());
  if (o.translator) {
    const tail = o.translator.end();
    if (tail) await writeWithBackpressure(res, tail);
  }
}

/**
 * Relays a JSON body to the client as it arrives (never buffering it for the client) while
 * keeping a bounded copy to read usage from at the end.
 */
export async function pipeJson(body: Readable, res: ServerResponse, usage: UsageCollector, onFirstByte: () => void): Promise<void> {
  const copy: Buffer[] = [];
  let copied = 0;
  let first = true;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (first) {
      first = false;
      onFirstByte();
    }
    if (copied + chunk.length <= USAGE_COPY_LIMIT) {
      copy.push(chunk);
      copied += chunk.length;
    } else copied = USAGE_COPY_LIMIT + 1;
    await writeWithBackpressure(res, chunk);
  }
  if (copied <= USAGE_COPY_LIMIT) {
    try {
      usage.json(JSON.parse(Buffer.concat(copy).toString('utf8')));
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
