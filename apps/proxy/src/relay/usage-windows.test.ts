import { decodeUsageWindows, hotChannels, hotKeys, type ProxyEvent } from '@relay/core';
import { createHotStore, MemoryHotStore, type HotStore } from '@relay/hot-store';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, testRedisUrl, uniqueSuffix, type SnapshotSpec, type TestProxy } from '@relay/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const KEY = 'sk-relay-windows-000000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';
const BODY = { model: SONNET, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
const HOUR = 3600_000;

function oauthAccount(id: string, url: string) {
  return { id, platform: 'claude-oauth' as const, baseUrl: url, credentials: { kind: 'oauth' as const, accessToken: `sk-ant-oat01-${id}`, refreshToken: null, expiresAt: null } };
}

function spec(...accounts: ReturnType<typeof oauthAccount>[]): SnapshotSpec {
  return { keys: [{ id: 'k1', userId: 'u1', key: KEY }], accounts, prices: [{ model: SONNET, price: { input: '3', output: '15' } }] };
}

function send(url: string) {
  return fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify(BODY) });
}

function sendOpenAI(url: string) {
  return fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: SONNET, messages: [{ role: 'user', content: 'hi' }] }) });
}

/** Every proxy event (account.window ones) published so far, read through a group of the test's own. */
async function windowEvents(store: HotStore, group: string): Promise<ProxyEvent[]> {
  await store.ensureGroup(hotKeys.proxyEventStream, group);
  const entries = await store.readGroup(hotKeys.proxyEventStream, group, 'c', 100, 1);
  return entries.map((e) => JSON.parse(e.payload) as ProxyEvent).filter((e) => e.type === 'account.window');
}

const stored = async (store: HotStore, id: string) => decodeUsageWindows(await store.getHash(hotKeys.accountWindows(id)));

/** Waits until the only new account.window event is A's `state` with `until`. */
const expectWindowEvent = (store: HotStore, state: 'paused' | 'resumed', until: number) => vi.waitFor(async () => expect(await windowEvents(store, 'g')).toEqual([
  expect.objectContaining({ type: 'account.window', accountId: 'A', state, until }),
]));

/** A controlled clock: Date only (timers and sockets run for real), moved by hand; returns its start (a whole second). */
function freezeClock(): number {
  vi.useFakeTimers({ toFake: ['Date'] });
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  vi.setSystemTime(t0);
  return t0;
}

/** An Anthropic-format 429 telling the client to come back in `seconds`. */
async function expectRateLimited(res: Response, seconds: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe(String(seconds));
  expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
}

