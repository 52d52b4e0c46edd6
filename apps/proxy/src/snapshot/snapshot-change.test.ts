import { createHotStore, MemoryHotStore, snapshotKeys, type HotStore } from '@relay/hot-store';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { publishSnapshot, startTestProxy, testRedisUrl, uniqueSuffix, type SnapshotSpec } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'sk-relay-snapshot-0000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';

const redisUrl = testRedisUrl();
const stores: [string, () => HotStore][] = [['memory', () => new MemoryHotStore()]];
if (redisUrl) stores.push(['redis', () => createHotStore({ redisUrl, prefix: `snap:${uniqueSuffix()}:` })]);

describe.each(stores)('snapshot changes on the %s hot store', (_name, makeStore) => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(async () => mock.close());

  it('a disabled key is refused within 1 s of the publish (pushed, not polled)', async () => {
    const store = makeStore();
    const spec = (enabled: boolean): SnapshotSpec => ({
      keys: [{ id: 'k1', userId: 'u1', key: KEY, enabled }],
      accounts: [{ id: 'a', platform: 'claude-console', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
      prices: [{ model: SONNET, price: { input: '1', output: '1' } }],
    });
    // Polling far slower than the deadline: only the pub/sub announcement can make it in time.
    const proxy = await startTestProxy({ store, spec: spec(true), config: { snapshotPollMs: 60_000 } });
    try {
      const send = () => fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify({ model: SONNET, max_tokens: 5, messages: [] }) });
      expect((await send()).status).toBe(200);
      const t0 = Date.now();
      await proxy.publish(spec(false));
      expect(Date.now() - t0).toBeLessThan(1000);
      const res = await send();
      expect(res.status).toBe(401);
      expect((await res.json()).error.message).toMatch(/disabled/);
    } finally {
      await proxy.close();
      await store.close();
    }
  });

  // Redis restarted without persistence: the snapshot and its version counter are gone. The proxy
  // keeps serving its last good snapshot, then takes the control plane's republished one although
  // its version (counting again from 1) is lower than the one it holds.
  it.runIf(_name === 'redis')('after the store lost its data, keeps the last good snapshot, then takes a lower-numbered one', async () => {
    const store = makeStore();
    const spec = (enabled: boolean): SnapshotSpec => ({
      keys: [{ id: 'k1', userId: 'u1', key: KEY, enabled }],
      accounts: [{ id: 'a', platform: 'claude-console', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
      prices: [{ model: SONNET, price: { input: '1', output: '1' } }],
    });
    const proxy = await startTestProxy({ store, spec: spec(true), config: { snapshotPollMs: 60_000 } });
    try {
      const send = () => fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify({ model: SONNET, max_tokens: 5, messages: [] }) });
      for (let i = 0; i < 3; i++) await proxy.publish(spec(true)); // the proxy now holds version 4
      for (const key of [snapshotKeys.json, snapshotKeys.version, snapshotKeys.sequence]) await store.del(key);
      expect((await send()).status).toBe(200); // last good snapshot still in force
      const t0 = Date.now();
      expect(await publishSnapshot(store, spec(false))).toBe(1);
      let status = 0;
      while (Date.now() - t0 < 3000 && (status = (await send()).status) !== 401) await new Promise((r) => setTimeout(r, 10));
      expect(status).toBe(401);
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      await proxy.close();
      await store.close();
    }
  });
});
