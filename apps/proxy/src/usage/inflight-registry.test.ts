import Anthropic from '@anthropic-ai/sdk';
import { decodeCheckpoint, hotKeys } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, testRedisUrl, type TestProxy } from '@relay/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LEASE_TTL_MS } from './inflight-registry.ts';

const KEY = 'sk-relay-inflight-000000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';
const redisUrl = testRedisUrl();

/** Polls `probe` (every 20 ms, at most 5 s) until it returns a value. */
async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  return vi.waitFor(async () => {
    const v = await probe();
    if (v === undefined) throw new Error('not yet');
    return v;
  }, { timeout: 5_000, interval: 20 });
}

for (const [name, redis] of [['memory', undefined], ['redis', redisUrl]] as const) {
  describe.runIf(name === 'memory' || redis)(`in-flight requests of a proxy instance (${name} store)`, () => {
    let mock: MockUpstream;
    let proxy: TestProxy;
    let client: Anthropic;
    beforeAll(async () => {
      mock = await startMockUpstream();
      proxy = await startTestProxy({
        redisUrl: redis,
        spec: {
          users: [{ id: 'u1', priceRate: '1.5' }],
          keys: [{ id: 'k1', userId: 'u1', key: KEY, concurrency: 3, totalCostLimit: '50' }],
          accounts: [{ id: 'acc', platform: 'claude-console', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' }, concurrency: 10 }],
          prices: [{ model: SONNET, price: { input: '3', output: '15' } }],
        },
      });
      client = new Anthropic({ apiKey: KEY, baseURL: proxy.url, maxRetries: 0 });
    });
    afterEach(() => vi.restoreAllMocks());
    afterAll(async () => {
      await proxy.close();
      await mock.close();
    });

    it('checkpoints every running stream in ONE write, renews its leases past their TTL, and forgets it when it ends', async () => {
      mock.setDefault({ text: 'a '.repeat(60), chunks: 60, chunkDelayMs: 30, usage: { input: 25, output: 60 } });
      const { inflight } = proxy.proxy.runtime;
      const inflightKey = hotKeys.proxyInflight(inflight.instanceId);
      const streams = await Promise.all([1, 2, 3].map(() => client.messages.create({ model: SONNET, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'go' }] })));
      const iterators = streams.map((s) => s[Symbol.asyncIterator]());
      for (const it of iterators) while ((await it.next()).value?.type !== 'content_block_delta');

      // One checkpoint write carries all three requests: tokens so far, account, price, and what they reserved.
      const write = vi.spyOn(proxy.store, 'setHashFields');
      await until(async () => {
        write.mockClear();
        await inflight.checkpoint();
        const calls = write.mock.calls.filter(([key]) => key === inflightKey);
        if (calls.length > 1) throw new Error(`one checkpoint made ${calls.length} writes`);
        const cps = Object.values(await proxy.store.getHash(inflightKey)).map(decodeCheckpoint);
        const complete = calls.length === 1 && Object.keys(calls[0][1]).length === 3 && cps.length === 3 && cps.every((c) => c.draft.outputTokens > 0);
        return complete ? true : undefined;
      });
      const cps = Object.values(await proxy.store.getHash(inflightKey)).map(decodeCheckpoint);
      for (const c of cps) {
        expect(c.draft).toMatchObject({ inputTokens: 25, accountId: 'acc', platform: 'claude-console', status: 200, priceRate: 15_000, price: { input: 3_000_000, output: 15_000_000 } });
        expect(c.reserved).toEqual([{ key: hotKeys.keyCostTotal('k1'), unit: 'cost', amount: expect.any(Number) }]);
        expect(c.leases).toEqual([{ key: hotKeys.keyLeases('k1'), leaseId: c.draft.requestId }, { key: hotKeys.accountLeases('acc'), leaseId: c.draft.requestId }]);
      }

      // Leases held by running requests outlive their TTL as long as the instance heartbeats.
      const later = Date.now() + LEASE_TTL_MS - 1_000;
      await inflight.heartbeat(later);
      expect(await proxy.store.leaseCount(hotKeys.keyLeases('k1'), later + LEASE_TTL_MS - 1)).toBe(3);
      expect(await proxy.store.leaseCount(hotKeys.accountLeases('acc'), later + LEASE_TTL_MS - 1)).toBe(3);
      // Without further heartbeats they lapse one TTL later.
      expect(await proxy.store.leaseCount(hotKeys.keyLeases('k1'), later + LEASE_TTL_MS)).toBe(0);
      expect(await proxy.store.get(hotKeys.proxyAlive(inflight.instanceId))).not.toBeNull();

      for (const it of iterators) while (!(await it.next()).done);
      await until(async () => (Object.keys(await proxy.store.getHash(inflightKey)).length === 0 && inflight.size === 0 ? true : undefined));
      expect(await proxy.store.leaseCount(hotKeys.keyLeases('k1'))).toBe(0);
    });
  });
}
