import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createHotStore } from '@relay/hot-store';
import { startTestControlPlane, testRedisUrl, uniqueSuffix, type TestControlPlane } from '@relay/testkit';
import { CostGate } from './limits.ts';
import { buildAppSchema } from './schema.ts';
import { ROOT_FIELD_COST } from './cost.ts';

/** Subscribes over graphql-ws and resolves with the first thing the server answers (errors for a refusal). */
function firstSubscriptionError(cp: TestControlPlane, token: string, query: string): Promise<unknown> {
  const client = createClient({ url: `${cp.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
  return new Promise((resolve) => {
    client.subscribe({ query }, { next: (m) => resolve(m.errors ?? m.data), error: resolve, complete: () => resolve('complete') });
  }).finally(() => client.dispose());
}

describe('GraphQL bounds (depth, aliases, directives, tokens, cost, budget), introspection, error masking', () => {
  let cp: TestControlPlane;
  let shallow: TestControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane({ db: 'sqlite' });
    shallow = await startTestControlPlane({ db: 'sqlite', env: { GRAPHQL_MAX_DEPTH: '2' } });
  });
  afterAll(async () => {
    await cp?.close();
    await shallow?.close();
  });

  it('rejects an operation nested deeper than GRAPHQL_MAX_DEPTH, fragments included', async () => {
    expect((await shallow.gql('{ me { id } }', {}, shallow.adminToken)).errors).toBeUndefined();
    const deep = await shallow.gql('{ auditLogs { items { id } } }', {}, shallow.adminToken);
    expect(deep.status).toBe(400);
    expect(deep.errors![0].extensions!.code).toBe('LIMIT_EXCEEDED');
    expect(deep.errors![0].message).toMatch(/too deep: depth 3 exceeds the limit of 2/);
    const viaFragment = await shallow.gql('query { users { ...U } } fragment U on PagedUsers { items { id } }', {}, shallow.adminToken);
    expect(viaFragment.errors![0].extensions!.code).toBe('LIMIT_EXCEEDED');
    // Tools' introspection queries are not counted.
    const introspection = await shallow.gql('{ __schema { types { fields { type { ofType { name } } } } } }');
    expect(introspection.errors).toBeUndefined();
  });

  it('prices fields by the work they do and refuses an operation above GRAPHQL_MAX_COST before it runs', async () => {
    // A usage aggregate costs 20: ten fit the default cap of 200, eleven do not.
    const summaries = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `s${i}: usageSummary { totalCost }`).join(' ')} }`;
    expect((await cp.gql(summaries(10), {}, cp.adminToken)).errors).toBeUndefined();
    const over = await cp.gql(summaries(11), {}, cp.adminToken);
    expect(over.status).toBe(400);
    expect(over.data).toBeNull();
    expect(over.errors![0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'COST', cost: 220, maxCost: 200 });
    expect(over.errors![0].message).toMatch(/too expensive: estimated cost 220 exceeds the limit of 200/);
    // Scalars cost nothing, lists cost their page size: 2 + 1 per 10 rows.
    const users = 'users(page: $p) { items { id username role status createdAt updatedAt } }';
    const q = `query($p: PageInput) { a: ${users} b: ${users} c: ${users} d: ${users} e: ${users} f: ${users} g: ${users} h: ${users} i: ${users} j: ${users} }`;
    expect((await cp.gql(q, { p: { limit: 50 } }, cp.adminToken)).errors).toBeUndefined();
    expect((await cp.gql(q, { p: { limit: 200 } }, cp.adminToken)).errors![0].extensions).toMatchObject({ limit: 'COST', cost: 220 });
  });

  it('bounds aliases, directives and tokens with LIMIT_EXCEEDED naming the bound', async () => {
    const aliases = await cp.gql(`{ ${Array.from({ length: 21 }, (_, i) => `m${i}: me { id }`).join(' ')} }`, {}, cp.adminToken);
    expect(aliases.status).toBe(400);
    expect(aliases.errors![0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'ALIASES', max: 20, found: 21 });
    const directives = await cp.gql(`{ me { ${Array.from({ length: 21 }, () => 'id @include(if: true)').join(' ')} } }`, {}, cp.adminToken);
    expect(directives.errors![0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'DIRECTIVES', max: 20, found: 21 });
    const tokens = await cp.gql(`{ me { ${'id '.repeat(3001)}} }`, {}, cp.adminToken);
    expect(tokens.status).toBe(400);
    expect(tokens.errors![0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'TOKENS' });
  });

  it('charges each user a per-minute budget across requests: 429 with Retry-After, other users unaffected', async () => {
    // The budget is per calendar minute: a clock standing 1 s into the next minute keeps every step in one window
    // (crossing a minute edge mid-test would refill the budget and leave the subscription below waiting for events).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((Math.floor(Date.now() / 60_000) + 1) * 60_000 + 1000);
    const tight = await startTestControlPlane({ db: 'sqlite', env: { GRAPHQL_COST_PER_MINUTE: '100' } });
    try {
      const create = await tight.gql('mutation { createUser(input: { username: "bob", password: "bob-password-1", role: USER }) { id } }', {}, tight.adminToken);
      expect(create.errors).toBeUndefined();
      const bob = (await tight.gql<{ login: { token: string } }>('mutation { login(username: "bob", password: "bob-password-1") { token } }')).data!.login.token;
      const q = '{ usageSummary { totalRequests } }';
      for (let i = 0; i < 5; i++) expect((await tight.gql(q, {}, bob)).errors).toBeUndefined();
      const res = await fetch(`${tight.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bob}` }, body: JSON.stringify({ query: q }) });
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const body = (await res.json()) as { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
      expect(body.data ?? null).toBeNull();
      expect(body.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'COST_BUDGET', cost: 20, spent: 100, costPerMinute: 100, retryAfterSeconds: retryAfter });
      expect(body.errors[0].message).toMatch(/budget used up/);
      // The admin's budget is their own.
      expect((await tight.gql(q, {}, tight.adminToken)).errors).toBeUndefined();
      // Subscriptions pass the same gate and bounds.
      const wsRefusal = await firstSubscriptionError(tight, bob, 'subscription { requestLogged { requestId } }');
      expect(wsRefusal).toMatchObject([{ extensions: { code: 'LIMIT_EXCEEDED', limit: 'COST_BUDGET' } }]);
      const aliases = `subscription { requestLogged { ${Array.from({ length: 21 }, (_, i) => `r${i}: requestId`).join(' ')} } }`;
      expect(await firstSubscriptionError(tight, tight.adminToken, aliases)).toMatchObject([{ extensions: { code: 'LIMIT_EXCEEDED', limit: 'ALIASES' } }]);
    } finally {
      await tight.close();
      vi.useRealTimers();
    }
  });

  it('turns introspection and field suggestions off when configured (production default)', async () => {
    const closed = await startTestControlPlane({ db: 'sqlite', env: { GRAPHQL_INTROSPECTION: 'false' } });
    try {
      const intro = await closed.gql('{ __schema { queryType { name } } }');
      expect(intro.status).toBe(400);
      expect(intro.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(intro.errors![0].message).toMatch(/introspection/i);
      const typo = await closed.gql('{ usageSumary { totalCost } }', {}, closed.adminToken);
      expect(typo.errors![0].message).not.toMatch(/Did you mean|usageSummary/);
      expect((await closed.gql('{ me { __typename id } }', {}, closed.adminToken)).errors).toBeUndefined();
    } finally {
      await closed.close();
    }
  });

  it('prices every root field of the schema explicitly', async () => {
    const schema = await buildAppSchema();
    for (const [op, type] of [['Query', schema.getQueryType()], ['Mutation', schema.getMutationType()], ['Subscription', schema.getSubscriptionType()]] as const) {
      expect(Object.keys(ROOT_FIELD_COST[op]).sort()).toEqual(Object.keys(type!.getFields()).sort());
    }
  });

  it('answers unexpected failures with "Internal error" and no stack, and sets security headers', async () => {
    // Break the database under a running server: the resolver's error must not leak.
    const broken = await startTestControlPlane({ db: 'sqlite' });
    await broken.orm.em.fork().getConnection().execute('drop table audit_logs');
    const r = await broken.gql('{ auditLogs { total } }', {}, broken.adminToken);
    await broken.close();
    expect(r.errors![0]).toMatchObject({ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(r)).not.toMatch(/audit_logs|stack|at .*\.ts/);

    const res = await fetch(`${cp.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ me { id } }"' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const big = await fetch(`${cp.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ me { id } } #${'x'.repeat(1024 * 1024)}` }) });
    expect(big.status).toBe(413);
  });

  it('serves /healthz and a helpful page when the admin app is not built', async () => {
    expect(await (await fetch(`${cp.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const page = await fetch(`${cp.url}/some/spa/route`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/pnpm --filter @relay\/admin build|<div id="root">/);
  });
});

describe.runIf(testRedisUrl())('GraphQL cost budget across control planes (Redis)', () => {
  it('two control planes on one Redis charge one budget per user', async () => {
    const prefix = `test:${uniqueSuffix()}:`;
    const [a, b] = [createHotStore({ redisUrl: testRedisUrl(), prefix }), createHotStore({ redisUrl: testRedisUrl(), prefix })];
    try {
      const schema = await buildAppSchema();
      const limits = { maxDepth: 10, maxAliases: 20, maxDirectives: 20, maxTokens: 3000, maxCost: 200, costPerMinute: 60 };
      const op = { schema, document: parse('{ usageSummary { totalCost } }') };
      const caller = { userId: 424242, ip: null };
      await new CostGate(a, limits).admit(op, caller);
      await new CostGate(b, limits).admit(op, caller);
      await new CostGate(a, limits).admit(op, caller);
      await expect(new CostGate(b, limits).admit(op, caller)).rejects.toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED', limit: 'COST_BUDGET', spent: 60 } });
      // Another user's budget is untouched.
      await new CostGate(b, limits).admit(op, { userId: 424243, ip: null });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
