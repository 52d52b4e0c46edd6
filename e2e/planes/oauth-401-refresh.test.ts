// Acceptance of issue 15 (health): a Claude OAuth account whose access token the upstream rejects
// with 401 is refreshed ONCE and the request retried, so clients never see the 401 — across
// concurrent requests on two proxies; a refresh that fails puts the account in ERROR and sends ONE
// signed `account.error` alert to a webhook. A real control plane (SQLite, or MariaDB with
// TEST_DATABASE_URL) and two proxies share Redis when TEST_REDIS_URL is set, and the in-memory store
// (embedded wiring) always; the mock upstream is both the Anthropic API and the OAuth server.
import { createHmac } from 'node:crypto';
import { hotKeys } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import {
  liveRefreshToken, startTestControlPlane, startTestProxy, startWebhookReceiver, testDatabaseUrl, testRedisUrl, uniqueSuffix,
  type TestControlPlane, type TestProxy, type WebhookReceiver,
} from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const redisUrl = testRedisUrl();
const SECRET = 'whsec-health-401';
const GOOD_MODEL = 'claude-sonnet-4-5';
const BAD_MODEL = 'claude-haiku-4-5';
const CONCURRENT = 8;

function mustData<T>(r: { data: T | null; errors?: unknown }): T {
  if (!r.data) throw new Error(`GraphQL failed: ${JSON.stringify(r.errors)}`);
  return r.data;
}

async function ask(proxyUrl: string, key: string, model: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${proxyUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, text: await res.text() };
}

const refreshCalls = (mock: MockUpstream, refreshToken: string) =>
  mock.requests.filter((r) => r.format === 'oauth' && r.body?.grant_type === 'refresh_token' && r.body?.refresh_token === refreshToken).length;