describe('Claude subscription usage windows', () => {
  let a: MockUpstream;
  let b: MockUpstream;
  const proxies: TestProxy[] = [];
  beforeAll(async () => {
    [a, b] = await Promise.all([startMockUpstream(), startMockUpstream()]);
  });
  afterAll(async () => Promise.all([a.close(), b.close()]));
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    a.reset();
    b.reset();
  });

  it('a 95 % window, then rejected with a reset 2 minutes ahead: paused until the reset (nothing reaches the account, clients get 429 + retry-after in their format), then serves again', async () => {
    const t0 = freezeClock();
    const resetAt = t0 + 120_000;
    const proxy = await startTestProxy({ spec: spec(oauthAccount('A', a.url)) });
    proxies.push(proxy);
    await windowEvents(proxy.store, 'g');

    a.setDefault({ unified: { fiveHour: { utilization: '0.95', status: 'allowed_warning', resetsAt: t0 + 3 * HOUR }, sevenDay: { utilization: '0.4', resetsAt: t0 + 96 * HOUR } } });
    expect((await send(proxy.url)).status).toBe(200);
    await vi.waitFor(async () => expect((await stored(proxy.store, 'A'))?.fiveHour).toEqual({ utilizationBp: 9500, status: 'allowed_warning', resetsAt: t0 + 3 * HOUR }));
    expect((await stored(proxy.store, 'A'))?.sevenDay).toEqual({ utilizationBp: 4000, status: 'allowed', resetsAt: t0 + 96 * HOUR });

    a.enqueue({ status: 429, errorMessage: 'Rate limited', unified: { status: 'rejected', resetsAt: resetAt, fiveHour: { utilization: '1.0', status: 'rejected', resetsAt: resetAt }, sevenDay: { utilization: '0.41', resetsAt: t0 + 96 * HOUR } } });
    await expectRateLimited(await send(proxy.url), 120);
    expect(a.requests).toHaveLength(2);
    await vi.waitFor(async () => expect((await stored(proxy.store, 'A'))?.pausedUntil).toBe(resetAt));
    await expectWindowEvent(proxy.store, 'paused', resetAt);

    // 90 s later: still paused; nothing is sent upstream; each client is told how long is left.
    vi.setSystemTime(t0 + 90_000);
    await expectRateLimited(await send(proxy.url), 30);
    const openai = await sendOpenAI(proxy.url);
    expect(openai.status).toBe(429);
    expect(openai.headers.get('retry-after')).toBe('30');
    expect(await openai.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect(a.requests).toHaveLength(2);

    // Past the reset: served again without anyone clearing anything, and the resume is reported.
    a.setDefault({ unified: { fiveHour: { utilization: '0.01', resetsAt: t0 + 5 * HOUR }, sevenDay: { utilization: '0.41', resetsAt: t0 + 96 * HOUR } } });
    vi.setSystemTime(resetAt + 1000);
    expect((await send(proxy.url)).status).toBe(200);
    expect(a.requests).toHaveLength(3);
    await expectWindowEvent(proxy.store, 'resumed', resetAt);
    expect((await stored(proxy.store, 'A'))?.pausedUntil).toBeNull();
  });

  it('a 429 without unified headers whose body says `usage limit reached|<epoch>`: paused until then like a rejected status (hash, event, 429 + retry-after), then serves again', async () => {
    const t0 = freezeClock();
    const resetAt = t0 + 120_000;
    const proxy = await startTestProxy({ spec: spec(oauthAccount('A', a.url)) });
    proxies.push(proxy);
    await windowEvents(proxy.store, 'g');

    // A usage window learnt earlier is kept through the body-only pause.
    a.setDefault({ unified: { fiveHour: { utilization: '0.97', status: 'allowed_warning', resetsAt: resetAt }, sevenDay: { utilization: '0.4', resetsAt: t0 + 96 * HOUR } } });
    expect((await send(proxy.url)).status).toBe(200);
    await vi.waitFor(async () => expect((await stored(proxy.store, 'A'))?.fiveHour?.utilizationBp).toBe(9700));

    a.enqueue({ usageLimitResetsAt: resetAt });
    await expectRateLimited(await send(proxy.url), 120);
    expect(a.requests).toHaveLength(2);
    await vi.waitFor(async () => expect(await stored(proxy.store, 'A')).toMatchObject({
      status: 'rejected', resetsAt: resetAt, pausedUntil: resetAt, fiveHour: { utilizationBp: 9700 }, sevenDay: { utilizationBp: 4000 },
    }));
    await expectWindowEvent(proxy.store, 'paused', resetAt);

    // 90 s later: still paused, nothing sent upstream, 30 s left.
    vi.setSystemTime(t0 + 90_000);
    const paused = await sendOpenAI(proxy.url);
    expect(paused.status).toBe(429);
    expect(paused.headers.get('retry-after')).toBe('30');
    expect(a.requests).toHaveLength(2);

    // Past the reset it serves again, and the first answer with unified headers reports the resume.
    a.setDefault({ unified: { fiveHour: { utilization: '0.01', resetsAt: t0 + 5 * HOUR } } });
    vi.setSystemTime(resetAt + 1000);
    expect((await send(proxy.url)).status).toBe(200);
    expect(a.requests).toHaveLength(3);
    await expectWindowEvent(proxy.store, 'resumed', resetAt);
  });

  it('a claude-oauth 429 whose body names no reset is an ordinary cooldown: no pause', async () => {
    const proxy = await startTestProxy({ spec: spec(oauthAccount('A', a.url)) });
    proxies.push(proxy);
    a.enqueue({ status: 429, errorMessage: "This request would exceed your account's rate limit. Please try again later.", headers: { 'retry-after': '30' } });
    const res = await send(proxy.url);
    expect(res.status).toBe(429);
    expect(proxy.proxy.runtime.windows.pausedUntil('A', Date.now())).toBeNull();
    expect(proxy.proxy.runtime.health.isCoolingDown('A', Date.now())).toBe(true);
  });

  it.each([
    { name: 'the pause ends first', pauseS: 45, cooldownS: 120, back: 'A' },
    { name: 'the cooldown ends first', pauseS: 300, cooldownS: 30, back: 'B' },
  ])('one account paused, the other cooling down ($name): 503 with retry-after to the earlier of the two, then that account serves', async ({ pauseS, cooldownS, back }) => {
    const t0 = freezeClock();
    const proxy = await startTestProxy({ spec: spec(oauthAccount('A', a.url), oauthAccount('B', b.url)) });
    proxies.push(proxy);
    const first = Math.min(pauseS, cooldownS);
    a.setDefault({ usageLimitResetsAt: t0 + pauseS * 1000 });
    b.setDefault({ status: 429, headers: { 'retry-after': String(cooldownS) } });

    // Both tried: A's usage window is spent, B is rate limited — 429, retry-after to the first return.
    const tried = await send(proxy.url);
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
    expect(tried.status).toBe(429);
    expect(tried.headers.get('retry-after')).toBe(String(first));

    // Now neither is offered (A paused, B cooling down): 503 as before, now with retry-after.
    const refused = await send(proxy.url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe(String(first));
    expect(await refused.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    vi.setSystemTime(t0 + 10_000);
    const later = await sendOpenAI(proxy.url);
    expect(later.status).toBe(503);
    expect(later.headers.get('retry-after')).toBe(String(first - 10));
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);

    // At that moment the account it named takes the request.
    a.setDefault({});
    b.setDefault({});
    vi.setSystemTime(t0 + first * 1000 + 1000);
    expect((await send(proxy.url)).status).toBe(200);
    expect(back === 'A' ? [a.requests.length, b.requests.length] : [b.requests.length, a.requests.length]).toEqual([2, 1]);
  });

  it('repeated figures are not written or broadcast again, except once a minute (a store restarted empty is refilled)', async () => {
    const t0 = freezeClock();
    const proxy = await startTestProxy({ spec: spec(oauthAccount('A', a.url)) });
    proxies.push(proxy);
    const seen: string[] = [];
    const unsubscribe = await proxy.store.subscribe(hotChannels.accountWindows, (msg) => seen.push(msg));
    try {
      a.setDefault({ unified: { fiveHour: { utilization: '0.3', resetsAt: t0 + 3 * HOUR }, sevenDay: { utilization: '0.1', resetsAt: t0 + 96 * HOUR } } });
      for (let i = 0; i < 4; i++) expect((await send(proxy.url)).status).toBe(200);
      await vi.waitFor(async () => expect((await stored(proxy.store, 'A'))?.fiveHour?.utilizationBp).toBe(3000));
      a.setDefault({ unified: { fiveHour: { utilization: '0.31', resetsAt: t0 + 3 * HOUR }, sevenDay: { utilization: '0.1', resetsAt: t0 + 96 * HOUR } } });
      expect((await send(proxy.url)).status).toBe(200);
      await vi.waitFor(async () => expect((await stored(proxy.store, 'A'))?.fiveHour?.utilizationBp).toBe(3100));
      await vi.waitFor(() => expect(seen).toHaveLength(2));

      // The store loses the hash; the same figures a minute later write it again.
      await proxy.store.del(hotKeys.accountWindows('A'));
      expect((await send(proxy.url)).status).toBe(200);
      expect(await stored(proxy.store, 'A')).toBeNull();
      vi.setSystemTime(t0 + 61_000);
      expect((await send(proxy.url)).status).toBe(200);
      await vi.waitFor(async () => expect((await stored(proxy.store, 'A'))?.fiveHour?.utilizationBp).toBe(3100));
      expect(seen).toHaveLength(3);
    } finally {
      await unsubscribe();
    }
  });

  it('two accounts at the same priority: the one with more remaining window is chosen, until it has less', async () => {
    const proxy = await startTestProxy({ spec: spec(oauthAccount('A', a.url), oauthAccount('B', b.url)) });
    proxies.push(proxy);
    const now = Date.now();
    a.setDefault({ unified: { fiveHour: { utilization: '0.90', resetsAt: now + 3 * HOUR }, sevenDay: { utilization: '0.10', resetsAt: now + 96 * HOUR } } });
    b.setDefault({ unified: { fiveHour: { utilization: '0.20', resetsAt: now + 3 * HOUR }, sevenDay: { utilization: '0.30', resetsAt: now + 96 * HOUR } } });
    // Unknown windows count as full: the first two requests (least recently used) learn both.
    for (let i = 0; i < 2; i++) expect((await send(proxy.url)).status).toBe(200);
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
    for (let i = 0; i < 5; i++) expect((await send(proxy.url)).status).toBe(200);
    expect([a.requests.length, b.requests.length]).toEqual([1, 6]);
    // B's 7-day window is now the tighter one: 3 % left against A's 10 %.
    b.setDefault({ unified: { fiveHour: { utilization: '0.25', resetsAt: now + 3 * HOUR }, sevenDay: { utilization: '0.97', resetsAt: now + 96 * HOUR } } });
    expect((await send(proxy.url)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await send(proxy.url)).status).toBe(200);
    expect([a.requests.length, b.requests.length]).toEqual([4, 7]);
  });

  const stores: { name: string; make: () => { store: HotStore; redisUrl?: string; prefix?: string } }[] = [{ name: 'memory', make: () => ({ store: new MemoryHotStore() }) }];
  const redisUrl = testRedisUrl();
  if (redisUrl) stores.push({ name: 'redis', make: () => ({ store: createHotStore({ redisUrl, prefix: `test:${uniqueSuffix()}:` }), redisUrl }) });

  it.each(stores)('a pause seen by one proxy holds on another sharing the hot store ($name); with every account paused, retry-after is the earliest reset', async ({ make }) => {
    const { store } = make();
    try {
      const p1 = await startTestProxy({ store, spec: spec(oauthAccount('A', a.url), oauthAccount('B', b.url)) });
      proxies.push(p1);
      const p2 = await startTestProxy({ store });
      proxies.push(p2);
      const now = Date.now();
      const rejected = (resetsAt: number) => ({ status: 429, unified: { status: 'rejected' as const, resetsAt, fiveHour: { utilization: '1', status: 'rejected' as const, resetsAt } } });
      a.setDefault(rejected(now + 600_000));
      b.setDefault(rejected(now + 300_000));
      const first = await send(p1.url);
      expect(first.status).toBe(429);
      // Both accounts were tried and both are paused: the client waits for the earlier reset (B's).
      expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(290);
      expect(Number(first.headers.get('retry-after'))).toBeLessThanOrEqual(300);
      expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
      const knowsBothPauses = (p: TestProxy) => vi.waitFor(() => {
        for (const id of ['A', 'B']) expect(p.proxy.runtime.windows.pausedUntil(id, Date.now())).not.toBeNull();
      });
      // The other proxy learns the pauses from the hot store's announcement, not from its own attempts.
      await knowsBothPauses(p2);
      const second = await send(p2.url);
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(300);
      expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
      // A proxy started afterwards reads the stored windows with its first snapshot.
      const p3 = await startTestProxy({ store });
      proxies.push(p3);
      await knowsBothPauses(p3);
      expect((await send(p3.url)).status).toBe(429);
      expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
    } finally {
      await Promise.all(proxies.splice(0).map((p) => p.close()));
      await store.close();
    }
  });
});
