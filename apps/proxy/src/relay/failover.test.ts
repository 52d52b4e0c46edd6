import { hotKeys, type ProxyEvent } from '@relay/core';
import { refusedPort, startMockUpstream, type MockReply, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, usageReader, type SnapshotSpec, type TestProxy } from '@relay/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'sk-relay-failover-00000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';
const BODY = { model: SONNET, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

function spec(aUrl: string, bUrl: string): SnapshotSpec {
  return {
    keys: [{ id: 'k1', userId: 'u1', key: KEY }],
    accounts: [
      { id: 'A', platform: 'claude-console', priority: 1, baseUrl: aUrl, credentials: { kind: 'api-key', apiKey: 'sk-ant-a' } },
      { id: 'B', platform: 'claude-console', priority: 2, baseUrl: bUrl, credentials: { kind: 'api-key', apiKey: 'sk-ant-b' } },
    ],
    prices: [{ model: SONNET, price: { input: '3', output: '15' } }],
  };
}

function send(url: string, body: unknown = BODY) {
  return fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('failover between accounts', () => {
  let a: MockUpstream;
  let b: MockUpstream;
  let proxy: TestProxy | null = null;
  beforeAll(async () => {
    [a, b] = await Promise.all([startMockUpstream(), startMockUpstream()]);
  });
  afterAll(async () => Promise.all([a.close(), b.close()]));
  afterEach(async () => {
    await proxy?.close();
    proxy = null;
    a.reset();
    b.reset();
  });

  const phases: { name: string; reply?: MockReply; refused?: boolean; expectUntil: (t0: number) => number; tolerance: number }[] = [
    { name: '529 with retry-after', reply: { status: 529, headers: { 'retry-after': '7' } }, expectUntil: (t0) => t0 + 7000, tolerance: 2000 },
    { name: '429 with anthropic-ratelimit-unified-reset', reply: { status: 429, headers: { 'anthropic-ratelimit-unified-reset': String(Math.floor(Date.now() / 1000) + 900) } }, expectUntil: () => 0, tolerance: 0 },
    { name: 'refused connections', refused: true, expectUntil: (t0) => t0 + 30_000, tolerance: 2000 },
  ];

  it.each(phases)('A fails ($name), B healthy: every request succeeds and A cools down as its headers said', async (phase) => {
    const aUrl = phase.refused ? `http://127.0.0.1:${await refusedPort()}` : a.url;
    if (phase.reply) a.setDefault(phase.reply);
    proxy = await startTestProxy({ spec: spec(aUrl, b.url) });
    const usage = await usageReader(proxy.store);
    const t0 = Date.now();
    const n = phase.refused ? 34 : 33;
    const statuses = await Promise.all(Array.from({ length: n }, async () => (await send(proxy!.url)).status));
    expect(statuses).toEqual(Array(n).fill(200));
    expect(b.requests.length).toBe(n);
    const until = Number(await proxy.store.get(hotKeys.accountCooldown('A')));
    if (phase.reply?.headers?.['anthropic-ratelimit-unified-reset']) {
      expect(until).toBe(Number(phase.reply.headers['anthropic-ratelimit-unified-reset']) * 1000);
    } else {
      expect(Math.abs(until - phase.expectUntil(t0))).toBeLessThan(phase.tolerance);
    }
    const events = await usage.next(n);
    expect(events.every((e) => e.accountId === 'B' && e.status === 200)).toBe(true);
    expect(Math.max(...events.map((e) => e.attempts))).toBe(2);
    // A is cooling down: the next request goes straight to B.
    const before = a.requests.length;
    expect((await send(proxy.url)).status).toBe(200);
    expect(a.requests.length).toBe(before);
  });

  it('a stream that broke after its first byte is not retried: it ends with an error event, B gets nothing', async () => {
    a.setDefault({ text: 'one two three four five', chunks: 5, breakAfterChunks: 1 });
    proxy = await startTestProxy({ spec: spec(a.url, b.url) });
    const usage = await usageReader(proxy.store);
    const res = await send(proxy.url, { ...BODY, stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('message_stop');
    expect(text.endsWith('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"The upstream stream broke off before the response was complete"}}\n\n')).toBe(true);
    expect(b.requests.length).toBe(0);
    const [ev] = await usage.next(1);
    expect(ev).toMatchObject({ accountId: 'A', status: 502, errorType: 'upstream_stream_error', attempts: 1 });
  });

  it('repeated 401s report the account as ERROR once the threshold is reached', async () => {
    a.setDefault({ status: 401, errorMessage: 'invalid x-api-key' });
    proxy = await startTestProxy({ spec: spec(a.url, b.url), config: { authFailureThreshold: 3 } });
    await proxy.store.ensureGroup(hotKeys.proxyEventStream, 'g');
    for (let i = 0; i < 3; i++) expect((await send(proxy.url)).status).toBe(200);
    expect(a.requests.length).toBe(3);
    const entries = await proxy.store.readGroup(hotKeys.proxyEventStream, 'g', 'c', 10, 100);
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0].payload) as ProxyEvent).toMatchObject({ type: 'account.status', accountId: 'A', status: 'ERROR' });
    // Rested afterwards: no 4th attempt on A.
    expect((await send(proxy.url)).status).toBe(200);
    expect(a.requests.length).toBe(3);
  });

  it('when every account fails the client gets the mapped error in its format', async () => {
    a.setDefault({ status: 529 });
    b.setDefault({ status: 529 });
    proxy = await startTestProxy({ spec: spec(a.url, b.url) });
    const res = await send(proxy.url);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it("a stream's first-byte timeout fails over to the next account", async () => {
    a.setDefault({ firstByteDelayMs: 1500 });
    proxy = await startTestProxy({ spec: spec(a.url, b.url), config: { firstByteTimeoutMs: 300 } });
    const t0 = Date.now();
    const res = await send(proxy.url, { ...BODY, stream: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('message_stop');
    expect(Date.now() - t0).toBeLessThan(1400);
    expect(b.requests).toHaveLength(1);
  });

  it('sticky sessions keep one account; without a session least-recently-used spreads the load', async () => {
    const equal = spec(a.url, b.url);
    equal.accounts = equal.accounts!.map((x) => ({ ...x, priority: 5 }));
    proxy = await startTestProxy({ spec: equal });
    for (let i = 0; i < 4; i++) expect((await send(proxy.url, { ...BODY, metadata: { user_id: 'user_1_account__session_s1' } })).status).toBe(200);
    expect([a.requests.length, b.requests.length].sort()).toEqual([0, 4]);
    a.reset();
    b.reset();
    for (let i = 0; i < 4; i++) expect((await send(proxy.url)).status).toBe(200);
    expect([a.requests.length, b.requests.length]).toEqual([2, 2]);
  });

  it('a stream idle longer than the idle timeout is cut and recorded; the total timeout answers 504', async () => {
    a.setDefault({ chunks: 3, chunkDelayMs: 800 });
    proxy = await startTestProxy({ spec: spec(a.url, b.url), config: { idleTimeoutMs: 300 } });
    const usage = await usageReader(proxy.store);
    const res = await send(proxy.url, { ...BODY, stream: true });
    await res.text().catch(() => '');
    const [ev] = await usage.next(1);
    expect(ev).toMatchObject({ status: 502, errorType: 'stream_idle_timeout', accountId: 'A' });
    expect(b.requests).toHaveLength(0);
    await proxy.close();

    a.setDefault({ firstByteDelayMs: 1000 });
    proxy = await startTestProxy({ spec: spec(a.url, b.url), config: { totalTimeoutMs: 300 } });
    const slow = await send(proxy.url);
    expect(slow.status).toBe(504);
    expect(await slow.json()).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
  });
});
