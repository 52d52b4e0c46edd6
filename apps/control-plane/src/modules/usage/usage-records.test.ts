import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestLog } from '@relay/db';
import { createUserWithKey, startTestControlPlane, testDatabaseUrl, testRedisUrl, type TestControlPlane } from '@relay/testkit';

const PAGE = 'query($f: UsageRecordFilter, $after: String) { usageRecords(filter: $f, page: { limit: 7, after: $after }) { nextCursor items { requestId } } }';
const DAY_MS = 86_400_000;

for (const kind of ['sqlite', 'mysql'] as const) {
  const run = kind === 'sqlite' || !!(testDatabaseUrl() && testRedisUrl());
  describe.runIf(run)(`usage records: keyset pages and the range bound (${kind})`, () => {
    let cp: TestControlPlane;
    let apiKeyId: string;
    let userId: string;
    const base = Date.now() - 3_600_000;

    const insert = async (rows: { requestId: string; createdAt: Date }[]) => {
      const em = cp.orm.em.fork();
      for (const r of rows) {
        em.create(RequestLog, { ...r, userId: Number(userId), apiKeyId: Number(apiKeyId), model: 'gpt-4o', upstreamModel: 'gpt-4o', endpoint: '/v1/chat/completions', stream: false, status: 200 });
      }
      await em.flush();
    };

    beforeAll(async () => {
      cp = await startTestControlPlane({ db: kind, redisUrl: kind === 'mysql' ? testRedisUrl() : undefined });
      ({ userId, apiKeyId } = await createUserWithKey(cp.orm));
      // 60 rows, four to a millisecond: pages must break ties by id.
      await insert(Array.from({ length: 60 }, (_, i) => ({ requestId: `old-${apiKeyId}-${i}`, createdAt: new Date(base - Math.floor(i / 4) * 1000) })));
    }, 60_000);
    afterAll(async () => {
      await cp?.close();
    });

    it('returns every row exactly once across pages while rows are inserted between the pages', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const res: { data?: { usageRecords: { nextCursor: string | null; items: { requestId: string }[] } } | null; errors?: unknown } = await cp.gql(PAGE, { f: { apiKeyId }, after }, cp.adminToken);
        expect(res.errors).toBeUndefined();
        seen.push(...res.data!.usageRecords.items.map((r) => r.requestId));
        after = res.data!.usageRecords.nextCursor;
        pages += 1;
        // Traffic keeps arriving while the admin pages: newer rows, and a row tying the newest old
        // row's millisecond (a higher id). None of them may shift a later page.
        await insert([
          { requestId: `new-${apiKeyId}-${pages}-a`, createdAt: new Date() },
          { requestId: `new-${apiKeyId}-${pages}-b`, createdAt: new Date(base) },
        ]);
      } while (after && pages < 50);
      const old = seen.filter((id) => id.startsWith('old-'));
      expect(new Set(seen).size).toBe(seen.length);
      expect(old.sort()).toEqual(Array.from({ length: 60 }, (_, i) => `old-${apiKeyId}-${i}`).sort());
      // The first page was read before any new row existed: the 7 newest old rows, ties by id, newest first.
      expect(seen.slice(0, 7)).toEqual([3, 2, 1, 0, 7, 6, 5].map((i) => `old-${apiKeyId}-${i}`));
      expect(pages).toBe(Math.ceil(60 / 7));
    });

    it('answers a range of at most 92 days and refuses a longer one with maxRangeDays', async () => {
      const until = new Date(base + 60_000);
      const ok = await cp.gql(PAGE, { f: { apiKeyId, since: new Date(until.getTime() - 92 * DAY_MS).toISOString(), until: until.toISOString() } }, cp.adminToken);
      expect(ok.errors).toBeUndefined();
      const tooLong = await cp.gql(PAGE, { f: { apiKeyId, since: new Date(until.getTime() - 92 * DAY_MS - 1).toISOString(), until: until.toISOString() } }, cp.adminToken);
      expect(tooLong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'since', maxRangeDays: 92 });
      // Without `until` the range ends now.
      const openEnded = await cp.gql(PAGE, { f: { apiKeyId, since: new Date(Date.now() - 100 * DAY_MS).toISOString() } }, cp.adminToken);
      expect(openEnded.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxRangeDays: 92 });
      // Without `since` only the last 92 days are read: a 100-day-old row is not listed.
      await insert([{ requestId: `ancient-${apiKeyId}`, createdAt: new Date(Date.now() - 100 * DAY_MS) }]);
      const all = await cp.gql<{ usageRecords: { items: { requestId: string }[] } }>(
        'query($f: UsageRecordFilter) { usageRecords(filter: $f, page: { limit: 200 }) { items { requestId } } }', { f: { apiKeyId } }, cp.adminToken);
      expect(all.data!.usageRecords.items.map((r) => r.requestId)).not.toContain(`ancient-${apiKeyId}`);
      expect(all.data!.usageRecords.items.length).toBeGreaterThanOrEqual(60);
    });
  });
}
