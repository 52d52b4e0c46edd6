import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import {
  controlPlaneBackends, liveRefreshToken, startConnectProxy, startTestControlPlane, startTestProxy, type ConnectProxy, type TestControlPlane, type TestProxy,
} from '@relay/testkit';
import { ClaudeTokenRefresher } from './oauth.refresher.ts';

const MODEL = 'claude-sonnet-4-5';
const TOKEN_CALL = 'POST /v1/oauth/token';

describe.each(controlPlaneBackends())('OAuth refresh through the account\'s egress proxy ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let mock: MockUpstream;
  let egress: ConnectProxy;
  let proxy: TestProxy;

  async function createOAuthAccount(name: string, fields: Record<string, unknown>): Promise<{ id: string; tokenExpiresAt: string | null }> {
    const r = await cp.gql<{ createAccount: { id: string; tokenExpiresAt: string | null } }>('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id tokenExpiresAt } }', {
      i: { name, platform: 'CLAUDE_OAUTH', baseUrl: mock.url, egressProxy: egress.url, models: [name], ...fields },
    }, cp.adminToken);
    expect(r.errors).toBeUndefined();
    return r.data!.createAccount;
  }

  beforeAll(async () => {
    mock = await startMockUpstream();
    egress = await startConnectProxy();
    // The API accepts only the access token the OAuth server issued last.
    mock.setResponder((r) => (r.format === 'anthropic' && r.headers.authorization !== `Bearer ${mock.oauthTokens.at(-1)?.accessToken}` ? { status: 401 } : undefined));
    cp = await startTestControlPlane({ ...opts, env: { CLAUDE_OAUTH_TOKEN_URL: `${mock.url}/v1/oauth/token` } });
    const config = { apiKeySecret: cp.config.apiKeySecret!, encryptionKey: cp.config.encryptionKey! };
    proxy = opts.redisUrl ? await startTestProxy({ redisUrl: opts.redisUrl, prefix: cp.hotStorePrefix, config }) : await startTestProxy({ store: cp.store, config });
  });
  afterAll(async () => {
    await proxy?.close();
    await cp?.close();
    await egress?.close();
    await mock?.close();
  });

  it('a token with a refresh token but no expiry is refreshed at the next pass, through the egress proxy, and then carries an expiry', async () => {
    const refreshToken = await liveRefreshToken(mock);
    const account = await createOAuthAccount('no-expiry', { accessToken: 'sk-ant-oat01-pasted-without-expiry', refreshToken });
    expect(account.tokenExpiresAt).toBeNull();
    const refresher = new ClaudeTokenRefresher(cp.controlPlane.services);
    expect(await refresher.runOnce()).toBe(1);
    expect(egress.requests.filter((r) => r === TOKEN_CALL)).toHaveLength(1);
    expect(egress.targets).toContain(new URL(mock.url).host);
    const r = await cp.gql<{ account: { tokenExpiresAt: string | null } }>('query($id: ID!) { account(id: $id) { tokenExpiresAt } }', { id: account.id }, cp.adminToken);
    expect(Date.parse(r.data!.account.tokenExpiresAt!)).toBeGreaterThan(Date.now());
    // Now it has an expiry hours away: the next pass leaves it alone.
    expect(await refresher.runOnce()).toBe(0);
    expect(egress.requests.filter((q) => q === TOKEN_CALL)).toHaveLength(1);
  });

  it('the proxy\'s refresh after a 401 goes through the egress proxy too, and the retried request succeeds', async () => {
    const refreshToken = await liveRefreshToken(mock);
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    await createOAuthAccount(MODEL, { accessToken: 'sk-ant-oat01-revoked-egress', refreshToken, expiresAt });
    const key = (await cp.gql<{ createApiKey: { key: string } }>('mutation { createApiKey(input: { name: "egress" }) { key } }', {}, cp.adminToken)).data!.createApiKey.key;
    await cp.gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: MODEL, input: '3', output: '15' } }, cp.adminToken);
    const before = egress.requests.filter((q) => q === TOKEN_CALL).length;
    const res = await fetch(`${proxy.url}/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(egress.requests.filter((q) => q === TOKEN_CALL).length - before).toBe(1);
    expect(egress.requests.filter((q) => q.startsWith('POST /v1/messages'))).toHaveLength(2);
  });
});
