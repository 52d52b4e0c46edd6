import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Account, AuditLog, OAuthSession } from '@relay/db';
import { hotKeys, type AccountCredentials, type ConfigSnapshot } from '@relay/core';
import { sharedCredentialsKey } from '@relay/upstreams';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends } from '@relay/testkit';
import { ClaudeTokenRefresher } from './oauth.refresher.ts';

const START = 'mutation($k: OAuthKind) { startClaudeOAuth(kind: $k) { sessionId authorizeUrl expiresAt } }';
const COMPLETE = 'mutation($s: String!, $c: String!, $a: ClaudeAccountInput!) { completeClaudeOAuth(sessionId: $s, code: $c, account: $a) { id name platform credentialHint tokenExpiresAt priority } }';
const COOKIE = 'mutation($key: String!, $a: ClaudeAccountInput!, $k: OAuthKind) { createClaudeAccountFromSessionKey(sessionKey: $key, account: $a, kind: $k) { id platform credentialHint } }';
const SESSION_KEY = 'sk-ant-sid01-COOKIEsessionKEYsecret42';

describe.each(controlPlaneBackends())('claude oauth ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let mock: MockUpstream;
  const responses: string[] = [];

  async function gql<T = any>(query: string, variables?: Record<string, unknown>) {
    const r = await cp.gql<T>(query, variables, cp.adminToken);
    responses.push(JSON.stringify(r));
    return r;
  }

  async function credentialsOf(id: string | number): Promise<{ row: Account; creds: Extract<AccountCredentials, { kind: 'oauth' }> }> {
    const row = await cp.orm.em.fork().findOneOrFail(Account, { id: Number(id) });
    return { row, creds: cp.controlPlane.services.secretBox.decryptJson(row.credentials) };
  }

  async function startFlow(kind: 'OAUTH' | 'SETUP_TOKEN') {
    const r = await gql<{ startClaudeOAuth: { sessionId: string; authorizeUrl: string; expiresAt: string } }>(START, { k: kind });
    expect(r.errors).toBeUndefined();
    const url = new URL(r.data!.startClaudeOAuth.authorizeUrl);
    return { ...r.data!.startClaudeOAuth, url, challenge: url.searchParams.get('code_challenge')!, state: url.searchParams.get('state')! };
  }

  beforeAll(async () => {
    mock = await startMockUpstream();
    cp = await startTestControlPlane({
      ...opts,
      env: { CLAUDE_OAUTH_AUTHORIZE_URL: `${mock.url}/oauth/authorize`, CLAUDE_OAUTH_TOKEN_URL: `${mock.url}/v1/oauth/token`, CLAUDE_AI_BASE_URL: mock.url },
    });
  });
  beforeEach(() => mock.reset());
  afterAll(async () => {
    await cp?.close();
    await mock?.close();
  });

  it('runs the PKCE authorization-code flow and creates an account holding the issued tokens', async () => {
    const flow = await startFlow('OAUTH');
    expect(flow.url.origin + flow.url.pathname).toBe(`${mock.url}/oauth/authorize`);
    expect(Object.fromEntries(flow.url.searchParams)).toMatchObject({
      code_challenge_method: 'S256', response_type: 'code', client_id: cp.config.claudeOAuth.clientId, scope: 'org:create_api_key user:profile user:inference',
    });
    expect(flow.challenge).toMatch(/^[\w-]{43}$/);
    expect(flow.state.length).toBeGreaterThanOrEqual(16);
    const expiresIn = Date.parse(flow.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(9 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000);

    // The verifier is stored encrypted, and it is the one the challenge was made from.
    const session = await cp.orm.em.fork().findOneOrFail(OAuthSession, { id: flow.sessionId });
    const verifier = cp.controlPlane.services.secretBox.decrypt(session.codeVerifier);
    expect(session.codeVerifier).not.toContain(verifier);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(flow.challenge);

    const code = mock.issueAuthCode(flow.challenge);
    // Pasted as the callback page shows it: "code#state".
    const r = await gql<{ completeClaudeOAuth: any }>(COMPLETE, { s: flow.sessionId, c: `${code}#${flow.state}`, a: { name: 'max-1', priority: 7 } });
    expect(r.errors).toBeUndefined();
    const tokens = mock.oauthTokens.at(-1)!;
    expect(r.data!.completeClaudeOAuth).toMatchObject({ name: 'max-1', platform: 'CLAUDE_OAUTH', priority: 7, credentialHint: `••••${tokens.accessToken.slice(-4)}` });
    const tokenRequest = mock.requests.find((q) => q.path === '/v1/oauth/token')!;
    expect(tokenRequest.body).toMatchObject({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: cp.config.claudeOAuth.redirectUri, state: flow.state });

    const { creds } = await credentialsOf(r.data!.completeClaudeOAuth.id);
    expect(creds).toMatchObject({ kind: 'oauth', accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
    expect(creds.expiresAt! - Date.now()).toBeGreaterThan((tokens.expiresIn - 60) * 1000);

    // Single use: the session is gone.
    const again = await gql(COMPLETE, { s: flow.sessionId, c: code, a: { name: 'dup' } });
    expect(again.errors![0].extensions!.code).toBe('NOT_FOUND');
    const snap = JSON.parse((await cp.store.getSnapshot())!.json) as ConfigSnapshot;
    expect(snap.accounts.find((a) => a.id === r.data!.completeClaudeOAuth.id)?.platform).toBe('claude-oauth');
  });

  it('refuses a wrong code or an expired session with BAD_USER_INPUT naming the field', async () => {
    const flow = await startFlow('OAUTH');
    const wrong = await gql(COMPLETE, { s: flow.sessionId, c: 'code_not_issued_by_server', a: { name: 'x' } });
    expect(wrong.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });

    await cp.orm.em.fork().nativeUpdate(OAuthSession, { id: flow.sessionId }, { expiresAt: new Date(Date.now() - 1000) });
    const expired = await gql(COMPLETE, { s: flow.sessionId, c: mock.issueAuthCode(flow.challenge), a: { name: 'x' } });
    expect(expired.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sessionId' });
    expect(await cp.orm.em.fork().count(Account, { name: 'x' })).toBe(0);
  });

  it('obtains a setup token: inference scope only, long-lived, no refresh token kept', async () => {
    const flow = await startFlow('SETUP_TOKEN');
    expect(flow.url.searchParams.get('scope')).toBe('user:inference');
    const code = mock.issueAuthCode(flow.challenge, { scope: 'user:inference' });
    const r = await gql<{ completeClaudeOAuth: any }>(COMPLETE, { s: flow.sessionId, c: code, a: { name: 'setup-1' } });
    expect(r.errors).toBeUndefined();
    expect(mock.requests.find((q) => q.path === '/v1/oauth/token')!.body.expires_in).toBe(365 * 24 * 3600);
    const { creds } = await credentialsOf(r.data!.completeClaudeOAuth.id);
    expect(creds).toMatchObject({ kind: 'oauth', accessToken: mock.oauthTokens.at(-1)!.accessToken, refreshToken: null, scopes: ['user:inference'] });
    // No refresh token: the refresher leaves it alone even when it looks close to expiry.
    expect(await new ClaudeTokenRefresher(cp.controlPlane.services, { refreshWithinMs: 10 * 365 * 24 * 3600_000 }).refreshAccount(Number(r.data!.completeClaudeOAuth.id))).toBe('no-refresh-token');
  });

  it('creates an account from a claude.ai sessionKey cookie (organization → authorize → exchange)', async () => {
    mock.addSessionKey(SESSION_KEY);
    const r = await gql<{ createClaudeAccountFromSessionKey: any }>(COOKIE, { key: SESSION_KEY, a: { name: 'cookie-1' } });
    expect(r.errors).toBeUndefined();
    expect(mock.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /api/organizations', expect.stringMatching(/^POST \/v1\/oauth\/[\w-]+\/authorize$/), 'POST /v1/oauth/token',
    ]);
    expect(mock.requests[1].headers.cookie).toBe(`sessionKey=${SESSION_KEY}`);
    const { creds } = await credentialsOf(r.data!.createClaudeAccountFromSessionKey.id);
    expect(creds.accessToken).toBe(mock.oauthTokens.at(-1)!.accessToken);
    expect(creds.refreshToken).toBe(mock.oauthTokens.at(-1)!.refreshToken);

    const refused = await gql(COOKIE, { key: 'sk-ant-sid01-notAValidSessionKey', a: { name: 'cookie-2' } });
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sessionKey' });

    const audit = JSON.stringify(await cp.orm.em.fork().find(AuditLog, {}));
    for (const secret of [SESSION_KEY, mock.oauthTokens.at(-1)!.accessToken, mock.oauthTokens.at(-1)!.refreshToken]) {
      expect(audit).not.toContain(secret);
      expect(responses.join('\n')).not.toContain(secret);
    }
  });

  it('refreshes an expiring token exactly once with two refreshers racing, and shares it with the proxies', async () => {
    mock.setTokenLifetime(120); // expires within the 10-minute window
    const flow = await startFlow('OAUTH');
    const created = await gql<{ completeClaudeOAuth: { id: string } }>(COMPLETE, { s: flow.sessionId, c: mock.issueAuthCode(flow.challenge), a: { name: 'expiring' } });
    const id = created.data!.completeClaudeOAuth.id;
    const first = mock.oauthTokens.at(-1)!;
    const issued = mock.oauthTokens.length;
    mock.setTokenLifetime(28_800);

    const a = new ClaudeTokenRefresher(cp.controlPlane.services);
    const b = new ClaudeTokenRefresher(cp.controlPlane.services);
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(ra + rb).toBe(1);
    expect(mock.oauthTokens).toHaveLength(issued + 1);
    expect(mock.requests.filter((q) => q.body?.grant_type === 'refresh_token').map((q) => q.body.refresh_token)).toEqual([first.refreshToken]);

    const { row, creds } = await credentialsOf(id);
    expect(creds).toMatchObject({ accessToken: mock.oauthTokens.at(-1)!.accessToken, refreshToken: mock.oauthTokens.at(-1)!.refreshToken });
    expect(creds.expiresAt! - Date.now()).toBeGreaterThan(7 * 3600_000);
    const shared = await cp.store.get(sharedCredentialsKey(id));
    expect(cp.controlPlane.services.secretBox.decryptJson<AccountCredentials>(shared!)).toMatchObject({ accessToken: mock.oauthTokens.at(-1)!.accessToken });
    const snap = JSON.parse((await cp.store.getSnapshot())!.json) as ConfigSnapshot;
    expect(snap.accounts.find((x) => x.id === id)!.credentials).toBe(row.credentials);
    expect(await cp.orm.em.fork().count(AuditLog, { action: 'account.credentials_refreshed', targetId: id })).toBe(1);

    // Now fresh: another pass does nothing.
    expect(await a.runOnce()).toBe(0);
    expect(mock.oauthTokens).toHaveLength(issued + 1);
  });

  it('leaves an account alone while another process holds its refresh lock', async () => {
    mock.setTokenLifetime(120);
    const flow = await startFlow('OAUTH');
    const created = await gql<{ completeClaudeOAuth: { id: string } }>(COMPLETE, { s: flow.sessionId, c: mock.issueAuthCode(flow.challenge), a: { name: 'locked' } });
    mock.setTokenLifetime(28_800);
    const issued = mock.oauthTokens.length;
    const id = created.data!.completeClaudeOAuth.id;
    await cp.store.setIfAbsent(hotKeys.accountRefreshLock(id), 'some-proxy', 30_000);
    expect(await new ClaudeTokenRefresher(cp.controlPlane.services).refreshAccount(Number(id))).toBe('locked');
    expect(mock.oauthTokens).toHaveLength(issued);
    await cp.store.delIfEquals(hotKeys.accountRefreshLock(id), 'some-proxy');
    expect(await new ClaudeTokenRefresher(cp.controlPlane.services).refreshAccount(Number(id))).toBe('refreshed');
    expect(mock.oauthTokens).toHaveLength(issued + 1);
  });

  it('tests a Claude OAuth account through the proxy adapter with its bearer token', async () => {
    const flow = await startFlow('OAUTH');
    const created = await gql<{ completeClaudeOAuth: { id: string } }>(COMPLETE, { s: flow.sessionId, c: mock.issueAuthCode(flow.challenge), a: { name: 'probe', baseUrl: mock.url } });
    const r = await gql<{ testAccount: any }>('mutation($id: ID!) { testAccount(id: $id, model: "claude-sonnet-4-20250514") { ok status text } }', { id: created.data!.completeClaudeOAuth.id });
    expect(r.data!.testAccount).toEqual({ ok: true, status: 200, text: 'Hello from mock' });
    const call = mock.requests.find((q) => q.path === '/v1/messages')!;
    expect(call.headers.authorization).toBe(`Bearer ${mock.oauthTokens.at(-1)!.accessToken}`);
    expect(call.headers['anthropic-beta']).toContain('oauth-2025-04-20');
  });
});
