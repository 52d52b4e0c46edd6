import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeUsageEvent, hotKeys, USAGE_GROUP } from '@relay/core';
import { createLogger } from '@relay/core/logger';
import { RequestLog, UsageDaily } from '@relay/db';
import { testDatabaseUrl, testRedisUrl, createUserWithKey, openBackend, usageEvent, type TestBackend } from '@relay/testkit';
import { UsageIngester } from './ingester.ts';
import { RequestLogPruner } from './retention.ts';

const logger = createLogger({ name: 'test', level: 'silent' });
const DAY = 86_400_000;

for (const kind of ['sqlite', 'mysql'] as const) {
  describe.runIf(kind === 'sqlite' || !!(testDatabaseUrl() && testRedisUrl()))(`request-log retention (${kind})`, () => {
    let b: TestBackend;
    beforeAll(async () => {
      b = await openBackend(kind, testRedisUrl());
    });
    afterAll(async () => {
      await b?.close();
    });

    it('deletes raw logs older than RAW_LOG_RETENTION_DAYS in batches and keeps newer logs and every rollup', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const now = Date.now();
      const old = Array.from({ length: 5 }, (_, i) => usageEvent({ userId, apiKeyId, startedAt: now - (40 + i) * DAY, finishedAt: now - (40 + i) * DAY + 500 }));
      const fresh = Array.from({ length: 3 }, (_, i) => usageEvent({ userId, apiKeyId, startedAt: now - i * DAY, finishedAt: now - i * DAY + 500 }));
      await b.store.ensureGroup(hotKeys.usageStream, USAGE_GROUP);
      for (const e of [...old, ...fresh]) await b.store.streamAdd(hotKeys.usageStream, encodeUsageEvent(e));
      const ing = new UsageIngester({ orm: b.orm, store: b.store, logger, timeZone: 'UTC', consumer: 'c-ret', blockMs: 10 });
      await ing.ingest(await ing.readBatch());
      const em = () => b.orm.em.fork();
      const rollupsBefore = await em().count(UsageDaily, { userId: Number(userId) });

      const pruner = new RequestLogPruner({ orm: b.orm, logger, retentionDays: 30, pauseMs: 1 });
      expect(await pruner.pruneOnce(now)).toBe(5);
      const left = await em().find(RequestLog, { userId: Number(userId) });
      expect(left.map((r) => r.requestId).sort()).toEqual(fresh.map((e) => e.requestId).sort());
      expect(await em().count(UsageDaily, { userId: Number(userId) })).toBe(rollupsBefore);
      expect(await pruner.pruneOnce(now)).toBe(0);
      await pruner.close();
    });

    it('keeps everything when retention is 0', async () => {
      const pruner = new RequestLogPruner({ orm: b.orm, logger, retentionDays: 0 });
      const before = await b.orm.em.fork().count(RequestLog, {});
      expect(before).toBeGreaterThan(0);
      expect(await pruner.pruneOnce(Date.now() + 1000 * DAY)).toBe(0);
      expect(await b.orm.em.fork().count(RequestLog, {})).toBe(before);
    });
  });
}
