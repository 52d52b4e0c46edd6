/**
 * What the conformance suite cannot pin down on Redis without waiting in real time, checked on
 * the memory store with its injected clock; plus its in-process specifics.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { USAGE_GROUP, hotChannels, hotKeys } from '@relay/core';
import { MemoryHotStore } from './memory-store.ts';

let clock: number;
let store: MemoryHotStore;

beforeEach(() => {
  clock = 1_700_000_000_000;
  store = new MemoryHotStore({ now: () => clock });
});
afterEach(async () => {
  await store.close();
});

describe('MemoryHotStore', () => {
  it('delivers pub/sub messages on a later turn, never inside publish', async () => {
    const received: string[] = [];
    await store.subscribe(hotChannels.liveLogs, (m) => received.push(m));
    await store.publish(hotChannels.liveLogs, 'log-1');
    expect(received).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual(['log-1']);
  });

  it('claims only entries idle for at least minIdleMs, by the store clock', async () => {
    const stream = hotKeys.proxyEventStream;
    await store.ensureGroup(stream, USAGE_GROUP);
    await store.streamAdd(stream, 'a');
    clock += 5_000;
    await store.streamAdd(stream, 'b');
    await store.readGroup(stream, USAGE_GROUP, 'dead-consumer', 1, 0); // 'a' delivered at t+5s
    clock += 10_000;
    await store.readGroup(stream, USAGE_GROUP, 'dead-consumer', 1, 0); // 'b' delivered at t+15s
    clock += 20_000;
    const claimed = await store.claimStale(stream, USAGE_GROUP, 'rescuer', 25_000, 10);
    expect(claimed.map((e) => [e.payload, e.deliveries])).toEqual([['a', 2]]);
    // Claiming resets the idle time.
    expect(await store.claimStale(stream, USAGE_GROUP, 'other', 25_000, 10)).toEqual([]);
  });

  it('trims streams to maxLen and drops pending entries that were trimmed away', async () => {
    const stream = hotKeys.usageStream;
    await store.ensureGroup(stream, USAGE_GROUP);
    await store.streamAdd(stream, 'old');
    await store.readGroup(stream, USAGE_GROUP, 'c', 10, 0);
    for (let i = 0; i < 3; i++) await store.streamAdd(stream, `new-${i}`, 2);
    expect((await store.readGroup(stream, USAGE_GROUP, 'c', 10, 0)).map((e) => e.payload)).toEqual(['new-1', 'new-2']);
    expect(await store.pendingCount(stream, USAGE_GROUP)).toBe(3);
    expect((await store.claimStale(stream, USAGE_GROUP, 'd', 0, 10)).map((e) => e.payload)).toEqual(['new-1', 'new-2']);
    expect(await store.pendingCount(stream, USAGE_GROUP)).toBe(2);
  });

  it('a daily budget counter expires ttlMs after its last change', async () => {
    const key = hotKeys.keyCostDay('k', '2025-01-01');
    const reserve = { kind: 'budget' as const, key, limit: 100, amount: 10, ttlMs: 1_000 };
    expect(await store.admit([reserve])).toEqual({ ok: true });
    clock += 900;
    expect(await store.admit([reserve])).toEqual({ ok: true });
    clock += 900;
    expect(await store.get(key)).toBe('20');
    clock += 100;
    expect(await store.get(key)).toBeNull();
  });

  it('a blocked read ends empty when the store closes', async () => {
    await store.ensureGroup(hotKeys.usageStream, USAGE_GROUP);
    const reading = store.readGroup(hotKeys.usageStream, USAGE_GROUP, 'c', 1, 60_000);
    await store.close();
    expect(await reading).toEqual([]);
    expect(store.isReady()).toBe(false);
    await expect(store.get('x')).rejects.toThrow(/closed/);
  });

  it('refuses mixing value kinds on one key, as Redis does', async () => {
    await store.incrementHashes([{ key: 'h', fields: { n: 1 } }]);
    await expect(store.incr('h', 1)).rejects.toThrow(/WRONGTYPE/);
    await expect(store.readGroup('missing', USAGE_GROUP, 'c', 1, 0)).rejects.toThrow(/NOGROUP/);
  });
});
