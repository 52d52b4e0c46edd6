import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '@relay/testkit';

describe('GraphQL depth and cost limits, error masking', () => {
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

  it('rejects an operation whose estimated cost exceeds GRAPHQL_MAX_COST, counting page sizes', async () => {
    const one = 'users(page: { limit: 200 }) { total items { id username role status createdAt updatedAt } }';
    const ok = await cp.gql(`{ a: ${one} }`, {}, cp.adminToken);
    expect(ok.errors).toBeUndefined();
    const expensive = await cp.gql(`{ a: ${one} b: ${one} c: ${one} d: ${one} }`, {}, cp.adminToken);
    expect(expensive.data).toBeNull();
    expect(expensive.errors![0].extensions!.code).toBe('LIMIT_EXCEEDED');
    expect(expensive.errors![0].message).toMatch(/too expensive: estimated cost \d+ exceeds the limit of 5000/);
    // Variables count too: the same query is cheap with a small page.
    const sel = '(page: $p) { items { id username role status createdAt updatedAt } }';
    const q = `query($p: PageInput) { a: users${sel} b: users${sel} c: users${sel} d: users${sel} }`;
    expect((await cp.gql(q, { p: { limit: 10 } }, cp.adminToken)).errors).toBeUndefined();
    expect((await cp.gql(q, { p: { limit: 200 } }, cp.adminToken)).errors![0].extensions!.code).toBe('LIMIT_EXCEEDED');
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
