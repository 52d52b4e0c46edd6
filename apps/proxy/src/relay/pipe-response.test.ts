import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { anthropicUsageCollector, sseFrameDecoder } from '@relay/upstreams';
import { pipeStream } from './pipe-response.ts';

const START = 'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":7,"output_tokens":1}}}\n\n';
const DELTA = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}\n\n';
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