function cases(world: () => { cp: TestControlPlane; proxies: TestProxy[]; mock: MockUpstream; rx: WebhookReceiver }) {
  let key: string;
  const token = { revokedGood: `sk-ant-oat01-revoked-${uniqueSuffix()}`, revokedBad: `sk-ant-oat01-revoked-${uniqueSuffix()}` };

  beforeAll(async () => {
    const { cp, mock, rx } = world();
    // The mock accepts only the access token its OAuth server issued last; everything else is a 401 in Anthropic's format.
    mock.setResponder((r) => {
      if (r.format !== 'anthropic') return undefined;
      const issued = mock.oauthTokens.at(-1)?.accessToken;
      return r.headers.authorization === `Bearer ${issued}` ? undefined : { status: 401, errorMessage: 'invalid x-api-key' };
    });
    for (const model of [GOOD_MODEL, BAD_MODEL]) {
      mustData(await cp.gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model, input: '3', output: '15' } }, cp.adminToken));
    }
    for (const [name, events] of [['ops', ['ACCOUNT_ERROR']], ['oauth', ['OAUTH_REFRESH_FAILED']]] as const) {
      mustData(await cp.gql('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', {
        i: { name, kind: 'WEBHOOK', url: `${rx.url}/${name}`, secret: SECRET, events },
      }, cp.adminToken));
    }
    key = mustData(await cp.gql<{ createApiKey: { key: string } }>('mutation { createApiKey(input: { name: "oauth-401" }) { key } }', {}, cp.adminToken)).createApiKey.key;
  });

  it(`a 401 is answered by one refresh and a retry: ${CONCURRENT} concurrent requests on two proxies all succeed`, async () => {
    const { cp, proxies, mock } = world();
    const refreshToken = await liveRefreshToken(mock);
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const { createAccount } = mustData(await cp.gql<{ createAccount: { id: string; tokenExpiresAt: string } }>(
      'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id tokenExpiresAt } }',
      { i: { name: 'max-good', platform: 'CLAUDE_OAUTH', accessToken: token.revokedGood, refreshToken, expiresAt, baseUrl: mock.url, models: [GOOD_MODEL] } },
      cp.adminToken,
    ));
    const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => ask(proxies[i % proxies.length].url, key, GOOD_MODEL)));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(refreshCalls(mock, refreshToken)).toBe(1);
    const fresh = mock.oauthTokens.at(-1)!.accessToken;
    const sent = mock.requests.filter((r) => r.format === 'anthropic' && r.model === GOOD_MODEL).map((r) => r.headers.authorization);
    expect(sent.filter((a) => a === `Bearer ${fresh}`)).toHaveLength(CONCURRENT);
    // The control plane persists what the proxy learned: the stored token's expiry is now the refreshed one's.
    await vi.waitFor(async () => {
      const { account } = mustData(await cp.gql<{ account: { tokenExpiresAt: string; status: string } }>('query($id: ID!) { account(id: $id) { tokenExpiresAt status } }', { id: createAccount.id }, cp.adminToken));
      expect(account.status).toBe('ACTIVE');
      expect(account.tokenExpiresAt).not.toBe(createAccount.tokenExpiresAt);
    }, { timeout: 10_000, interval: 50 });
    // A later request goes out with the new token at once: no second refresh.
    expect((await ask(proxies[0].url, key, GOOD_MODEL)).status).toBe(200);
    expect(refreshCalls(mock, refreshToken)).toBe(1);
  });

  it('a refresh that fails is tried once, puts the account in ERROR and sends one signed account.error alert', async () => {
    const { cp, proxies, mock, rx } = world();
    const deadRefresh = `sk-ant-ort01-dead-${uniqueSuffix()}`;
    const { createAccount } = mustData(await cp.gql<{ createAccount: { id: string } }>(
      'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
      { i: { name: 'max-bad', platform: 'CLAUDE_OAUTH', accessToken: token.revokedBad, refreshToken: deadRefresh, expiresAt: new Date(Date.now() + 86_400_000).toISOString(), baseUrl: mock.url, models: [BAD_MODEL] } },
      cp.adminToken,
    ));
    const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => ask(proxies[i % proxies.length].url, key, BAD_MODEL)));
    // Nothing else serves the model: each request fails (in Anthropic's format), none after more than one refresh.
    for (const r of results) expect(r.status).toBeGreaterThanOrEqual(500);
    expect(refreshCalls(mock, deadRefresh)).toBe(1);

    const [hook] = await rx.waitFor(1, (r) => r.path === '/ops' && r.json?.type === 'account.error');
    expect(hook.json).toMatchObject({ type: 'account.error', details: { accountId: createAccount.id, accountName: 'max-bad' } });
    const ts = String(hook.headers['x-relay-timestamp']);
    expect(hook.headers['x-relay-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${hook.raw}`).digest('hex')}`);
    const { account } = mustData(await cp.gql<{ account: { status: string; statusReason: string } }>('query($id: ID!) { account(id: $id) { status statusReason } }', { id: createAccount.id }, cp.adminToken));
    expect(account.status).toBe('ERROR');
    expect(account.statusReason).toMatch(/OAuth refresh/);

    // More traffic after the fact, then wait until the control plane has consumed every proxy event:
    // still one refresh attempt, one alert row, one webhook.
    await Promise.all(proxies.map((p) => ask(p.url, key, BAD_MODEL)));
    await vi.waitFor(async () => {
      expect(await cp.store.streamLength(hotKeys.proxyEventStream)).toBe(0);
    }, { timeout: 10_000, interval: 50 });
    const { alertDeliveries } = mustData(await cp.gql<{ alertDeliveries: { items: { eventType: string; status: string }[] } }>(
      'query { alertDeliveries { items { eventType status } } }', {}, cp.adminToken,
    ));
    expect(alertDeliveries.items.filter((d) => d.eventType === 'account.error')).toEqual([{ eventType: 'account.error', status: 'DELIVERED' }]);
    expect(rx.received.filter((r) => r.path === '/ops' && r.json?.type === 'account.error')).toHaveLength(1);
    // The failed refresh itself is an oauth.refresh_failed fact too, for channels that subscribe to it.
    expect(alertDeliveries.items.filter((d) => d.eventType === 'oauth.refresh_failed')).toHaveLength(1);
    const [refreshHook] = await rx.waitFor(1, (r) => r.path === '/oauth');
    expect(refreshHook.json).toMatchObject({ type: 'oauth.refresh_failed', details: { accountId: createAccount.id } });
    expect(refreshCalls(mock, deadRefresh)).toBe(1);
  });
}

async function startWorld(opts: { redis: boolean }) {
  const mock = await startMockUpstream();
  const rx = await startWebhookReceiver();
  const cp = await startTestControlPlane({
    db: testDatabaseUrl() ? 'mysql' : 'sqlite',
    redisUrl: opts.redis ? redisUrl : undefined,
    env: { CLAUDE_OAUTH_TOKEN_URL: `${mock.url}/v1/oauth/token`, ALERT_POLL_MS: '100' },
  });
  const config = { apiKeySecret: cp.config.apiKeySecret!, encryptionKey: cp.config.encryptionKey! };
  const proxies = opts.redis
    ? [await startTestProxy({ redisUrl, prefix: cp.hotStorePrefix, config }), await startTestProxy({ redisUrl, prefix: cp.hotStorePrefix, config })]
    : [await startTestProxy({ store: cp.store, config }), await startTestProxy({ store: cp.store, config })];
  return { cp, proxies, mock, rx };
}

const variants = [
  ...(redisUrl ? [{ name: 'control plane + two proxies over Redis', redis: true }] : []),
  { name: 'embedded wiring (two proxies on the control plane\'s in-memory store)', redis: false },
];

describe.each(variants)('OAuth 401 refresh: $name', ({ redis }) => {
  let w: Awaited<ReturnType<typeof startWorld>>;
  beforeAll(async () => {
    w = await startWorld({ redis });
  });
  afterAll(async () => {
    for (const p of w?.proxies ?? []) await p.close();
    await w?.cp.close();
    await w?.rx.close();
    await w?.mock.close();
  });
  cases(() => w);
});
