import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { anthropicUsageCollector, createStreamTranslator, sseFrameDecoder } from '@relay/upstreams';
import { pipeStream } from './pipe-response.ts';

const START = 'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":7,"output_tokens":1}}}\n\n';
const DELTA = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}\n\n';
const STOP = 'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
  + 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}}\n\n'
  + 'event: message_stop\ndata: {"type":"message_stop"}\n\n';
const ERROR = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';

/**
 * Serves one raw passthrough relay of `feed` (written to the upstream body in the given pieces)
 * and returns what the client received. `fail` ends the upstream body with an error instead of an end.
 */
async function relayRaw(feed: string[], fail: boolean): Promise<{ received: string; collector: ReturnType<typeof anthropicUsageCollector> }> {
  const collector = anthropicUsageCollector();
  const body = new PassThrough();
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    void pipeStream(body, res, { decoder: sseFrameDecoder(), usage: collector, raw: true, onFirstByte: () => undefined })
      .catch(() => undefined)
      .finally(() => res.end());
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  for (const piece of feed) body.write(piece);
  if (fail) body.destroy(new Error('socket reset'));
  else body.end();
  return { received: await res.text(), collector };
}

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = null;
});

describe('raw passthrough relays whole events only', () => {
  it('a break in the middle of an event never leaves half of it with the client', async () => {
    const half = DELTA.slice(0, 40);
    const { received, collector } = await relayRaw([START, DELTA, half], true);
    expect(received).toBe(START + DELTA);
    expect(collector.usage()).toMatchObject({ inputTokens: 7, outputTokens: 1 });
  });

  it('an event split across reads goes out once complete, byte for byte', async () => {
    const { received } = await relayRaw([START.slice(0, 10), START.slice(10) + DELTA.slice(0, 5), DELTA.slice(5)], false);
    expect(received).toBe(START + DELTA);
  });

  it("the upstream's own error event goes out last, and is read as the stream's error", async () => {
    const { received, collector } = await relayRaw([START + DELTA + ERROR], false);
    expect(received).toBe(START + DELTA + ERROR);
    expect(collector.streamError()).toEqual({ status: 529, message: 'Overloaded', upstreamType: 'overloaded_error' });
  });
});

/**
 * One relay whose upstream body stays open after `feed` until the test ends it: returns the
 * client's text as soon as the client has it, the socket writes the body took (head excluded),
 * and the relay's own promise.
 */
async function relayOpen(feed: string, translate: boolean) {
  const collector = anthropicUsageCollector();
  const body = new PassThrough();
  let writes = 0;
  let relayed!: Promise<'resolved' | 'rejected'>;
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    // Writes that reach the socket's handle (a corked tick's chunks leave together through _writev).
    const socket = res.socket as unknown as Record<'_write' | '_writev', (...a: unknown[]) => void>;
    for (const name of ['_write', '_writev'] as const) {
      const original = socket[name].bind(socket);
      socket[name] = (...a: unknown[]) => ((writes += 1), original(...a));
    }
    relayed = pipeStream(body, res, {
      decoder: sseFrameDecoder(),
      usage: collector,
      raw: !translate,
      translator: translate ? createStreamTranslator('anthropic', 'openai', { clientModel: 'm', requestId: 'r1', includeUsage: true }) : undefined,
      onFirstByte: () => undefined,
    }).then(() => 'resolved' as const, () => 'rejected' as const).finally(() => res.writableEnded || res.end());
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  body.write(feed);
  const received = await res.text();
  return { received, collector, body, writes: () => writes, relayed: () => relayed };
}

describe("the client's response ends at the upstream's last event", () => {
  it('translated: the client has the whole answer, tail and [DONE] included, while the upstream body is still open', async () => {
    const r = await relayOpen(START + DELTA + STOP, true);
    expect(r.received).toContain('"content":"hi"');
    expect(r.received).toContain('"finish_reason":"stop"');
    expect(r.received).toContain('"usage":{"prompt_tokens":7,"completion_tokens":9');
    expect(r.received.endsWith('data: [DONE]\n\n')).toBe(true);
    // The translated frames, the tail and the chunked terminator: one socket write, not three.
    expect(r.writes()).toBe(1);
    r.body.end();
    expect(await r.relayed()).toBe('resolved');
    expect(r.collector.usage()).toMatchObject({ inputTokens: 7, outputTokens: 9 });
  });

  it('raw passthrough: the bytes as sent, in one write, before the upstream body ends', async () => {
    const r = await relayOpen(START + DELTA + STOP, false);
    expect(r.received).toBe(START + DELTA + STOP);
    expect(r.writes()).toBe(1);
    r.body.end();
    expect(await r.relayed()).toBe('resolved');
  });

  it('a break after the last event leaves the answer complete: the relay resolves and the usage stands', async () => {
    const r = await relayOpen(START + DELTA + STOP, true);
    expect(r.received.endsWith('data: [DONE]\n\n')).toBe(true);
    r.body.destroy(new Error('socket reset'));
    expect(await r.relayed()).toBe('resolved');
    expect(r.collector.usage()).toMatchObject({ inputTokens: 7, outputTokens: 9 });
  });

  it('a break before the last event is still an error: the relay rejects and the client keeps the whole events it had', async () => {
    const collector = anthropicUsageCollector();
    const body = new PassThrough();
    let relayed!: Promise<unknown>;
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      relayed = pipeStream(body, res, { decoder: sseFrameDecoder(), usage: collector, raw: false, onFirstByte: () => undefined }).finally(() => res.end());
      relayed.catch(() => undefined);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const reader = res.body!.getReader();
    body.write(START + DELTA);
    let text = '';
    while (text.length < (START + DELTA).length) text += new TextDecoder().decode((await reader.read()).value);
    body.destroy(new Error('socket reset'));
    await expect(relayed).rejects.toThrow('socket reset');
    expect((await reader.read()).done).toBe(true);
    expect(text).toBe(START + DELTA);
  });
});
