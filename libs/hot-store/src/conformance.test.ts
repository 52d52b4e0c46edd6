/**
 * One behaviour suite for every HotStore adapter: the in-process store always, Redis when
 * TEST_REDIS_URL is set (required with CI=true). Time for windows and leases is driven without
 * sleeping: the memory store gets an injected clock, the Redis store gets explicit `nowMs`.
 * Key expiry on Redis is real server time, so those few checks poll until a short TTL passes.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { USAGE_GROUP, hotChannels, hotKeys } from '@relay/core';
import { testRedisUrl, uniqueSuffix } from '@relay/testkit';
import { deleteRedisPrefix, startRedisCluster, type LocalRedisCluster } from '@relay/testkit/redis-cluster';
import type { AdmissionCheck, HashIncrement, HotStore } from './port.ts';
import { MemoryHotStore } from './memory-store.ts';
import { RedisHotStore } from './redis-store.ts';

const redisUrl = testRedisUrl();

interface Harness {
  store: HotStore;
  /** The `nowMs` argument to pass: undefined for memory (its clock is the time). */
  nowArg(): number | undefined;
  /** The time in effect for windows and leases. */
  time(): number;
  /** Moves window/lease time forward (memory: also key expiry). */
  advance(ms: number): void;
  /** A TTL that has passed once `advance(shortTtlMs)` ran and `eventually` polled. */
  shortTtlMs: number;
}

interface Adapter {
  create(): Harness;
  cleanup(): Promise<void>;
}

const WINDOW_MS = 60_000;

/** Polls until `assertion` holds: only for Redis key expiry, which has no event to await. */
function eventually(assertion: () => Promise<void>): Promise<void> {
  return vi.waitFor(assertion, { timeout: 5_000, interval: 20 });
}

/** Resolves with the first message `subscribe` delivers on `channel`. */
async function nextMessage(store: HotStore, channel: string): Promise<{ message: Promise<string>; stop: () => Promise<void> }> {
  let deliver!: (message: string) => void;
  const message = new Promise<string>((resolve) => (deliver = resolve));
  const stop = await store.subscribe(channel, (m) => deliver(m));
  return { message, stop };
}

function memoryAdapter(): Adapter {
  return {
    create() {
      let clock = 1_700_000_012_345;
      const store = new MemoryHotStore({ now: () => clock });
      return {
        store,
        nowArg: () => undefined,
        time: () => clock,
        advance: (ms) => (clock += ms),
        shortTtlMs: 1_000,
      };
    },
    cleanup: async () => {},
  };
}

function redisAdapter(url: string): Adapter {
  const basePrefix = `test:hot-store:${uniqueSuffix()}:`;
  let stores = 0;
  return {
    create() {
      let time = Date.now();
      const store = new RedisHotStore({ url, prefix: `${basePrefix}${++stores}:` });
      return {
        store,
        nowArg: () => time,
        time: () => time,
        advance: (ms) => (time += ms),
        shortTtlMs: 400,
      };
    },
    cleanup: () => deleteRedisPrefix(url, basePrefix),
  };
}

