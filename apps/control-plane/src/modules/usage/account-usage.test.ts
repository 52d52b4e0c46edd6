import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeUsageEvent, hotKeys, microToUsd } from '@relay/core';
import { Account, RequestLog } from '@relay/db';
import { createUserWithKey, startTestControlPlane, testDatabaseUrl, testRedisUrl, uniqueSuffix, usageEvent, waitFor, type TestControlPlane } from '@relay/testkit';

const QUERY = `query($s: DateTime!, $u: DateTime!) { accountUsage(since: $s, until: $u) {
  accountId name requests inputTokens outputTokens cacheCreationInputTokens cacheReadInputTokens totalTokens cost baseCost errors lastUsedAt } }`;

for (const kind of ['sqlite', 'mysql'] as const) {
  const run = kind === 'sqlite' || !!(testDatabaseUrl() && testRedisUrl());
  describe.runIf(run)(`per-account usage (${kind})`, () => {
    let cp: TestControlPlane;
    const accounts: Account[] = [];
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const until = new Date(Date.now() + 3_600_000).toISOString();

    beforeAll(async () => {
      cp = await startTestControlPlane({ db: kind, redisUrl: kind === 'mysql' ? testRedisUrl() : undefined });
      const em = cp.orm.em.fork();
      for (const n of ['busy', 'quiet', 'idle']) accounts.push(em.create(Account, { name: `${n}-${uniqueSuffix()}`, platform: 'claude-console', credentials: 'x', credentialHint: 'x' }));
      await em.flush();
      const { userId, apiKeyId } = await createUserWithKey(cp.orm);
      const events = Array.from({ length: 30 }, (_, i) => usageEvent({
        userId, apiKeyId, accountId: String(accounts[i % 3 === 0 ? 1 : 0].id), inputTokens: 100 + i * 7, outputTokens: 20 + i,
        status: i % 7 === 0 ? 502 : 200, finishedAt: Date.now() + i,
      }));
      events[4] = { ...events[4], outcome: 'interrupted' };
      for (const e of events) await cp.store.streamAdd(hotKeys.usageStream, encodeUsageEvent(e));
      await waitFor(async () => (await cp.orm.em.fork().count(RequestLog, { requestId: events.map((e) => e.requestId) })) === events.length, 10_000);
    }, 60_000);
    afterAll(async () => {
      await cp?.close();
    });

    it('gives each account the SQL sums of its requests, errors (status ≥ 400 or interrupted) and its lastUsedAt', async () => {
      const res = await cp.gql<{ accountUsage: Record<string, unknown>[] }>(QUERY, { s: since, u: until }, cp.adminToken);
      expect(res.errors).toBeUndefined();
      for (const a of accounts) {
        const [sql] = await cp.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(
          "select count(*) as n, coalesce(sum(input_tokens), 0) as i, coalesce(sum(output_tokens), 0) as o, coalesce(sum(total_tokens), 0) as t, coalesce(sum(total_cost), 0) as c, coalesce(sum(base_cost), 0) as b, " +
            "coalesce(sum(case when status >= 400 or outcome = 'interrupted' then 1 else 0 end), 0) as e, max(finished_at) as l from request_logs where account_id = ?",
          [a.id],
        );
        const stored = await cp.orm.em.fork().findOneOrFail(Account, { id: a.id });
        const got = res.data!.accountUsage.find((r) => r.accountId === String(a.id))!;
        expect(got).toMatchObject({
          name: a.name, requests: Number(sql.n), inputTokens: Number(sql.i), outputTokens: Number(sql.o), totalTokens: Number(sql.t),
          cost: microToUsd(Number(sql.c)), baseCost: microToUsd(Number(sql.b)), errors: Number(sql.e), lastUsedAt: stored.lastUsedAt?.toISOString() ?? null,
        });
      }
      const [busy, quiet, idle] = accounts.map((a) => res.data!.accountUsage.find((r) => r.accountId === String(a.id))!);
      expect([busy.requests, quiet.requests, idle.requests]).toEqual([20, 10, 0]);
      // Statuses 502 at i = 0, 7, 14, 21, 28 (quiet: 0, 21; busy: 7, 14, 28) and the interrupted i = 4 (busy).
      expect([busy.errors, quiet.errors, idle.errors]).toEqual([4, 2, 0]);
      // The ingester keeps the hourly per-account rollup (which the MySQL path reads for whole hours) in step with the rows.
      const [hourly] = await cp.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(
        'select coalesce(sum(requests), 0) as n, coalesce(sum(errors), 0) as e from usage_account_hourly where account_id = ?', [accounts[0].id]);
      expect([Number(hourly.n), Number(hourly.e)]).toEqual([20, 4]);
      expect(busy.lastUsedAt).not.toBeNull();
      expect(idle.lastUsedAt).toBeNull();
    });

    it('counts nothing outside the range and is for admins only', async () => {
      const before = await cp.gql<{ accountUsage: { requests: number }[] }>(QUERY, { s: '2020-01-01T00:00:00Z', u: '2020-02-01T00:00:00Z' }, cp.adminToken);
      expect(before.data!.accountUsage.every((r) => r.requests === 0)).toBe(true);
      const username = `u${uniqueSuffix()}`;
      await cp.gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password: 'correct-horse-battery' } }, cp.adminToken);
      const login = await cp.gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: 'correct-horse-battery' });
      const denied = await cp.gql(QUERY, { s: since, u: until }, login.data!.login.token);
      expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
  });
}
