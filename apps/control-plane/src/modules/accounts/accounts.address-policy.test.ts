import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Account } from '@relay/db';
import { startTestControlPlane, type TestControlPlane } from '@relay/testkit';

const CREATE = 'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id baseUrl } }';
const UPDATE = 'mutation($id: ID!, $i: UpdateAccountInput!) { updateAccount(id: $id, input: $i) { id baseUrl egressProxyHint } }';
const openai = (extra: Record<string, unknown>) => ({ name: 'policy', platform: 'OPENAI', apiKey: 'sk-proj-policy-test-0001', ...extra });

describe('upstream address policy on account inputs', () => {
  let strict: TestControlPlane;
  let permissive: TestControlPlane;
  beforeAll(async () => {
    [strict, permissive] = await Promise.all([
      startTestControlPlane({ db: 'sqlite', env: { UPSTREAM_ALLOW_PRIVATE: 'false' } }),
      startTestControlPlane({ db: 'sqlite', env: { UPSTREAM_ALLOW_PRIVATE: 'true' } }),
    ]);
  });
  afterAll(async () => {
    await strict?.close();
    await permissive?.close();
  });

  async function refusal(cp: TestControlPlane, query: string, variables: Record<string, unknown>) {
    const r = await cp.gql(query, variables, cp.adminToken);
    expect(r.data).toBeNull();
    return r.errors![0];
  }

  it('createAccount refuses metadata and loopback base URLs, naming the field and the policy', async () => {
    const metadata = await refusal(strict, CREATE, { i: openai({ baseUrl: 'http://169.254.169.254/' }) });
    expect(metadata.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'baseUrl' });
    expect(metadata.message).toMatch(/^baseUrl: 169\.254\.169\.254 is a link-local or cloud metadata address, which the upstream address policy always refuses$/);
    const redis = await refusal(strict, CREATE, { i: openai({ baseUrl: 'http://127.0.0.1:6379' }) });
    expect(redis.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'baseUrl' });
    expect(redis.message).toMatch(/127\.0\.0\.1 is a loopback or private address, which the upstream address policy refuses unless UPSTREAM_ALLOW_PRIVATE=true/);
    for (const url of ['http://[::1]:8080', 'http://10.1.2.3/', 'http://192.168.0.10/', 'http://[fd00:ec2::254]/', 'http://metadata.google.internal/', 'http://localhost:3000', `http://${hostname()}:6379`]) {
      expect((await refusal(strict, CREATE, { i: openai({ baseUrl: url }) })).extensions?.field, url).toBe('baseUrl');
    }
    const egress = await refusal(strict, CREATE, { i: openai({ egressProxy: 'socks5://user:pw@10.0.0.5:1080' }) });
    expect(egress.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'egressProxy' });
    expect(JSON.stringify(egress)).not.toContain('pw@');
    expect(await strict.orm.em.fork().count(Account, {})).toBe(0);
  });

  it('updateAccount refuses them too and leaves the account as it was', async () => {
    const created = await strict.gql<{ createAccount: { id: string } }>(CREATE, { i: openai({ baseUrl: 'https://api.openai.example' }) }, strict.adminToken);
    const id = created.data!.createAccount.id;
    const r = await refusal(strict, UPDATE, { id, i: { baseUrl: 'http://169.254.169.254/latest/meta-data' } });
    expect(r.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'baseUrl' });
    expect((await refusal(strict, UPDATE, { id, i: { egressProxy: 'http://127.0.0.1:3128' } })).extensions).toMatchObject({ field: 'egressProxy' });
    const row = await strict.orm.em.fork().findOneOrFail(Account, { id: Number(id) });
    expect(row.baseUrl).toBe('https://api.openai.example');
    expect(row.egressProxy).toBeNull();
  });

  it('with UPSTREAM_ALLOW_PRIVATE=true loopback and private addresses are accepted, metadata still refused', async () => {
    const ok = await permissive.gql<{ createAccount: { baseUrl: string } }>(CREATE, { i: openai({ baseUrl: 'http://127.0.0.1:6379' }) }, permissive.adminToken);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.createAccount.baseUrl).toBe('http://127.0.0.1:6379');
    const metadata = await refusal(permissive, CREATE, { i: openai({ baseUrl: 'http://169.254.169.254/' }) });
    expect(metadata.message).toMatch(/upstream address policy always refuses/);
  });
});