function conformance(adapterFactory: () => Adapter | Promise<Adapter>): void {
  let adapter: Adapter;
  let h: Harness;
  let store: HotStore;

  beforeAll(async () => {
    adapter = await adapterFactory();
  }, 60_000);
  afterAll(async () => {
    await adapter.cleanup();
  });
  beforeEach(() => {
    h = adapter.create();
    store = h.store;
  });
  afterEach(async () => {
    await store.close();
  });

  describe('admit: fixed window', () => {
    it('admits exactly the limit among 200 concurrent callers and says when the window ends', async () => {
      const check: AdmissionCheck = { kind: 'window', key: hotKeys.keyRpm('k1', 1), windowMs: WINDOW_MS, limit: 50, cost: 1 };
      const results = await Promise.all(Array.from({ length: 200 }, () => store.admit([check], h.nowArg())));
      expect(results.filter((r) => r.ok)).toHaveLength(50);
      const refusals = results.filter((r) => !r.ok);
      expect(refusals).toHaveLength(150);
      const untilWindowEnd = WINDOW_MS - (h.time() % WINDOW_MS);
      for (const refusal of refusals) {
        expect(refusal).toEqual({ ok: false, failed: 0, current: 50, retryAfterMs: untilWindowEnd });
        if (!refusal.ok) {
          expect(refusal.retryAfterMs).toBeGreaterThan(0);
          expect(refusal.retryAfterMs).toBeLessThanOrEqual(WINDOW_MS);
        }
      }

      h.advance(untilWindowEnd); // the first instant of the next window
      const next = await Promise.all(Array.from({ length: 60 }, () => store.admit([check], h.nowArg())));
      expect(next.filter((r) => r.ok)).toHaveLength(50);
      expect(next.find((r) => !r.ok)).toEqual({ ok: false, failed: 0, current: 50, retryAfterMs: WINDOW_MS });
    });

    it('counts the cost, not the calls', async () => {
      const tpm = (cost: number): AdmissionCheck => ({ kind: 'window', key: hotKeys.keyTpm('k1', 1), windowMs: WINDOW_MS, limit: 1000, cost });
      expect(await store.admit([tpm(900)], h.nowArg())).toEqual({ ok: true });
      expect(await store.admit([tpm(101)], h.nowArg())).toMatchObject({ ok: false, failed: 0, current: 900 });
      expect(await store.admit([tpm(100)], h.nowArg())).toEqual({ ok: true });
    });
  });

  describe('admit: all or nothing', () => {
    const keyId = 'aon';
    const checks = (budgetAmount: number): AdmissionCheck[] => [
      { kind: 'window', key: hotKeys.keyRpm(keyId, 1), windowMs: WINDOW_MS, limit: 1, cost: 1 },
      { kind: 'lease', key: hotKeys.keyLeases(keyId), limit: 1, leaseId: 'req-1', ttlMs: 30_000 },
      { kind: 'budget', key: hotKeys.keyCostDay(keyId, '2025-01-01'), limit: 100, amount: budgetAmount, ttlMs: 86_400_000 },
    ];

    it('a refused check leaves every other counter unchanged', async () => {
      expect(await store.admit(checks(101), h.nowArg())).toEqual({ ok: false, failed: 2, current: 0, retryAfterMs: 0 });
      expect(await store.leaseCount(hotKeys.keyLeases(keyId), h.nowArg())).toBe(0);
      expect(await store.get(hotKeys.keyCostDay(keyId, '2025-01-01'))).toBeNull();
      // The window (limit 1) would refuse now had the refused call counted.
      expect(await store.admit(checks(100), h.nowArg())).toEqual({ ok: true });
      expect(await store.leaseCount(hotKeys.keyLeases(keyId), h.nowArg())).toBe(1);
      expect(await store.get(hotKeys.keyCostDay(keyId, '2025-01-01'))).toBe('100');
    });

    it('reports the first failing check and applies nothing when it is not the last', async () => {
      const budgetKey = hotKeys.keyCostTotal('aon2');
      const result = await store.admit(
        [
          { kind: 'budget', key: budgetKey, limit: 100, amount: 10 },
          { kind: 'window', key: hotKeys.keyRpm('aon2', 1), windowMs: WINDOW_MS, limit: 0, cost: 1 },
          { kind: 'lease', key: hotKeys.keyLeases('aon2'), limit: 0, leaseId: 'x', ttlMs: 1_000 },
        ],
        h.nowArg(),
      );
      expect(result).toMatchObject({ ok: false, failed: 1, current: 0 });
      expect(await store.get(budgetKey)).toBeNull();
    });
  });

  describe('leases', () => {
    const key = hotKeys.accountLeases('acc-1');

    it('never grants more than the limit to 100 concurrent acquirers; release frees a slot', async () => {
      const granted = await Promise.all(Array.from({ length: 100 }, (_, i) => store.acquireLease(key, `lease-${i}`, 10, 30_000, h.nowArg())));
      const holders = granted.flatMap((ok, i) => (ok ? [`lease-${i}`] : []));
      expect(holders).toHaveLength(10);
      expect(await store.leaseCount(key, h.nowArg())).toBe(10);
      // Re-acquiring a lease one already holds renews it without taking another slot.
      expect(await store.acquireLease(key, holders[0], 10, 30_000, h.nowArg())).toBe(true);
      expect(await store.leaseCount(key, h.nowArg())).toBe(10);
      expect(await store.acquireLease(key, 'late', 10, 30_000, h.nowArg())).toBe(false);

      await store.settle([{ kind: 'release', key, leaseId: holders[1] }]);
      expect(await store.leaseCount(key, h.nowArg())).toBe(9);
      expect(await store.acquireLease(key, 'late', 10, 30_000, h.nowArg())).toBe(true);
      expect(await store.acquireLease(key, 'later', 10, 30_000, h.nowArg())).toBe(false);
    });

    it('an expired lease stops counting, and a refusal says when the earliest one expires', async () => {
      const lease = (leaseId: string): AdmissionCheck => ({ kind: 'lease', key: hotKeys.keyLeases('k2'), limit: 2, leaseId, ttlMs: 1_000 });
      expect(await store.admit([lease('a')], h.nowArg())).toEqual({ ok: true });
      h.advance(400);
      expect(await store.admit([lease('b')], h.nowArg())).toEqual({ ok: true });
      expect(await store.admit([lease('c')], h.nowArg())).toEqual({ ok: false, failed: 0, current: 2, retryAfterMs: 600 });

      h.advance(600); // 'a' expires now
      expect(await store.leaseCount(hotKeys.keyLeases('k2'), h.nowArg())).toBe(1);
      expect(await store.admit([lease('c')], h.nowArg())).toEqual({ ok: true });
      h.advance(1_000); // 'b' and 'c' expired too
      expect(await store.leaseCount(hotKeys.keyLeases('k2'), h.nowArg())).toBe(0);
    });

    it('a lease stays held while its owner heartbeats, and is free once the heartbeat lapses', async () => {
      // The owner (a proxy instance) renews its leases every heartbeat; a crashed owner stops.
      const keyLeases = hotKeys.keyLeases('k-owner');
      const TTL = 10_000;
      const lease = (leaseId: string): AdmissionCheck => ({ kind: 'lease', key: keyLeases, limit: 1, leaseId, ttlMs: TTL });
      expect(await store.admit([lease('req-on-A')], h.nowArg())).toEqual({ ok: true });
      for (let beat = 0; beat < 5; beat++) {
        h.advance(3_000);
        expect(await store.renewLeases(keyLeases, ['req-on-A', 'unknown'], TTL, h.nowArg())).toBe(1);
      }
      // 15 s after acquiring — past the original TTL — the heartbeats still hold the slot.
      expect(await store.admit([lease('req-on-B')], h.nowArg())).toMatchObject({ ok: false, current: 1 });
      expect(await store.leaseCount(keyLeases, h.nowArg())).toBe(1);

      // Owner dies: no more heartbeats. One TTL after its last one the slot is free for another instance.
      h.advance(TTL - 1);
      expect(await store.admit([lease('req-on-B')], h.nowArg())).toMatchObject({ ok: false });
      h.advance(1);
      expect(await store.leaseCount(keyLeases, h.nowArg())).toBe(0);
      expect(await store.admit([lease('req-on-B')], h.nowArg())).toEqual({ ok: true });
    });

    it('renewing never resurrects a released or expired lease', async () => {
      const keyLeases = hotKeys.accountLeases('acc-renew');
      expect(await store.acquireLease(keyLeases, 'released', 2, 1_000, h.nowArg())).toBe(true);
      expect(await store.acquireLease(keyLeases, 'expiring', 2, 1_000, h.nowArg())).toBe(true);
      await store.settle([{ kind: 'release', key: keyLeases, leaseId: 'released' }]);
      h.advance(1_000);
      expect(await store.renewLeases(keyLeases, ['released', 'expiring'], 5_000, h.nowArg())).toBe(0);
      expect(await store.leaseCount(keyLeases, h.nowArg())).toBe(0);
      expect(await store.renewLeases(hotKeys.accountLeases('none'), ['x'], 5_000, h.nowArg())).toBe(0);
    });
  });

  describe('budget', () => {
    it('starts a missing counter at its floor', async () => {
      const key = hotKeys.keyCostTotal('b1');
      const reserve = (amount: number): AdmissionCheck => ({ kind: 'budget', key, limit: 100, amount, floor: 30 });
      expect(await store.admit([reserve(80)], h.nowArg())).toEqual({ ok: false, failed: 0, current: 30, retryAfterMs: 0 });
      expect(await store.get(key)).toBeNull();
      expect(await store.admit([reserve(70)], h.nowArg())).toEqual({ ok: true });
      expect(await store.get(key)).toBe('100');
      // A counter above the floor keeps its value.
      expect(await store.admit([{ kind: 'budget', key, limit: 1_000, amount: 1, floor: 50 }], h.nowArg())).toEqual({ ok: true });
      expect(await store.get(key)).toBe('101');
    });

    it('raises a counter below its floor (restarted store, settlements of older reservations)', async () => {
      const key = hotKeys.keyCostDay('b3', '2025-01-01');
      // A settlement of a reservation made before the store lost its data lands on a fresh counter.
      await store.settle([{ kind: 'incr', key, amount: -40, ttlMs: 86_400_000 }]);
      const reserve = (floor: number): AdmissionCheck => ({ kind: 'budget', key, limit: 100, amount: 10, floor });
      expect(await store.admit([reserve(95)], h.nowArg())).toEqual({ ok: false, failed: 0, current: 95, retryAfterMs: 0 });
      expect(await store.get(key)).toBe('-40');
      expect(await store.admit([reserve(60)], h.nowArg())).toEqual({ ok: true });
      expect(await store.get(key)).toBe('70');
      expect(await store.admit([reserve(2_000_000_000_000_000)].map((c) => ({ ...c, limit: 4_000_000_000_000_000 })), h.nowArg())).toEqual({ ok: true });
      expect(await store.get(key)).toBe('2000000000000010');
    });

    it('admits exactly 10 of 50 concurrent reservations of 10 against 100; settle refunds', async () => {
      const key = hotKeys.keyCostDay('b2', '2025-01-01');
      const reserve: AdmissionCheck = { kind: 'budget', key, limit: 100, amount: 10 };
      const results = await Promise.all(Array.from({ length: 50 }, () => store.admit([reserve], h.nowArg())));
      expect(results.filter((r) => r.ok)).toHaveLength(10);
      expect(await store.get(key)).toBe('100');

      await store.settle([{ kind: 'incr', key, amount: -10 }]);
      expect(await store.get(key)).toBe('90');
      expect(await store.admit([reserve], h.nowArg())).toEqual({ ok: true });
      expect(await store.admit([reserve], h.nowArg())).toMatchObject({ ok: false, current: 100 });
    });
  });

  describe('plain values', () => {
    it('setIfAbsent / delIfEquals behave as a lock that only its owner releases', async () => {
      const key = hotKeys.accountRefreshLock('acc-1');
      expect(await store.setIfAbsent(key, 'owner-a', 30_000)).toBe(true);
      expect(await store.setIfAbsent(key, 'owner-b', 30_000)).toBe(false);
      expect(await store.delIfEquals(key, 'owner-b')).toBe(false);
      expect(await store.get(key)).toBe('owner-a');
      expect(await store.delIfEquals(key, 'owner-a')).toBe(true);
      expect(await store.get(key)).toBeNull();
      expect(await store.setIfAbsent(key, 'owner-b', h.shortTtlMs)).toBe(true);
      h.advance(h.shortTtlMs);
      // An abandoned lock frees itself.
      await eventually(async () => expect(await store.setIfAbsent(key, 'owner-c', 30_000)).toBe(true));
    });

    it('get / set / del, with and without expiry', async () => {
      const cooldown = hotKeys.accountCooldown('acc-2');
      const sticky = hotKeys.sticky('session');
      expect(await store.get(cooldown)).toBeNull();
      await store.set(cooldown, 'until-x', h.shortTtlMs);
      await store.set(sticky, 'acc-1', h.shortTtlMs);
      await store.set(sticky, 'acc-2'); // a plain set drops the earlier expiry
      expect(await store.get(cooldown)).toBe('until-x');
      h.advance(h.shortTtlMs);
      await eventually(async () => expect(await store.get(cooldown)).toBeNull());
      expect(await store.get(sticky)).toBe('acc-2');
      await store.del(sticky);
      expect(await store.get(sticky)).toBeNull();
    });

    it('incr adds atomically and sets the expiry on the first increment', async () => {
      const key = hotKeys.accountAuthFailures('acc-3');
      const results = await Promise.all(Array.from({ length: 20 }, () => store.incr(key, 2, h.shortTtlMs)));
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * (i + 1)));
      expect(await store.incr(key, -5)).toBe(35);
      h.advance(h.shortTtlMs);
      await eventually(async () => expect(await store.get(key)).toBeNull());
      expect(await store.incr(key, 1)).toBe(1);
      await expect(store.incr(key, 1.5)).rejects.toThrow(RangeError);
    });

    it('raiseTo keeps the largest value ever given', async () => {
      const key = hotKeys.usagePartitionCount;
      expect(await store.raiseTo(key, 8)).toBe(8);
      expect(await store.raiseTo(key, 4)).toBe(8);
      expect(await store.get(key)).toBe('8');
      expect(await store.raiseTo(key, 16)).toBe(16);
      expect(await Promise.all([store.raiseTo(key, 20), store.raiseTo(key, 32), store.raiseTo(key, 24)])).toContain(32);
      expect(await store.get(key)).toBe('32');
      await expect(store.raiseTo(key, 1.5)).rejects.toThrow(RangeError);
    });

    it('mget reads many values in order, null for missing ones', async () => {
      await store.set(hotKeys.accountCooldown('a'), '1');
      await store.set(hotKeys.accountCooldown('c'), '3');
      const keys = ['a', 'b', 'c'].map((id) => hotKeys.accountCooldown(id));
      expect(await store.mget(keys)).toEqual(['1', null, '3']);
      expect(await store.mget([])).toEqual([]);
    });
  });

  describe('hashes', () => {
    it('incrementHashes adds across keys; getHash reads; replaceHash replaces entirely', async () => {
      const apiKeyUsage = 'test:hash:{k:k1}';
      const userCost = 'test:hash:{u:u1}';
      const ops: HashIncrement[] = [
        { key: apiKeyUsage, fields: { requests: 1, inputTokens: 120 } },
        { key: userCost, fields: { rated: 5_000 } },
      ];
      await store.incrementHashes(ops);
      await store.incrementHashes(ops);
      expect(await store.getHash(apiKeyUsage)).toEqual({ requests: '2', inputTokens: '240' });
      expect(await store.getHash(userCost)).toEqual({ rated: '10000' });

      await store.replaceHash(apiKeyUsage, { requests: 7, model: 'claude' });
      expect(await store.getHash(apiKeyUsage)).toEqual({ requests: '7', model: 'claude' });
      await store.replaceHash(apiKeyUsage, {});
      expect(await store.getHash(apiKeyUsage)).toEqual({});
      expect(await store.getHash('test:hash:{k:missing}')).toEqual({});
    });

    it('setHashFields sets some fields and keeps the rest; deleteHashFields removes them, the last one the hash', async () => {
      const inflight = hotKeys.proxyInflight('inst-1');
      await store.setHashFields(inflight, { r1: '{"t":1}', r2: '{"t":2}' });
      await store.setHashFields(inflight, { r1: '{"t":3}' });
      expect(await store.getHash(inflight)).toEqual({ r1: '{"t":3}', r2: '{"t":2}' });
      expect(await store.deleteHashFields(inflight, ['r1', 'missing'])).toBe(1);
      expect(await store.getHash(inflight)).toEqual({ r2: '{"t":2}' });
      expect(await store.deleteHashFields(inflight, ['r2'])).toBe(1);
      expect(await store.getHash(inflight)).toEqual({});
      expect(await store.deleteHashFields(inflight, ['r2'])).toBe(0);
    });
  });

  describe('streams', () => {
    const stream = hotKeys.usageStream;

    it('serves the usage partitions (one hash tag each) in one tick: group creation, reads, claims, acks, trims', async () => {
      const partitions = [0, 1, 2, 3, 4, 5].map((i) => hotKeys.usagePartition(i));
      await Promise.all(partitions.map((p) => store.ensureGroup(p, USAGE_GROUP)));
      await Promise.all(partitions.map((p, i) => store.streamAdd(p, `e${i}`)));
      const read = await Promise.all(partitions.map((p) => store.readGroup(p, USAGE_GROUP, 'c1', 10, 0)));
      expect(read.map((entries) => entries.map((e) => e.payload))).toEqual(partitions.map((_, i) => [`e${i}`]));
      expect(await Promise.all(partitions.map((p) => store.pendingCount(p, USAGE_GROUP)))).toEqual(partitions.map(() => 1));
      const claimed = await Promise.all(partitions.map((p) => store.claimStale(p, USAGE_GROUP, 'c2', 0, 10)));
      expect(claimed.map((entries) => entries.map((e) => e.deliveries))).toEqual(partitions.map(() => [2]));
      await Promise.all(partitions.map((p, i) => store.ack(p, USAGE_GROUP, [read[i][0].id])));
      expect(await Promise.all(partitions.map((p) => store.trimAcknowledged(p)))).toEqual(partitions.map(() => 1));
      expect(await Promise.all(partitions.map((p) => store.streamLength(p)))).toEqual(partitions.map(() => 0));
    });

    it('add → readGroup → ack; unacknowledged entries are claimed by another consumer', async () => {
      await store.ensureGroup(stream, USAGE_GROUP);
      await store.ensureGroup(stream, USAGE_GROUP); // idempotent
      expect(await store.readGroup(stream, USAGE_GROUP, 'c1', 10, 0)).toEqual([]);

      const first = await store.streamAdd(stream, '{"n":1}');
      const second = await store.streamAdd(stream, '{"n":2}', 1_000);
      const read = await store.readGroup(stream, USAGE_GROUP, 'c1', 10, 0);
      expect(read).toEqual([
        { id: first, payload: '{"n":1}', deliveries: 1 },
        { id: second, payload: '{"n":2}', deliveries: 1 },
      ]);
      expect(await store.pendingCount(stream, USAGE_GROUP)).toBe(2);

      await store.ack(stream, USAGE_GROUP, [first]);
      expect(await store.pendingCount(stream, USAGE_GROUP)).toBe(1);
      expect(await store.readGroup(stream, USAGE_GROUP, 'c1', 10, 0)).toEqual([]);

      // Not idle long enough yet: nothing to take over.
      expect(await store.claimStale(stream, USAGE_GROUP, 'c2', 60_000, 10)).toEqual([]);
      const claimed = await store.claimStale(stream, USAGE_GROUP, 'c2', 0, 10);
      expect(claimed).toEqual([{ id: second, payload: '{"n":2}', deliveries: 2 }]);
      await store.ack(stream, USAGE_GROUP, [second]);
      expect(await store.pendingCount(stream, USAGE_GROUP)).toBe(0);
      expect(await store.claimStale(stream, USAGE_GROUP, 'c2', 0, 10)).toEqual([]);
    });

    it('readGroup honours count, and consumers of one group never get the same entry', async () => {
      await store.ensureGroup(stream, USAGE_GROUP);
      for (let i = 0; i < 5; i++) await store.streamAdd(stream, `e${i}`);
      const a = await store.readGroup(stream, USAGE_GROUP, 'a', 3, 0);
      const b = await store.readGroup(stream, USAGE_GROUP, 'b', 3, 0);
      expect(a.map((e) => e.payload)).toEqual(['e0', 'e1', 'e2']);
      expect(b.map((e) => e.payload)).toEqual(['e3', 'e4']);
    });

    it('a blocking readGroup returns as soon as an entry is added', async () => {
      await store.ensureGroup(stream, USAGE_GROUP);
      const startedAt = Date.now();
      const reading = store.readGroup(stream, USAGE_GROUP, 'c1', 10, 10_000);
      // The read must be waiting before the add; the port has no "reader is blocked" event.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const id = await store.streamAdd(stream, 'wake-up');
      expect(await reading).toEqual([{ id, payload: 'wake-up', deliveries: 1 }]);
      expect(Date.now() - startedAt).toBeLessThan(2_000);
    });

    it('trimAcknowledged removes what the group acknowledged, never a pending or unread entry', async () => {
      await store.ensureGroup(stream, USAGE_GROUP);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await store.streamAdd(stream, `e${i}`));
      expect(await store.readGroup(stream, USAGE_GROUP, 'c1', 3, 0)).toHaveLength(3);

      // e1 acknowledged but e0 still pending: the oldest pending entry holds everything after it.
      await store.ack(stream, USAGE_GROUP, [ids[1]]);
      expect(await store.trimAcknowledged(stream)).toBe(0);
      expect(await store.streamLength(stream)).toBe(5);

      await store.ack(stream, USAGE_GROUP, [ids[0]]);
      expect(await store.trimAcknowledged(stream)).toBe(2);
      expect(await store.streamLength(stream)).toBe(3);
      // e2 is still pending: a crashed consumer's entry can still be claimed after the trim.
      expect(await store.claimStale(stream, USAGE_GROUP, 'c2', 0, 10)).toEqual([{ id: ids[2], payload: 'e2', deliveries: 2 }]);

      await store.ack(stream, USAGE_GROUP, [ids[2]]);
      expect(await store.trimAcknowledged(stream)).toBe(1);
      // e3 and e4 were never read: they stay, and the group still gets them.
      expect((await store.readGroup(stream, USAGE_GROUP, 'c1', 10, 0)).map((e) => e.payload)).toEqual(['e3', 'e4']);
      await store.ack(stream, USAGE_GROUP, [ids[3], ids[4]]);
      expect(await store.trimAcknowledged(stream)).toBe(2);
      expect(await store.streamLength(stream)).toBe(0);
      expect(await store.pendingCount(stream, USAGE_GROUP)).toBe(0);
    });

    it('trimAcknowledged keeps what another consumer group has not acknowledged', async () => {
      const otherGroup = 'audit-copy';
      await store.ensureGroup(stream, USAGE_GROUP);
      await store.ensureGroup(stream, otherGroup);
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push(await store.streamAdd(stream, `e${i}`));
      await store.readGroup(stream, USAGE_GROUP, 'c1', 10, 0);
      await store.ack(stream, USAGE_GROUP, ids);
      // The other group has read nothing yet: nothing may go.
      expect(await store.trimAcknowledged(stream)).toBe(0);

      await store.readGroup(stream, otherGroup, 'x', 2, 0);
      await store.ack(stream, otherGroup, [ids[0]]);
      expect(await store.trimAcknowledged(stream)).toBe(1);
      expect((await store.readGroup(stream, otherGroup, 'x', 10, 0)).map((e) => e.payload)).toEqual(['e2', 'e3']);
      expect(await store.claimStale(stream, otherGroup, 'y', 0, 10)).toHaveLength(3);
    });

    it('trimAcknowledged leaves a stream without consumer groups alone', async () => {
      await store.streamAdd(hotKeys.proxyEventStream, 'no-reader-yet');
      expect(await store.trimAcknowledged(hotKeys.proxyEventStream)).toBe(0);
      expect(await store.streamLength(hotKeys.proxyEventStream)).toBe(1);
      expect(await store.trimAcknowledged('missing-stream')).toBe(0);
      expect(await store.streamLength('missing-stream')).toBe(0);
    });

    it('a blocking readGroup with nothing to read returns empty after blockMs', async () => {
      await store.ensureGroup(stream, USAGE_GROUP);
      const startedAt = Date.now();
      expect(await store.readGroup(stream, USAGE_GROUP, 'c1', 10, 150)).toEqual([]);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
    });
  });

  describe('pub/sub', () => {
    it('delivers to every subscriber of a channel, and no longer after unsubscribe', async () => {
      const channel = hotChannels.cooldowns;
      const first: string[] = [];
      const second = await nextMessage(store, channel);
      const stopFirst = await store.subscribe(channel, (m) => first.push(m));
      await store.publish(channel, 'm1');
      expect(await second.message).toBe('m1');
      await vi.waitFor(() => expect(first).toEqual(['m1']));

      await stopFirst();
      await second.stop();
      // Messages arrive in publish order, so once the sentinel is in, 'm2' would have been too.
      const sentinel = await nextMessage(store, hotChannels.liveLogs);
      await store.publish(channel, 'm2');
      await store.publish(hotChannels.liveLogs, 'sentinel');
      expect(await sentinel.message).toBe('sentinel');
      expect(first).toEqual(['m1']);
      await sentinel.stop();
    });

    it('unsubscribing one handler keeps the others on the channel', async () => {
      const channel = hotChannels.liveLogs;
      const dropped: string[] = [];
      const stopDropped = await store.subscribe(channel, (m) => dropped.push(m));
      const kept = await nextMessage(store, channel);
      await stopDropped();
      await store.publish(channel, 'still-here');
      expect(await kept.message).toBe('still-here');
      expect(dropped).toEqual([]);
      await kept.stop();
    });
  });

  describe('snapshot', () => {
    it('versions increase by one, the latest JSON is served, subscribers learn the version', async () => {
      expect(await store.getSnapshot()).toBeNull();
      expect(await store.getSnapshotVersion()).toBe(0);
      const announced = await nextMessage(store, hotChannels.snapshotChanged);

      expect(await store.putSnapshot((v) => JSON.stringify({ v }))).toBe(1);
      expect(await announced.message).toBe('1');
      expect(await store.putSnapshot((v) => JSON.stringify({ v }))).toBe(2);
      expect(await store.getSnapshot()).toEqual({ version: 2, json: '{"v":2}' });
      expect(await store.getSnapshotVersion()).toBe(2);
      await announced.stop();
    });
  });
}

describe('HotStore conformance: memory', () => {
  conformance(memoryAdapter);
});

describe.runIf(redisUrl)('HotStore conformance: redis', () => {
  conformance(() => redisAdapter(redisUrl!));
});

/**
 * The same suite on a Redis Cluster of three masters this file starts itself (redis-server is always
 * installed, so this never depends on TEST_REDIS_URL and never skips): every script, pipeline and
 * subscription must run on a cluster unchanged.
 */
describe('HotStore conformance: redis cluster', () => {
  let cluster: LocalRedisCluster | undefined;
  afterAll(async () => {
    await cluster?.close();
  });
  conformance(async () => {
    cluster = await startRedisCluster();
    return redisAdapter(cluster.url);
  });
});
