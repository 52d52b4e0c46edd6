import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCheckpoint, hotKeys, USAGE_GROUP, type InflightCheckpoint, type UsageEvent } from '@relay/core';
import { createLogger } from '@relay/core/logger';
import { RequestLog } from '@relay/db';
import { testDatabaseUrl, testRedisUrl, uniqueSuffix, createUserWithKey, openBackend, usageEvent, type TestBackend } from '@relay/testkit';
import { UsageIngester } from './ingester.ts';
import { interruptedEvent, OrphanReaper } from './orphan-reaper.ts';

const logger = createLogger({ name: 'test', level: 'silent' });
const LEASE_TTL_MS = 10_000;
/** What the admission reserved for each request (rated micro-USD and prompt tokens). */
const RESERVED_COST = 900_000;
const RESERVED_TOKENS = 5_000;

const backends: { kind: 'sqlite' | 'mysql'; run: boolean }[] = [
  { kind: 'sqlite', run: true },
  { kind: 'mysql', run: !!(testDatabaseUrl() && testRedisUrl()) },
];

/** The checkpoint a proxy would have written for `e` while it was running. */
function checkpointOf(e: UsageEvent, keyId: string, tpmKey: string): InflightCheckpoint {
  const {
    finishedAt: _f, latencyMs: _l, baseInputCost: _a, baseOutputCost: _b, baseTotalCost: _c, inputCost: _d, outputCost: _g, totalCost: _h, outcome: _o, ...draft
  } = e;
  return {
    v: 1,
    at: e.finishedAt,
    draft,
    reserved: [
      { key: tpmKey, unit: 'tokens', amount: RESERVED_TOKENS, ttlMs: 120_000 },
      { key: hotKeys.keyCostTotal(keyId), unit: 'cost', amount: RESERVED_COST },
    ],
    leases: [{ key: hotKeys.keyLeases(keyId), leaseId: e.requestId }],
  };
}

