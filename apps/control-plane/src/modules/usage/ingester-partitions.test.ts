/**
 * The partitioned usage stream (USAGE_STREAM_PARTITIONS): events spread over the partitions by
 * request id are each stored once, the pre-partition stream is still drained, a second ingester takes
 * over what a dead one left pending on every partition (XAUTOCLAIM per partition), and lowering the
 * setting still drains partitions no longer written. On SQLite + the in-process store, and on MariaDB +
 * a local three-master Redis Cluster this file starts (the partitions then live on different shards).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeUsageEvent, hotKeys, usagePartitionOf, usageStreamFor, type UsageEvent } from '@relay/core';
import { createLogger } from '@relay/core/logger';
import { RequestLog } from '@relay/db';
import { createUserWithKey, openBackend, testDatabaseUrl, usageEvent, waitFor, type TestBackend } from '@relay/testkit';
import { startRedisCluster, type LocalRedisCluster } from '@relay/testkit/redis-cluster';
import { UsageIngester } from './ingester.ts';
import { usagePendingCount } from './ingester-streams.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

for (const kind of ['sqlite', 'mysql'] as const) {
  describe.runIf(kind === 'sqlite' || !!testDatabaseUrl())(`partitioned usage stream (${kind === 'sqlite' ? 'sqlite + memory' : 'mariadb + redis cluster'})`, () => {
    let b: TestBackend;
    let cluster: LocalRedisCluster | undefined;
    beforeAll(async () => {
      if (kind === 'mysql') cluster = await startRedisCluster();
      b = await openBackend(kind, cluster?.url);
    }, 60_000);
    afterAll(async () => {
      await b?.close();
      await cluster?.close();
    });

    const ingester = (consumer: string, partitions: number, staleMs = 30_000) =>
      new UsageIngester({ orm: b.orm, store: b.store, logger, timeZone: 'UTC', consumer, partitions, staleMs, blockMs: 10 });
    const publish = (e: UsageEvent, partitions: number) => b.store.streamAdd(usageStreamFor(e.requestId, partitions), encodeUsageEvent(e));
    const rowsOf = (requestIds: string[]) => b.orm.em.fork().count(RequestLog, { requestId: { $in: requestIds } });
    /** Reads and stores until `n` new events went in (at most 50 reads). */
    const ingestAll = async (ing: UsageIngester, n: number) => {
      let inserted = 0;
      for (let reads = 0; inserted < n && reads < 50; reads++) inserted += (await ing.ingest(await ing.readBatch())).inserted;
      return inserted;
    };

    it('stores events spread over the partitions, and one left on the pre-partition stream, once each', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const events = Array.from({ length: 40 }, () => usageEvent({ userId, apiKeyId }));
      for (const e of events) await publish(e, 4);
      expect(new Set(events.map((e) => usagePartitionOf(e.requestId, 4))).size).toBeGreaterThanOrEqual(3);
      const legacy = usageEvent({ userId, apiKeyId });
      await b.store.streamAdd(hotKeys.usageStream, encodeUsageEvent(legacy));
      for (const e of [events[0], events[1]]) await publish(e, 4); // re-delivered: billed once

      const ing = ingester('c-spread', 4);
      expect(await ingestAll(ing, 41)).toBe(41);
      expect(await rowsOf([...events, legacy].map((e) => e.requestId))).toBe(41);
      expect(await ing.ingest(await ing.readBatch())).toMatchObject({ inserted: 0 });
      expect(ing.stats).toMatchObject({ inserted: 41, duplicates: 2 });
      expect(await usagePendingCount(b.store)).toBe(0);
      for (let p = 0; p < 4; p++) expect(await b.store.streamLength(hotKeys.usagePartition(p))).toBe(0);
    });

    it('lets a second ingester take over what a dead one read but never acknowledged, on every partition', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const events = Array.from({ length: 12 }, () => usageEvent({ userId, apiKeyId }));
      for (const e of events) await publish(e, 4);
      const dead = ingester('c-dead', 4);
      const taken = await dead.readBatch(); // read, then "crashed": no ingest, no ack
      expect(taken).toHaveLength(12);
      expect(new Set(taken.map((e) => e.stream)).size).toBeGreaterThanOrEqual(2);
      expect(await usagePendingCount(b.store)).toBe(12);

      const rescuer = ingester('c-rescuer', 4, 50);
      const claimed = await waitFor(async () => {
        const got = await rescuer.readBatch();
        return got.length ? got : null;
      });
      expect(claimed).toHaveLength(12);
      expect(claimed.every((c) => c.deliveries === 2)).toBe(true);
      expect((await rescuer.ingest(claimed)).inserted).toBe(12);
      expect(await rowsOf(events.map((e) => e.requestId))).toBe(12);
      expect(await usagePendingCount(b.store)).toBe(0);
    });

    it('after USAGE_STREAM_PARTITIONS went down from 8 to 2, still drains the partitions only the old setting wrote', async () => {
      const { userId, apiKeyId } = await createUserWithKey(b.orm);
      const old = ingester('c-eight', 8);
      await old.ingest(await old.readBatch()); // a process with 8 partitions announced them
      const events = Array.from({ length: 16 }, () => usageEvent({ userId, apiKeyId }));
      for (const e of events) await publish(e, 8);
      const high = events.filter((e) => usagePartitionOf(e.requestId, 8) >= 2);
      expect(high.length).toBeGreaterThan(0);

      const lowered = ingester('c-two', 2);
      expect(await ingestAll(lowered, 16)).toBe(16);
      expect(lowered.streams.length).toBe(8 + 1); // partitions 0..7 and the pre-partition stream
      expect(await rowsOf(events.map((e) => e.requestId))).toBe(16);
    });
  });
}
