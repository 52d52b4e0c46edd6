import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { dayKey, encodeUsageEvent, hotChannels, hotKeys, type UsageEvent } from '@relay/core';
import { RequestLog } from '@relay/db';
import { RedisHotStore } from '@relay/hot-store';
import { startTestControlPlane, testDatabaseUrl, testRedisUrl, uniqueSuffix, type TestControlPlane, usageEvent, waitFor } from '@relay/testkit';

const TOTALS = 'requests inputTokens outputTokens cacheCreationInputTokens cacheReadInputTokens totalTokens cost';
const RECORD = 'requestId createdAt model platform apiKeyId stream status inputTokens outputTokens cacheCreationInputTokens cacheReadInputTokens totalTokens inputCost outputCost totalCost latencyMs firstTokenMs';
const usd = (micro: number) => `${Math.trunc(micro / 1e6)}.${String(micro % 1e6).padStart(6, '0')}`;

/** Receives subscription payloads as raw JSON text, so tests can assert on what went over the wire. */
function subscribeRaw(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const received: string[] = [];
  const errors: unknown[] = [];
  const waiters: (() => void)[] = [];
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (msg) => {
        if (msg.errors) errors.push(msg.errors);
        else received.push(JSON.stringify(msg.data));
        waiters.splice(0).forEach((w) => w());
      },
      error: (err) => {
        errors.push(err);
        waiters.splice(0).forEach((w) => w());
      },
      complete: () => undefined,
    },
  );
  return {
    received,
    errors,
    dispose,
    /** Resolves once `n` payloads (or an error) arrived. */
    async waitFor(n: number, timeoutMs = 3000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (received.length < n && errors.length === 0) {
        if (Date.now() > until) throw new Error(`subscription: got ${received.length} of ${n} events`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
  };
}

function wsClient(cp: TestControlPlane, token: string): Client {
  return createClient({ url: `${cp.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
}

const LIVE = `subscription($f: RequestLoggedFilter) { requestLogged(filter: $f) { ${RECORD} } }`;

for (const kind of ['sqlite', 'mysql'] as const) {
  const run = kind === 'sqlite' || !!(testDatabaseUrl() && testRedisUrl());
  describe.runIf(run)(`usage GraphQL API (${kind})`, () => {
    let cp: TestControlPlane;
    let alice: { userId: string; apiKeyId: string; token: string };
    let bob: { userId: string; apiKeyId: string; token: string };
    let aliceKey2: string;
    const events: UsageEvent[] = [];

    async function userWithToken(): Promise<{ userId: string; apiKeyId: string; token: string }> {
      const username = `u${uniqueSuffix()}`;
      const password = 'correct-horse-battery';
      const created = await cp.gql<{ createUser: { id: string } }>('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password, priceRate: '1.5' } }, cp.adminToken);
      expect(created.errors).toBeUndefined();
      const login = await cp.gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: password });
      const { userId, apiKeyId } = await createUserWithKeyFor(created.data!.createUser.id);
      return { userId, apiKeyId, token: login.data!.login.token };
    }

    async function createUserWithKeyFor(userId: string) {
      const em = cp.orm.em.fork();
      const { ApiKey, User } = await import('@relay/db');
      const key = em.create(ApiKey, { user: em.getReference(User, Number(userId)), name: 'k', keyHash: uniqueSuffix().padEnd(64, '0').slice(0, 64), keyPrefix: 'sk-test' });
      await em.flush();
      return { userId, apiKeyId: String(key.id) };
    }

    beforeAll(async () => {
      cp = await startTestControlPlane({ db: kind, redisUrl: kind === 'mysql' ? testRedisUrl() : undefined });
      alice = await userWithToken();
      bob = await userWithToken();
      aliceKey2 = (await createUserWithKeyFor(alice.userId)).apiKeyId;
      const models = ['claude-sonnet-4-5', 'gpt-4.1', 'gemini-2.5-pro'];
      for (let i = 0; i < 24; i++) {
        const owner = i % 4 === 0 ? bob : i % 3 === 0 ? { ...alice, apiKeyId: aliceKey2 } : alice;
        events.push(usageEvent({ userId: owner.userId, apiKeyId: owner.apiKeyId, model: models[i % 3], inputTokens: 500 + i * 31, outputTokens: 90 + i * 13, status: i === 5 ? 429 : 200 }));
      }
      for (const e of events) await cp.store.streamAdd(hotKeys.usageStream, encodeUsageEvent(e));
      await waitFor(async () => (await cp.orm.em.fork().count(RequestLog, {})) === events.length, 10_000);
    }, 60_000);
    afterAll(async () => {
      await cp?.close();
    });

    async function sqlSum(where: string, params: unknown[]) {
      const rows = await cp.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(
        `select count(*) as n, coalesce(sum(total_tokens), 0) as t, coalesce(sum(total_cost), 0) as c, coalesce(sum(base_cost), 0) as bc from request_logs${where ? ` where ${where}` : ''}`,
        params,
      );
      return { requests: Number(rows[0].n), totalTokens: Number(rows[0].t), cost: usd(Number(rows[0].c)), baseCost: usd(Number(rows[0].bc)) };
    }

    const today = () => dayKey(Date.now(), 'UTC');
    const STATS = `query($s: UsageScope, $u: ID, $k: ID, $from: String!, $to: String!) { usageStats(scope: $s, userId: $u, apiKeyId: $k, from: $from, to: $to) { requests totalTokens cost baseCost } }`;

    it('gives admins the same totals as SQL sums over request_logs for a user, a key, a model and the platform', async () => {
      const q = (vars: Record<string, unknown>) => cp.gql<{ usageStats: Record<string, unknown> }>(STATS, { from: today(), to: today(), ...vars }, cp.adminToken);
      expect((await q({ u: alice.userId })).data!.usageStats).toEqual(await sqlSum('user_id = ?', [Number(alice.userId)]));
      expect((await q({ k: aliceKey2 })).data!.usageStats).toEqual(await sqlSum('api_key_id = ?', [Number(aliceKey2)]));
      expect((await q({ s: 'PLATFORM' })).data!.usageStats).toEqual(await sqlSum('', []));

      const byModel = await cp.gql<{ usageByModel: { model: string; requests: number; totalTokens: number; cost: string; baseCost: string; costShare: number }[] }>(
        'query($from: String!, $to: String!) { usageByModel(scope: PLATFORM, from: $from, to: $to) { model requests totalTokens cost baseCost costShare } }', { from: today(), to: today() }, cp.adminToken);
      const gpt = byModel.data!.usageByModel.find((m) => m.model === 'gpt-4.1')!;
      expect({ requests: gpt.requests, totalTokens: gpt.totalTokens, cost: gpt.cost, baseCost: gpt.baseCost }).toEqual(await sqlSum('model = ?', ['gpt-4.1']));
      expect(byModel.data!.usageByModel.reduce((s, m) => s + m.costShare, 0)).toBeCloseTo(1, 9);

      const summary = await cp.gql<{ userUsageSummary: Record<string, unknown> }>('query($u: ID!) { userUsageSummary(userId: $u) { totalRequests totalTokens totalCost todayCost } }', { u: bob.userId }, cp.adminToken);
      const bobSql = await sqlSum('user_id = ?', [Number(bob.userId)]);
      expect(summary.data!.userUsageSummary).toEqual({ totalRequests: bobSql.requests, totalTokens: bobSql.totalTokens, totalCost: bobSql.cost, todayCost: bobSql.cost });

      const recs = await cp.gql<{ usageRecords: { nextCursor: string | null; items: { baseCost: string; priceRate: string }[] } }>(
        `query($u: ID) { usageRecords(filter: { userId: $u, status: 429 }) { nextCursor items { requestId baseCost priceRate } } }`, { u: alice.userId }, cp.adminToken);
      expect(recs.data!.usageRecords.items).toHaveLength(1);
      expect(recs.data!.usageRecords.nextCursor).toBeNull();
      expect(recs.data!.usageRecords.items[0].priceRate).toBe('1.5000');
    });

    it('shows a user their own usage, equal to SQL sums, with no rate or base cost anywhere in the JSON', async () => {
      const mine = await sqlSum('user_id = ?', [Number(alice.userId)]);
      const queries: [string, Record<string, unknown>][] = [
        ['{ usageSummary { totalRequests totalTokens totalCost todayCost todayRequests todayTokens } }', {}],
        [`query($from: String!, $to: String!) { dailyUsage(from: $from, to: $to) { day ${TOTALS} } }`, { from: today(), to: today() }],
        [`query($m: String!) { monthlyUsage(month: $m) { month ${TOTALS} days { day ${TOTALS} } } }`, { m: today().slice(0, 7) }],
        [`query($from: String!, $to: String!) { usageStats(from: $from, to: $to) { from to ${TOTALS} } }`, { from: today(), to: today() }],
        [`query($from: String!, $to: String!) { usageByModel(from: $from, to: $to) { model costShare ${TOTALS} } }`, { from: today(), to: today() }],
        [`{ usageRecords(page: { limit: 200 }) { nextCursor items { ${RECORD} } } }`, {}],
      ];
      for (const [query, vars] of queries) {
        const res = await fetch(`${cp.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` }, body: JSON.stringify({ query, variables: vars }) });
        const text = await res.text();
        expect(text).not.toMatch(/priceRate|baseCost|base_cost|"errors"/);
        expect(text).not.toContain(bob.apiKeyId === alice.apiKeyId ? '__never__' : `"apiKeyId":"${bob.apiKeyId}"`);
      }
      const summary = await cp.gql<{ usageSummary: Record<string, unknown> }>('{ usageSummary { totalRequests totalTokens totalCost } }', {}, alice.token);
      expect(summary.data!.usageSummary).toEqual({ totalRequests: mine.requests, totalTokens: mine.totalTokens, totalCost: mine.cost });
      const recs = await cp.gql<{ usageRecords: { items: unknown[] } }>('{ usageRecords(page: { limit: 200 }) { items { requestId } } }', {}, alice.token);
      expect(recs.data!.usageRecords.items).toHaveLength(mine.requests);
      // Bob's key in Alice's filter matches nothing of hers.
      const foreign = await cp.gql<{ usageRecords: { items: unknown[] } }>('query($k: ID) { usageRecords(filter: { apiKeyId: $k }) { items { requestId } } }', { k: bob.apiKeyId }, alice.token);
      expect(foreign.data!.usageRecords.items).toHaveLength(0);
    });

    it('refuses a user base cost, price rate, other users and the platform scope with FORBIDDEN', async () => {
      const forbidden = async (query: string, vars: Record<string, unknown> = {}) => {
        const r = await cp.gql(query, vars, alice.token);
        expect(r.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
        expect(JSON.stringify(r.data ?? {})).not.toMatch(/"(baseCost|priceRate)":"/);
      };
      const range = { from: today(), to: today() };
      await forbidden('{ usageRecords { items { requestId baseCost } } }');
      await forbidden('{ usageRecords { items { requestId priceRate } } }');
      await forbidden('query($from: String!, $to: String!) { usageStats(from: $from, to: $to) { cost baseCost } }', range);
      await forbidden('query($from: String!, $to: String!) { dailyUsage(from: $from, to: $to) { baseCost } }', range);
      await forbidden('query($from: String!, $to: String!) { usageByModel(from: $from, to: $to) { baseCost } }', range);
      await forbidden('query($u: ID) { usageSummary(userId: $u) { totalCost } }', { u: bob.userId });
      await forbidden('{ usageSummary(scope: PLATFORM) { totalCost } }');
      await forbidden('query($u: ID!) { userUsageSummary(userId: $u) { totalCost } }', { u: alice.userId });
    });

    it('delivers live request logs: a user only their own (without rate or base cost), an admin everyone', async () => {
      const userClient = wsClient(cp, alice.token);
      const adminClient = wsClient(cp, cp.adminToken);
      try {
        const mine = subscribeRaw(userClient, LIVE);
        const all = subscribeRaw(adminClient, `subscription { requestLogged { requestId baseCost priceRate } }`);
        const nosy = subscribeRaw(userClient, LIVE, { f: { userId: bob.userId } });
        const sneaky = subscribeRaw(userClient, `subscription { requestLogged { requestId baseCost } }`);
        await waitFor(async () => nosy.errors.length > 0);
        // Both live subscriptions are registered once the process holds the channel subscription.
        const { liveLogHubFor } = await import('../live-logs/live-logs.hub.ts');
        await waitFor(async () => liveLogHubFor(cp.store).listenerCount >= 3);
        await liveLogHubFor(cp.store).subscribed();

        const forBob = usageEvent({ userId: bob.userId, apiKeyId: bob.apiKeyId });
        const forAlice = usageEvent({ userId: alice.userId, apiKeyId: alice.apiKeyId });
        await cp.store.publish(hotChannels.liveLogs, encodeUsageEvent(forBob));
        await cp.store.publish(hotChannels.liveLogs, encodeUsageEvent(forAlice));
        await all.waitFor(2);
        await mine.waitFor(1);
        await sneaky.waitFor(1);

        expect(all.received.join()).toContain(forBob.requestId);
        expect(all.received.join()).toContain('"priceRate":"1.5000"');
        expect(mine.received).toHaveLength(1);
        expect(mine.received[0]).toContain(forAlice.requestId);
        expect(mine.received.join()).not.toMatch(/priceRate|baseCost/);
        expect(JSON.stringify(nosy.errors)).toContain('FORBIDDEN');
        expect(JSON.stringify(sneaky.errors)).toContain('FORBIDDEN');
        expect(JSON.stringify(sneaky.received)).not.toMatch(/"baseCost":"/);
        for (const s of [mine, all, nosy, sneaky]) s.dispose();
      } finally {
        await userClient.dispose();
        await adminClient.dispose();
      }
    });

    if (kind === 'mysql') it('delivers, within 1 s, an event published by another process\'s store connection', async () => {
      // A second Redis connection under the same key prefix stands for another proxy process.
      const other = new RedisHotStore({ url: testRedisUrl()!, prefix: (cp.store as unknown as { prefix: string }).prefix });
      const client = wsClient(cp, cp.adminToken);
      const { liveLogHubFor } = await import('../live-logs/live-logs.hub.ts');
      // Listeners of earlier tests' subscriptions go away asynchronously: count only ours.
      await waitFor(async () => liveLogHubFor(cp.store).listenerCount === 0);
      try {
        const sub = subscribeRaw(client, LIVE, { f: { userId: alice.userId } });
        await waitFor(async () => liveLogHubFor(cp.store).listenerCount >= 1);
        await liveLogHubFor(cp.store).subscribed();
        const e = usageEvent({ userId: alice.userId, apiKeyId: alice.apiKeyId });
        const sent = Date.now();
        await other.publish(hotChannels.liveLogs, encodeUsageEvent(e));
        await sub.waitFor(1, 1000);
        expect(Date.now() - sent).toBeLessThan(1000);
        expect(sub.received[0]).toContain(e.requestId);
        sub.dispose();
      } finally {
        await client.dispose();
        await other.close();
      }
    });
  });
}
