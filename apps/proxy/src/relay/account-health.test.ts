import Anthropic from '@anthropic-ai/sdk';
import { hotChannels, hotKeys } from '@relay/core';
import { createHotStore, MemoryHotStore, type HotStore } from '@relay/hot-store';
import { refusedPort, startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { publishSnapshot, startTestProxy, testRedisUrl, uniqueSuffix, usageReader, type SnapshotSpec, type TestProxy } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';

const KEY = 'sk-relay-health-0000000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';
const redisUrl = testRedisUrl();

/** The hot stores every test runs against: the in-memory adapter always, a real Redis when configured. */
const variants: { name: string; open: () => HotStore }[] = [
  { name: 'memory store', open: () => new MemoryHotStore() },
  ...(redisUrl ? [{ name: 'redis store', open: () => createHotStore({ redisUrl, prefix: `test:health:${uniqueSuffix()}:` }) }] : []),
];

function spec(aUrl: string, bUrl: string, priorities: [number, number]): SnapshotSpec {
  return {
    keys: [{ id: 'k1', userId: 'u1', key: KEY }],
    accounts: [
      { id: 'A', platform: 'claude-console', priority: priorities[0], baseUrl: aUrl, credentials: { kind: 'api-key', apiKey: 'sk-ant-a' } },
      { id: 'B', platform: 'claude-console', priority: priorities[1], baseUrl: bUrl, credentials: { kind: 'api-key', apiKey: 'sk-ant-b' } },
    ],
    prices: [{ model: SONNET, price: { input: '3', output: '15' } }],
  };
}

const ask = (client: Anthropic, content: string) => client.messages.create({ model: SONNET, max_tokens: 16, messages: [{ role: 'user', content }] });
const clientOf = (proxy: TestProxy) => new Anthropic({ apiKey: KEY, baseURL: proxy.url, maxRetries: 0 });

/** Resolves once the wall clock has passed `epochMs` (a breaker's open period is a time, not an event). */
const clockPast = (epochMs: number) => new Promise((r) => setTimeout(r, Math.max(0, epochMs - Date.now()) + 5));

describe.each(variants)('account health ($name)', ({ open }) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function world(aUrl: string, bUrl: string, priorities: [number, number], config: Parameters<typeof startTestProxy>[0]['config'], proxies = 1) {
    const store = open();
    cleanups.push(() => store.close());
    await publishSnapshot(store, spec(aUrl, bUrl, priorities));
    const started: TestProxy[] = [];
    for (let i = 0; i < proxies; i++) {
      const p = await startTestProxy({ store, config });
      cleanups.push(() => p.close());
      started.push(p);
    }
    return { store, proxies: started, usage: await usageReader(store) };
  }
  async function mock(port?: number): Promise<MockUpstream> {
    const m = await startMockUpstream({ port });
    cleanups.push(() => m.close());
    return m;
  }

  it('one non-streaming request slower than its timeout gets 504 alone: no account cools down, both keep serving', async () => {
    const [a, b] = [await mock(), await mock()];
    a.setResponder((r) => (r.body?.messages?.[0]?.content === 'slow' ? { firstByteDelayMs: 2000, text: 'late' } : undefined));
    const { store, proxies: [proxy], usage } = await world(a.url, b.url, [5, 5], { nonStreamFirstByteTimeoutMs: 300, breakerFailures: 3 });
    const client = clientOf(proxy);

    const t0 = Date.now();
    const slow = ask(client, 'slow').then(() => null, (e: unknown) => e);
    await a.waitForRequests(1);
    // While it waits, the model keeps answering on both accounts.
    const during: string[] = [];
    for (let i = 0; i < 4; i++) during.push(((await ask(client, `during ${i}`)).content[0] as { text: string }).text);
    expect(during).toEqual(Array(4).fill('Hello from mock'));

    const err = await slow;
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(504);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
    expect(Date.now() - t0).toBeLessThan(1500);
    // Not retried elsewhere: B never saw the slow prompt.
    expect(b.requests.map((r) => r.body.messages[0].content)).not.toContain('slow');
    expect(a.requests[0].body.messages[0].content).toBe('slow');

    // Nothing cooled down, here or in the store every proxy reads.
    expect(await store.get(hotKeys.accountCooldown('A'))).toBeNull();
    expect(await store.get(hotKeys.accountCooldown('B'))).toBeNull();
    for (let i = 0; i < 4; i++) await ask(client, `after ${i}`);
    const after = (who: MockUpstream) => who.requests.filter((r) => String(r.body.messages[0].content).startsWith('after')).length;
    expect(after(a)).toBe(2);
    expect(after(b)).toBe(2);

    const events = await usage.next(9);
    const slowEvent = events.find((e) => e.status !== 200);
    expect(slowEvent).toMatchObject({ status: 504, errorType: 'upstream_timeout', accountId: 'A', attempts: 1 });
    expect(events.filter((e) => e.status === 200)).toHaveLength(8);
  });

  it('N consecutive connect failures open the breaker; after the open period exactly one probe reaches A, and its success closes it', async () => {
    const aPort = await refusedPort();
    const b = await mock();
    const { store, proxies, usage } = await world(`http://127.0.0.1:${aPort}`, b.url, [1, 2], { breakerFailures: 3, breakerOpenMs: 800 }, 2);
    const [c1, c2] = proxies.map(clientOf);

    // Two failures: A is still tried first each time.
    for (let i = 0; i < 2; i++) await ask(c1, `fail ${i}`);
    expect((await usage.next(2)).map((e) => [e.accountId, e.attempts])).toEqual([['B', 2], ['B', 2]]);
    expect(await store.get(hotKeys.accountCooldown('A'))).toBeNull();
    // The third opens it, for every proxy: the next requests go straight to B.
    await ask(c1, 'fail 2');
    expect((await usage.next(1))[0]).toMatchObject({ accountId: 'B', attempts: 2 });
    const until = Number(await store.get(hotKeys.accountCooldown('A')));
    expect(until).toBeGreaterThan(Date.now());
    await ask(c1, 'open 1');
    await ask(c2, 'open 2');
    expect((await usage.next(2)).map((e) => [e.accountId, e.attempts])).toEqual([['B', 1], ['B', 1]]);

    // A comes back; once the open period is over, concurrent requests on both proxies send ONE probe to A.
    const a = await mock(aPort);
    a.setDefault({ firstByteDelayMs: 300, text: 'probe answer' });
    const closed = new Promise<void>((resolve) => {
      void store.subscribe(hotChannels.cooldowns, (msg) => {
        if (JSON.parse(msg).breaker === 'closed') resolve();
      }).then((unsubscribe) => cleanups.push(unsubscribe));
    });
    await clockPast(until);
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(i % 2 ? c2 : c1, `burst ${i}`)));
    expect(burst.filter((m) => (m.content[0] as { text: string }).text === 'probe answer')).toHaveLength(1);
    expect(a.requests).toHaveLength(1);
    expect(b.requests.filter((r) => String(r.body.messages[0].content).startsWith('burst'))).toHaveLength(7);

    // The probe's success closed the breaker on both proxies: A (priority 1) serves again.
    await closed;
    a.setDefault({ text: 'A again' });
    await expect.poll(async () => ((await ask(c2, 'closed 2')).content[0] as { text: string }).text).toBe('A again');
    expect(((await ask(c1, 'closed 1')).content[0] as { text: string }).text).toBe('A again');
  });

  it('a 429 cooldown ends half-open too: one probe reaches A before it takes traffic again, on every proxy', async () => {
    const [a, b] = [await mock(), await mock()];
    a.enqueue({ status: 429, headers: { 'retry-after': '1' } });
    const { store, proxies } = await world(a.url, b.url, [1, 2], {}, 2);
    const [c1, c2] = proxies.map(clientOf);
    // The 429 cools A for a second; the request itself is served by B.
    expect(((await ask(c1, 'limited')).content[0] as { text: string }).text).toBe('Hello from mock');
    expect(b.requests).toHaveLength(1);
    const until = Number(await store.get(hotKeys.accountCooldown('A')));
    expect(until).toBeGreaterThan(Date.now());

    a.setDefault({ firstByteDelayMs: 300, text: 'probe answer' });
    await clockPast(until);
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => ask(i % 2 ? c2 : c1, `burst ${i}`)));
    expect(burst.filter((m) => (m.content[0] as { text: string }).text === 'probe answer')).toHaveLength(1);
    expect(a.requests.filter((r) => String(r.body.messages[0].content).startsWith('burst'))).toHaveLength(1);
    expect(b.requests.filter((r) => String(r.body.messages[0].content).startsWith('burst'))).toHaveLength(5);
  });

  it('the control plane\'s recovery message (a health probe succeeded) lifts a cooldown on every proxy at once', async () => {
    const [a, b] = [await mock(), await mock()];
    a.enqueue({ status: 429, headers: { 'retry-after': '3600' } });
    const { store, proxies } = await world(a.url, b.url, [1, 2], {}, 2);
    const [c1, c2] = proxies.map(clientOf);
    await ask(c1, 'limited');
    expect(Number(await store.get(hotKeys.accountCooldown('A')))).toBeGreaterThan(Date.now() + 3_000_000);
    a.setDefault({ text: 'A back' });
    await store.publish(hotChannels.cooldowns, JSON.stringify({ accountId: 'A', cleared: true }));
    for (const c of [c1, c2]) await expect.poll(async () => ((await ask(c, 'after')).content[0] as { text: string }).text).toBe('A back');
  });
});
