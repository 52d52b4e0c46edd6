import { dayKey, hotKeys, type Clock } from '@relay/core';
import { createHotStore, MemoryHotStore, type HotStore } from '@relay/hot-store';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, testRedisUrl, uniqueSuffix, usageReader, type SnapshotSpec, type TestProxy } from '@relay/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'sk-relay-limits-0000000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';
const BODY = { model: SONNET, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
type KeyLimits = NonNullable<SnapshotSpec['keys']>[number];

function spec(mock: string, limits: Partial<KeyLimits>, accountConcurrency: number | null = null): SnapshotSpec {
  return {
    keys: [{ id: `k-${uniqueSuffix()}`, userId: 'u1', key: KEY, ...limits }],
    accounts: [{ id: 'acc', platform: 'claude-console', baseUrl: mock, concurrency: accountConcurrency, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
    prices: [{ model: SONNET, price: { input: '3', output: '15' } }],
  };
}

function send(url: string, body: unknown = BODY, key = KEY) {
  return fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const MINUTE = 60_000;

/**
 * The proxy's clock for windowed tests: it stands still in the middle of the current minute (so
 * the window cannot roll over mid-test, with no wait for the wall clock to leave a minute's edge)
 * until the test moves it.
 */
function testClock(): Clock & { set(ms: number): void } {
  let at = Math.floor(Date.now() / MINUTE) * MINUTE + MINUTE / 2;
  return { now: () => at, set: (ms) => { at = ms; } };
}

const redisUrl = testRedisUrl();
const stores: [string, () => HotStore][] = [['memory', () => new MemoryHotStore()]];
if (redisUrl) stores.push(['redis', () => createHotStore({ redisUrl, prefix: `limits:${uniqueSuffix()}:` })]);

describe.each(stores)('key limits on the %s hot store', (_name, makeStore) => {
  let mock: MockUpstream;
  let store: HotStore;
  let proxy: TestProxy | null = null;
  beforeAll(async () => {
    mock = await startMockUpstream();
    store = makeStore();
  });
  afterAll(async () => {
    await mock.close();
    await store.close();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = null;
    mock.reset();
  });

  it('RPM N admits exactly N of 3N concurrent requests; the rest get 429 with retry-after', async () => {
    proxy = await startTestProxy({ store, spec: spec(mock.url, { rpm: 5 }), clock: testClock() });
    const res = await Promise.all(Array.from({ length: 15 }, () => send(proxy!.url)));
    expect(res.filter((r) => r.status === 200)).toHaveLength(5);
    const limited = res.filter((r) => r.status === 429);
    expect(limited).toHaveLength(10);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited[0].json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(mock.requests).toHaveLength(5);
  });

  it('the RPM window is the one of the injected clock: the next minute admits again at once', async () => {
    const clock = testClock();
    proxy = await startTestProxy({ store, spec: spec(mock.url, { rpm: 1 }), clock });
    expect((await send(proxy.url)).status).toBe(200);
    const limited = await send(proxy.url);
    expect(limited.status).toBe(429);
    // Half a minute left in the window, as the clock (not the wall clock) says.
    expect(limited.headers.get('retry-after')).toBe('30');
    clock.set(clock.now() + MINUTE);
    expect((await send(proxy.url)).status).toBe(200);
    expect((await send(proxy.url)).status).toBe(429);
  });

  it('TPM admits on the estimate and settles to the actual tokens', async () => {
    mock.setDefault({ usage: { input: 10, output: 5 } }); // 15 actual tokens per request
    proxy = await startTestProxy({ store, spec: spec(mock.url, { tpm: 100 }), clock: testClock() });
    const body = { ...BODY, messages: [{ role: 'user', content: 'x'.repeat(220) }] }; // ≈ 300 bytes → 75 estimated tokens
    expect((await send(proxy.url, body)).status).toBe(200); // 0 + 75 ≤ 100, settled to 15
    expect((await send(proxy.url, body)).status).toBe(200); // 15 + 75 ≤ 100 only because the first settled
    const third = await send(proxy.url, body); // 30 + 75 > 100
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBeTruthy();
  });

  it('the key concurrency cap is never exceeded at the upstream', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    mock.setResponder((req) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      void mock.waitForClose(req.seq, 10_000).then(() => inFlight--);
      return { chunks: 4, chunkDelayMs: 40 };
    });
    proxy = await startTestProxy({ store, spec: spec(mock.url, { concurrency: 2 }) });
    const res = await Promise.all(Array.from({ length: 8 }, async () => {
      const r = await send(proxy!.url, { ...BODY, stream: true });
      await r.text();
      return r.status;
    }));
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(res.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    expect(res.filter((s) => s !== 200).every((s) => s === 429)).toBe(true);
    // Leases are released: the next request is admitted.
    expect((await send(proxy.url)).status).toBe(200);
  });

  it('the account concurrency cap is never exceeded', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    mock.setResponder((req) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      void mock.waitForClose(req.seq, 10_000).then(() => inFlight--);
      return { chunks: 3, chunkDelayMs: 30 };
    });
    proxy = await startTestProxy({ store, spec: spec(mock.url, {}, 1) });
    const res = await Promise.all(Array.from({ length: 5 }, async () => {
      const r = await send(proxy!.url, { ...BODY, stream: true });
      await r.text();
      return r.status;
    }));
    expect(maxInFlight).toBe(1);
    expect(res.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(res.filter((s) => s !== 200).every((s) => s === 503)).toBe(true);
  });

  it('daily budget: once spent, the next request gets 402', async () => {
    mock.setDefault({ usage: { input: 10, output: 100_000 } }); // 1.5 USD per request
    proxy = await startTestProxy({ store, spec: spec(mock.url, { dailyCostLimit: '1' }) });
    expect((await send(proxy.url)).status).toBe(200);
    const r = await send(proxy.url);
    expect(r.status).toBe(402);
    expect(await r.json()).toMatchObject({ type: 'error', error: { type: 'billing_error' } });
    expect(mock.requests).toHaveLength(1);
  });

  it('fifty concurrent requests cannot overspend the budget beyond the in-flight estimates', async () => {
    // Estimate per request: ~30 prompt tokens × 3 + 100 max output × 15 ≈ 1600 µ$; actual 1500 + 30 µ$.
    mock.setDefault({ usage: { input: 10, output: 100 }, chunks: 2, chunkDelayMs: 20 });
    proxy = await startTestProxy({ store, spec: spec(mock.url, { dailyCostLimit: '0.01' }) });
    const usage = await usageReader(proxy.store);
    const res = await Promise.all(Array.from({ length: 50 }, () => send(proxy!.url)));
    const ok = res.filter((r) => r.status === 200).length;
    expect(res.filter((r) => r.status === 402).length).toBe(50 - ok);
    const events = await usage.next(ok);
    const spent = events.reduce((s, e) => s + e.totalCost, 0);
    expect(ok).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(10_000);
  });

  it('a rejected request changes no counter and publishes no event', async () => {
    const clock = testClock();
    proxy = await startTestProxy({ store, spec: spec(mock.url, { rpm: 3, concurrency: 5, dailyCostLimit: '5', totalCostLimit: '10' }), clock });
    const usage = await usageReader(proxy.store);
    const keyId = Object.values(proxy.proxy.runtime.snapshots.current().snapshot.keys)[0].id;
    expect((await send(proxy.url)).status).toBe(200);
    await usage.next(1);
    const counters = async () => [
      await proxy!.store.get(hotKeys.keyCostDay(keyId, dayKey(clock.now()))),
      await proxy!.store.get(hotKeys.keyCostTotal(keyId)),
      await proxy!.store.leaseCount(hotKeys.keyLeases(keyId)),
    ];
    const before = await counters();
    // Rejected before admission: bad key, bad JSON, missing model, model not priced.
    expect((await send(proxy.url, BODY, 'sk-relay-wrong')).status).toBe(401);
    expect((await fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: '{oops' })).status).toBe(400);
    expect((await send(proxy.url, { messages: [] })).status).toBe(400);
    expect((await send(proxy.url, { ...BODY, model: 'claude-unpriced' })).status).toBe(400);
    expect(await counters()).toEqual(before);
    expect(await usage.drain()).toEqual([]);
    // The RPM window was not consumed by the rejects: exactly two more requests fit.
    expect((await send(proxy.url)).status).toBe(200);
    expect((await send(proxy.url)).status).toBe(200);
    const third = await send(proxy.url);
    expect(third.status).toBe(429);
    await usage.next(2);
    // ...and the RPM rejection itself changed no budget counter.
    const after = await counters();
    expect(after[2]).toBe(0);
    expect(await usage.drain()).toEqual([]);
  });
});
