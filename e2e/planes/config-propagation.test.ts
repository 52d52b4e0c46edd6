// Acceptance of the proxy issue: revoking a key or disabling an account through GraphQL takes effect
// on every running proxy within one second. A real control plane (SQLite, or MariaDB when
// TEST_DATABASE_URL is set) and two proxies share one Redis prefix and the same server secrets; the
// proxies' snapshot polling is set far beyond the deadline so only the pub/sub announcement can
// meet it.
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import {
  startTestControlPlane, startTestProxy, testDatabaseUrl, testRedisUrl, uniqueSuffix, type TestControlPlane, type TestProxy,
} from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const redisUrl = testRedisUrl();
const MODEL = 'gpt-4o';
const DEADLINE_MS = 1000;
/** Longest pause between two tries of one proxy while waiting for a change. */
const POLL_GAP_MS = 10;
/** Far beyond the deadline: the change must arrive by pub/sub, not by the safety-net poll. */
const SNAPSHOT_POLL_MS = 60_000;

/** Sends one small OpenAI-format request with the key; resolves with the status and the error code, if any. */
async function ask(proxyUrl: string, key: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${proxyUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const body = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, code: res.status >= 400 ? body.error?.code : undefined };
}

/**
 * Polls every proxy until each answers `status` (tries at most POLL_GAP_MS apart) and returns the
 * milliseconds from `since` until the LAST proxy answered it; gives up after 3× the deadline.
 */
async function msUntilAllAnswer(proxies: TestProxy[], key: string, status: number, since: number): Promise<{ ms: number; last: { status: number; code?: string }[] }> {
  const last: { status: number; code?: string }[] = [];
  const reached = await Promise.all(proxies.map(async (p, i) => {
    for (;;) {
      last[i] = await ask(p.url, key);
      if (last[i].status === status) return Date.now();
      if (Date.now() - since > 3 * DEADLINE_MS) return Number.POSITIVE_INFINITY;
      await new Promise((r) => setTimeout(r, POLL_GAP_MS));
    }
  }));
  return { ms: Math.max(...reached) - since, last };
}

function mustData<T>(r: { data: T | null; errors?: unknown }): T {
  if (!r.data) throw new Error(`GraphQL failed: ${JSON.stringify(r.errors)}`);
  return r.data;
}

/** Creates a user, an account at the mock, a price and the user's API key through GraphQL. */
async function provision(cp: TestControlPlane, mockUrl: string): Promise<{ accountId: string; keyId: string; key: string }> {
  const username = `prop-${uniqueSuffix()}`;
  const password = 'propagation-pass-1';
  mustData(await cp.gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password, role: 'USER' } }, cp.adminToken));
  const { createAccount } = mustData(await cp.gql<{ createAccount: { id: string } }>(
    'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
    { i: { name: 'openai at mock', platform: 'OPENAI', apiKey: 'sk-openai-propagation', baseUrl: mockUrl } },
    cp.adminToken,
  ));
  mustData(await cp.gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: MODEL, input: '3', output: '15' } }, cp.adminToken));
  const { login } = mustData(await cp.gql<{ login: { token: string } }>(
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: password },
  ));
  const { createApiKey } = mustData(await cp.gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
    'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id } } }', { i: { name: 'propagation' } }, login.token,
  ));
  return { accountId: createAccount.id, keyId: createApiKey.apiKey.id, key: createApiKey.key };
}

