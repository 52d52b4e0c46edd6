import { request } from 'node:http';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, usageReader, type TestProxy } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'sk-relay-abort-00000000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';

describe('client disconnect mid-stream', () => {
  let mock: MockUpstream;
  let proxy: TestProxy;
  beforeAll(async () => {
    mock = await startMockUpstream();
    proxy = await startTestProxy({
      spec: {
        keys: [{ id: 'k1', userId: 'u1', key: KEY }],
        accounts: [{ id: 'acc', platform: 'claude-console', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
        prices: [{ model: SONNET, price: { input: '3', output: '15' } }],
      },
    });
  });
  afterAll(async () => {
    await proxy.close();
    await mock.close();
  });

  it('aborts the upstream within 100 ms and bills the tokens produced so far', async () => {
    mock.setDefault({ text: 'a b c d e f g h', chunks: 8, chunkDelayMs: 300, usage: { input: 42, output: 8 } });
    const usage = await usageReader(proxy.store);
    const body = JSON.stringify({ model: SONNET, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'go' }] });
    const abortedAt = await new Promise<number>((resolve, reject) => {
      const req = request(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' } }, (res) => {
        let seen = '';
        res.on('data', (c: Buffer) => {
          seen += c.toString();
          if (seen.includes('content_block_delta')) {
            const t = Date.now();
            req.destroy();
            resolve(t);
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', (e) => (e.message.includes('socket hang up') || e.message.includes('aborted') ? undefined : reject(e)));
      req.end(body);
    });
    const rec = await mock.waitForClose(0, 5000);
    expect(rec.clientClosedEarly).toBe(true);
    expect(rec.closedAt! - abortedAt).toBeLessThan(100);
    const [ev] = await usage.next(1);
    // Anthropic billing after an abort: input from message_start, output = content_block_delta events relayed (1).
    expect(ev).toMatchObject({ status: 499, errorType: 'client_closed', inputTokens: 42, outputTokens: 1, stream: true });
    expect(ev.totalCost).toBe(42 * 3 + 15);
  });
});
