import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCost, dayKey, encodeUsageEvent, hotKeys, parseRate, USAGE_GROUP, type UsageEvent } from '@relay/core';
import { createLogger } from '@relay/core/logger';
import { Account, ApiKey, RequestLog, UsageDaily } from '@relay/db';
import { testDatabaseUrl, testRedisUrl, createUserWithKey, openBackend, TEST_PRICE, usageEvent, waitFor, type TestBackend } from '@relay/testkit';
import { UsageIngester } from './ingester.ts';
import { persistUsageBatch } from './usage.persist.ts';

const logger = createLogger({ name: 'test', level: 'silent' });
const TZ = 'UTC';

const backends: { kind: 'sqlite' | 'mysql'; run: boolean }[] = [
  { kind: 'sqlite', run: true },
  { kind: 'mysql', run: !!(testDatabaseUrl() && testRedisUrl()) },
];

for (const { kind, run } of backends) {
  describe.runIf(run)(`usage ingester (${kind})`, () => {
    let b: TestBackend;
    beforeAll(async () => {
      b = await openBackend(kind, testRedisUrl());
      await b.store.ensureGroup(hotKeys.usageStream, USAGE_GROUP);
    });
    afterAll(async () => {
      await b?.close();
    });

    const ingester = (consumer: string, staleMs = 30_000) => new UsageIngester({ orm: b.orm, store: b.store, logger, timeZone: TZ, consumer, staleMs, blockMs: 10 });
    const publish = (e: UsageEvent | string) => b.store.streamAdd(hotKeys.usageStream, typeof e === 'string' ? e : encodeUsageEvent(e));
    const rowsOf = (requestId: string) => b.orm.em.fork().count(RequestLog, { requestId });

    it('stores an event delivered three times once: one row, rollup and key counters and Redis counters counted once', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const e = usageEvent({ userId, apiKeyId });
      await publish(e);
      await publish(e);
      const ing = ingester('c-dup');
      expect((await ing.ingest(await ing.readBatch())).inserted).toBe(1);
      await publish(e); // a third delivery, in a later batch
      const later = await ing.ingest(await ing.readBatch());
      expect(later).toMatchObject({ inserted: 0, duplicates: 1 });

      expect(await rowsOf(e.requestId)).toBe(1);
      const em = b.orm.em.fork();
      const key = await em.findOneOrFail(ApiKey, { id: Number(apiKeyId) });
      expect(key).toMatchObject({ requestCount: 1, tokensUsed: 1200 + 345 + 100 + 2000, costUsed: e.totalCost });
      expect(key.lastUsedAt?.getTime()).toBe(e.finishedAt);
      const daily = await em.find(UsageDaily, { userId: Number(userId) });
      expect(daily).toHaveLength(1);
      expect(daily[0]).toMatchObject({ day: dayKey(e.startedAt, TZ), requests: 1, cost: e.totalCost, baseCost: e.baseTotalCost, totalTokens: 3645 });
      expect(await b.store.pendingCount(hotKeys.usageStream, USAGE_GROUP)).toBe(0);
    });

    it('lets another consumer reclaim what a dead consumer read but never acknowledged, and stores it once', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const events = [usageEvent({ userId, apiKeyId }), usageEvent({ userId, apiKeyId, model: 'gpt-4.1' })];
      for (const e of events) await publish(e);
      const dead = ingester('c-dead');
      expect(await dead.readBatch()).toHaveLength(2); // read, then "crashed": no ingest, no ack
      expect(await b.store.pendingCount(hotKeys.usageStream, USAGE_GROUP)).toBe(2);

      const rescuer = ingester('c-rescuer', 50);
      const claimed = await waitFor(async () => {
        const got = await rescuer.readBatch();
        return got.length ? got : null;
      });
      expect(claimed.map((c) => c.deliveries)).toEqual([2, 2]);
      await rescuer.ingest(claimed);
      for (const e of events) expect(await rowsOf(e.requestId)).toBe(1);
      expect(await b.store.pendingCount(hotKeys.usageStream, USAGE_GROUP)).toBe(0);
      const key = await b.orm.em.fork().findOneOrFail(ApiKey, { id: Number(apiKeyId) });
      expect(key.requestCount).toBe(2);
    });

    it('acknowledges and counts a malformed entry as a dead letter without blocking the rest of the batch', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const good = usageEvent({ userId, apiKeyId });
      await publish('{not json');
      await publish(JSON.stringify({ ...good, requestId: 'bad-user', userId: 'abc' }));
      await publish(good);
      const ing = ingester('c-malformed');
      const r = await ing.ingest(await ing.readBatch());
      expect(r).toEqual({ inserted: 1, duplicates: 0, deadLetters: 2 });
      expect(ing.stats.deadLetters).toBe(2);
      expect(await rowsOf(good.requestId)).toBe(1);
      expect(await b.store.pendingCount(hotKeys.usageStream, USAGE_GROUP)).toBe(0);
    });

    it('keeps rollups and key counters equal to sums over request_logs', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const other = await createUserWithKey(b.orm);
      const events: UsageEvent[] = [];
      for (let i = 0; i < 30; i++) {
        const owner = i % 3 === 0 ? other : { userId, apiKeyId };
        events.push(usageEvent({ ...owner, model: i % 2 ? 'claude-sonnet-4-5' : 'gpt-4.1', inputTokens: 100 + i * 7, outputTokens: 50 + i, rate: i % 4 ? '1.5' : '0.85' }));
      }
      for (const e of events) await publish(e);
      for (const e of events.slice(0, 10)) await publish(e); // redelivered duplicates
      const ing = ingester('c-sums');
      await ing.ingest(await ing.readBatch());

      const conn = b.orm.em.fork().getConnection();
      const sums = async (sql: string, params: unknown[]) => (await conn.execute<Record<string, unknown>[]>(sql, params))[0];
      const raw = await sums('select count(*) as n, sum(total_tokens) as t, sum(total_cost) as c, sum(base_cost) as bc from request_logs where user_id = ?', [Number(userId)]);
      const roll = await sums('select sum(requests) as n, sum(total_tokens) as t, sum(cost) as c, sum(base_cost) as bc from usage_daily where user_id = ?', [Number(userId)]);
      expect(Number(raw.n)).toBe(20);
      for (const k of ['n', 't', 'c', 'bc']) expect(Number(roll[k])).toBe(Number(raw[k]));
      const key = await b.orm.em.fork().findOneOrFail(ApiKey, { id: Number(apiKeyId) });
      expect([key.requestCount, key.tokensUsed, key.costUsed]).toEqual([Number(raw.n), Number(raw.t), Number(raw.c)]);
    });

    it('sets each account\'s lastUsedAt to the latest finish of the committed batch, never moving it back', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const em = b.orm.em.fork();
      const [a1, a2, idle] = ['a1', 'a2', 'idle'].map((name) => em.create(Account, { name: `${name}-${Date.now()}`, platform: 'claude-console', credentials: 'x', credentialHint: 'x' }));
      await em.flush();
      const t = Date.UTC(2026, 10, 30, 12, 0, 0, 0);
      const batch = [
        usageEvent({ userId, apiKeyId, accountId: String(a1.id), finishedAt: t + 1_000 }),
        usageEvent({ userId, apiKeyId, accountId: String(a1.id), finishedAt: t + 3_456 }),
        usageEvent({ userId, apiKeyId, accountId: String(a2.id), finishedAt: t + 2_000 }),
        usageEvent({ userId, apiKeyId, accountId: null, finishedAt: t + 9_000 }),
      ];
      await persistUsageBatch(b.orm, batch, TZ);
      const lastUsed = async () => (await b.orm.em.fork().find(Account, { id: [a1.id, a2.id, idle.id] }, { orderBy: { id: 'asc' } })).map((a) => a.lastUsedAt?.getTime() ?? null);
      expect(await lastUsed()).toEqual([t + 3_456, t + 2_000, null]);
      // A late event that finished earlier leaves a1 as it is; a newer one moves a2 forward.
      await persistUsageBatch(b.orm, [usageEvent({ userId, apiKeyId, accountId: String(a1.id), finishedAt: t }), usageEvent({ userId, apiKeyId, accountId: String(a2.id), finishedAt: t + 5_000 })], TZ);
      expect(await lastUsed()).toEqual([t + 3_456, t + 5_000, null]);
    });

    it('counts each event once when two consumers store overlapping batches at the same moment', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const events = Array.from({ length: 40 }, (_, i) => usageEvent({ userId, apiKeyId, inputTokens: 100 + i }));
      // Two control planes persisting at once: events 10–29 are in both batches (a redelivery race).
      const [first, second] = await Promise.all([persistUsageBatch(b.orm, events.slice(0, 30), TZ), persistUsageBatch(b.orm, events.slice(10), TZ)]);
      const counted = [...first, ...second].map((e) => e.requestId).sort();
      expect(counted).toEqual(events.map((e) => e.requestId).sort());
      const key = await b.orm.em.fork().findOneOrFail(ApiKey, { id: Number(apiKeyId) });
      expect(key.requestCount).toBe(40);
      const [roll] = await b.orm.em.fork().getConnection().execute<{ n: number }[]>('select sum(requests) as n from usage_daily where user_id = ?', [Number(userId)]);
      expect(Number(roll.n)).toBe(40);
      // A later redelivery of the whole set inserts nothing.
      expect(await persistUsageBatch(b.orm, events, TZ)).toEqual([]);
    });

    it('stores exactly the micro-USD the proxy computed (the ingester never alters money)', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      // 1,234 in × $3/M + 567 out × $15/M + 89 cache write × $3.75/M + 4,321 cache read × $0.30/M, at rate 1.25:
      // base in 3702 + 333.75→334 + 1296.3→1296 = 5332, out 8505; rated 6665, 10631.25→10631; total 17296.
      const e = usageEvent({ userId, apiKeyId, inputTokens: 1234, outputTokens: 567, cacheCreationInputTokens: 89, cacheReadInputTokens: 4321, rate: '1.25' });
      expect(computeCost(e, TEST_PRICE, parseRate('1.25')).rated.totalCost).toBe(17296);
      await publish(e);
      const ing = ingester('c-cost');
      await ing.ingest(await ing.readBatch());
      const row = await b.orm.em.fork().findOneOrFail(RequestLog, { requestId: e.requestId });
      expect(row).toMatchObject({ baseInputCost: 5332, baseOutputCost: 8505, baseCost: 13837, inputCost: 6665, outputCost: 10631, totalCost: 17296, priceRate: '1.2500', priceInput: 3_000_000, priceCacheRead: 300_000 });
    });

    it('does not acknowledge a batch while the database is failing, and stores it once the database is back', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const e = usageEvent({ userId, apiKeyId });
      await publish(e);
      const ing = ingester('c-dbdown');
      const entries = await ing.readBatch();
      const broken = new UsageIngester({ orm: new Proxy({}, { get: () => { throw new Error('database unreachable'); } }) as never, store: b.store, logger, timeZone: TZ, consumer: 'c-dbdown' });
      await expect(broken.ingest(entries)).rejects.toThrow('database unreachable');
      expect(await b.store.pendingCount(hotKeys.usageStream, USAGE_GROUP)).toBe(1);
      expect(await b.store.streamLength(hotKeys.usageStream)).toBe(1);
      await ing.ingest(entries);
      expect(await rowsOf(e.requestId)).toBe(1);
      expect(await b.store.pendingCount(hotKeys.usageStream, USAGE_GROUP)).toBe(0);
      // Stored and acknowledged: the event leaves the stream instead of waiting there for a length cap.
      expect(await b.store.streamLength(hotKeys.usageStream)).toBe(0);
    });

    it('runs as a background loop: events published while it runs are stored', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const ing = ingester('c-loop');
      await ing.start();
      try {
        const events = Array.from({ length: 20 }, () => usageEvent({ userId, apiKeyId }));
        for (const e of events) await publish(e);
        await waitFor(async () => (await b.orm.em.fork().count(RequestLog, { requestId: events.map((e) => e.requestId) })) === events.length);
        await waitFor(async () => (await b.store.streamLength(hotKeys.usageStream)) === 0);
        expect(ing.stats.trimmed).toBeGreaterThanOrEqual(events.length);
      } finally {
        await ing.close();
      }
    });
  });
}