for (const { kind, run } of backends) {
  describe.runIf(run)(`orphan reaper (${kind})`, () => {
    let b: TestBackend;
    /** Hot-store keys the tests create beyond the usage keys the backend cleans up. */
    const created: string[] = [hotKeys.proxyInstances];
    beforeAll(async () => {
      b = await openBackend(kind, testRedisUrl());
      await b.store.ensureGroup(hotKeys.usageStream, USAGE_GROUP);
    });
    afterAll(async () => {
      for (const key of created) await b?.store.del(key);
      await b?.close();
    });

    const reaper = (id: string) => new OrphanReaper({ store: b.store, logger, reaperId: id });
    const ingestAll = async () => {
      const ing = new UsageIngester({ orm: b.orm, store: b.store, logger, timeZone: 'UTC', consumer: `c-${uniqueSuffix()}`, blockMs: 10 });
      const total = { inserted: 0, duplicates: 0 };
      for (let entries = await ing.readBatch(); entries.length > 0; entries = await ing.readBatch()) {
        const r = await ing.ingest(entries);
        total.inserted += r.inserted;
        total.duplicates += r.duplicates;
      }
      return total;
    };

    it('bills a dead instance\'s requests once as interrupted, settles their reservations, frees their leases; a live instance is left alone', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const dead = `dead-${uniqueSuffix()}`;
      const live = `live-${uniqueSuffix()}`;
      const tpmKey = hotKeys.keyTpm(apiKeyId, 1);
      created.push(tpmKey, hotKeys.keyCostTotal(apiKeyId), hotKeys.keyLeases(apiKeyId), hotKeys.proxyInflight(live), hotKeys.proxyAlive(live));
      const events = [usageEvent({ userId, apiKeyId, inputTokens: 25, outputTokens: 19 }), usageEvent({ userId, apiKeyId, inputTokens: 25, outputTokens: 7 })];
      const checkpoints = Object.fromEntries(events.map((e) => [e.requestId, encodeCheckpoint(checkpointOf(e, apiKeyId, tpmKey))]));
      // What admission did for the two requests: reserved the estimates and took two leases.
      await b.store.incr(hotKeys.keyCostTotal(apiKeyId), 2 * RESERVED_COST);
      await b.store.incr(tpmKey, 2 * RESERVED_TOKENS, 120_000);
      for (const e of events) expect(await b.store.acquireLease(hotKeys.keyLeases(apiKeyId), e.requestId, 2, LEASE_TTL_MS)).toBe(true);
      await b.store.setHashFields(hotKeys.proxyInflight(dead), { ...checkpoints, garbage: '{not json' });
      const liveEvent = usageEvent({ userId, apiKeyId });
      await b.store.setHashFields(hotKeys.proxyInflight(live), { [liveEvent.requestId]: encodeCheckpoint(checkpointOf(liveEvent, apiKeyId, tpmKey)) });
      await b.store.set(hotKeys.proxyAlive(live), '1', 10_000);
      await b.store.setHashFields(hotKeys.proxyInstances, { [dead]: '0', [live]: String(Date.now()) });

      // Two control planes at once: the claim lets only one of them bill.
      const [one, two] = [reaper('cp-1'), reaper('cp-2')];
      const billed = await Promise.all([one.runOnce(), two.runOnce()]);
      expect(billed.sort()).toEqual([0, 2]);
      expect(one.stats.malformed + two.stats.malformed).toBe(1);
      expect(await one.runOnce()).toBe(0);

      expect(await ingestAll()).toEqual({ inserted: 2, duplicates: 0 });
      const rows = await b.orm.em.fork().find(RequestLog, { requestId: { $in: events.map((e) => e.requestId) } }, { orderBy: { outputTokens: 'desc' } });
      expect(rows.map((r) => ({ outcome: r.outcome, input: r.inputTokens, output: r.outputTokens, cost: r.totalCost }))).toEqual(
        events.map((e) => ({ outcome: 'interrupted', input: 25, output: e.outputTokens, cost: e.totalCost })),
      );
      expect(await b.orm.em.fork().count(RequestLog, { requestId: liveEvent.requestId })).toBe(0);

      // Reservations now hold exactly the actual figures; the leases are free; the dead instance is forgotten.
      const actualCost = events[0].totalCost + events[1].totalCost;
      const actualTokens = events.reduce((n, e) => n + e.inputTokens + e.outputTokens + e.cacheCreationInputTokens + e.cacheReadInputTokens, 0);
      expect(Number(await b.store.get(hotKeys.keyCostTotal(apiKeyId)))).toBe(actualCost);
      expect(Number(await b.store.get(tpmKey))).toBe(actualTokens);
      expect(await b.store.leaseCount(hotKeys.keyLeases(apiKeyId))).toBe(0);
      expect(await b.store.getHash(hotKeys.proxyInflight(dead))).toEqual({});
      expect(Object.keys(await b.store.getHash(hotKeys.proxyInstances))).not.toContain(dead);
      expect(Object.keys(await b.store.getHash(hotKeys.proxyInflight(live)))).toEqual([liveEvent.requestId]);

      // Replay (a reaper that died before deleting the checkpoints): billed again, counted and settled once.
      await b.store.setHashFields(hotKeys.proxyInflight(dead), checkpoints);
      await b.store.setHashFields(hotKeys.proxyInstances, { [dead]: '0' });
      expect(await one.runOnce()).toBe(2);
      created.push(...events.map((e) => hotKeys.keySettled(apiKeyId, e.requestId)));
      expect(await ingestAll()).toEqual({ inserted: 0, duplicates: 2 });
      expect(Number(await b.store.get(hotKeys.keyCostTotal(apiKeyId)))).toBe(actualCost);
      expect(Number(await b.store.get(tpmKey))).toBe(actualTokens);
    });

    it('a late normal event for an interrupted request id never counts twice, whichever arrives first', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const e = usageEvent({ userId, apiKeyId, outputTokens: 40 });
      const interrupted = interruptedEvent(checkpointOf({ ...e, outputTokens: 12 }, apiKeyId, hotKeys.keyTpm(apiKeyId, 1)));
      for (const event of [interrupted, e]) await b.store.streamAdd(hotKeys.usageStream, JSON.stringify(event));
      expect(await ingestAll()).toEqual({ inserted: 1, duplicates: 1 });
      const row = await b.orm.em.fork().findOneOrFail(RequestLog, { requestId: e.requestId });
      expect({ outcome: row.outcome, output: row.outputTokens, cost: row.totalCost }).toEqual({ outcome: 'interrupted', output: 12, cost: interrupted.totalCost });
    });
  });
}