/** The revoke/disable scenario against already running proxies of one control plane. */
function propagationCases(world: () => { cp: TestControlPlane; proxies: TestProxy[]; mock: MockUpstream }) {
  let ids: { accountId: string; keyId: string; key: string };
  let key2: string;

  it('a key and account created through GraphQL are served by every proxy', async () => {
    const { cp, proxies, mock } = world();
    ids = await provision(cp, mock.url);
    const first = await msUntilAllAnswer(proxies, ids.key, 200, Date.now());
    expect(first.ms).toBeLessThan(DEADLINE_MS);
    expect(mock.requests.length).toBeGreaterThanOrEqual(proxies.length);
    // A second key of the admin, to see the account change once the first key is revoked.
    const r = mustData(await cp.gql<{ createApiKey: { key: string } }>('mutation { createApiKey(input: { name: "second" }) { key } }', {}, cp.adminToken));
    const returned = Date.now();
    key2 = r.createApiKey.key;
    const second = await msUntilAllAnswer(proxies, key2, 200, returned);
    expect(second.ms).toBeLessThan(DEADLINE_MS);
  });

  it(`setApiKeyEnabled(false) makes every proxy answer 401 within ${DEADLINE_MS} ms`, async () => {
    const { cp, proxies } = world();
    const r = await cp.gql('mutation($id: ID!) { setApiKeyEnabled(id: $id, enabled: false) { enabled } }', { id: ids.keyId }, cp.adminToken);
    const returned = Date.now();
    expect(mustData(r)).toEqual({ setApiKeyEnabled: { enabled: false } });
    const { ms, last } = await msUntilAllAnswer(proxies, ids.key, 401, returned);
    expect(last).toEqual(proxies.map(() => ({ status: 401, code: 'invalid_api_key' })));
    expect(ms).toBeLessThan(DEADLINE_MS);
    // The other key is untouched.
    for (const p of proxies) expect((await ask(p.url, key2)).status).toBe(200);
  });

  it(`updateAccount(status: DISABLED) makes every proxy answer 503 no_available_account within ${DEADLINE_MS} ms`, async () => {
    const { cp, proxies } = world();
    const r = await cp.gql('mutation($id: ID!) { updateAccount(id: $id, input: { status: DISABLED }) { status } }', { id: ids.accountId }, cp.adminToken);
    const returned = Date.now();
    expect(mustData(r)).toEqual({ updateAccount: { status: 'DISABLED' } });
    const { ms, last } = await msUntilAllAnswer(proxies, key2, 503, returned);
    expect(last).toEqual(proxies.map(() => ({ status: 503, code: 'no_available_account' })));
    expect(ms).toBeLessThan(DEADLINE_MS);
  });

  it(`setAccountSchedulable(false) on a re-enabled account also stops every proxy within ${DEADLINE_MS} ms`, async () => {
    const { cp, proxies } = world();
    mustData(await cp.gql('mutation($id: ID!) { updateAccount(id: $id, input: { status: ACTIVE }) { status } }', { id: ids.accountId }, cp.adminToken));
    const back = await msUntilAllAnswer(proxies, key2, 200, Date.now());
    expect(back.ms).toBeLessThan(DEADLINE_MS);
    const r = await cp.gql('mutation($id: ID!) { setAccountSchedulable(id: $id, schedulable: false) { schedulable } }', { id: ids.accountId }, cp.adminToken);
    const returned = Date.now();
    expect(mustData(r)).toEqual({ setAccountSchedulable: { schedulable: false } });
    const { ms, last } = await msUntilAllAnswer(proxies, key2, 503, returned);
    expect(last).toEqual(proxies.map(() => ({ status: 503, code: 'no_available_account' })));
    expect(ms).toBeLessThan(DEADLINE_MS);
  });
}

describe.runIf(redisUrl)(`config propagation: control plane (${testDatabaseUrl() ? 'mysql' : 'sqlite'}) + two proxies over Redis`, () => {
  let cp: TestControlPlane;
  let mock: MockUpstream;
  const proxies: TestProxy[] = [];
  beforeAll(async () => {
    mock = await startMockUpstream();
    cp = await startTestControlPlane({ db: testDatabaseUrl() ? 'mysql' : 'sqlite', redisUrl });
    const config = { apiKeySecret: cp.config.apiKeySecret!, encryptionKey: cp.config.encryptionKey!, snapshotPollMs: SNAPSHOT_POLL_MS };
    proxies.push(
      await startTestProxy({ redisUrl, prefix: cp.hotStorePrefix, config }),
      await startTestProxy({ redisUrl, prefix: cp.hotStorePrefix, config }),
    );
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await cp?.close();
    await mock?.close();
  });

  propagationCases(() => ({ cp, proxies, mock }));
});

describe('config propagation: embedded wiring (control plane and proxy on one in-memory store)', () => {
  let cp: TestControlPlane;
  let mock: MockUpstream;
  const proxies: TestProxy[] = [];
  beforeAll(async () => {
    mock = await startMockUpstream();
    cp = await startTestControlPlane({ db: 'sqlite' });
    const config = { apiKeySecret: cp.config.apiKeySecret!, encryptionKey: cp.config.encryptionKey!, snapshotPollMs: SNAPSHOT_POLL_MS };
    proxies.push(await startTestProxy({ store: cp.store, config }));
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await cp?.close();
    await mock?.close();
  });

  propagationCases(() => ({ cp, proxies, mock }));
});
