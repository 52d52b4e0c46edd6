import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pkceChallenge, startMockUpstream, type MockUpstream } from './index.ts';

const CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';
const REDIRECT_URI = 'https://console.anthropic.com/oauth/code/callback';

interface TokenResponse { access_token: string; refresh_token: string; expires_in: number; token_type: string; scope: string }

describe('fake Claude OAuth authorization server', () => {
  let mock: MockUpstream;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = pkceChallenge(verifier);

  async function token(body: Record<string, string>, form = false) {
    const res = await fetch(`${mock.url}/v1/oauth/token`, form
      ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() }
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as TokenResponse & { error?: string } };
  }
  const exchange = (code: string, codeVerifier = verifier) =>
    token({ grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, state: 's1' });

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('exchanges a code with the right PKCE verifier for tokens', async () => {
    mock.setTokenLifetime(3600);
    const code = mock.issueAuthCode(challenge, { scope: 'user:inference' });
    const { status, json } = await exchange(code);
    expect(status).toBe(200);
    expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'user:inference' });
    expect(json.access_token).toMatch(/^sk-ant-oat01-/);
    expect(mock.oauthTokens.at(-1)).toEqual({ accessToken: json.access_token, refreshToken: json.refresh_token, expiresIn: 3600 });
    expect(mock.requests[0]).toMatchObject({ format: 'oauth', body: { grant_type: 'authorization_code', client_id: CLIENT_ID } });
  });

  it('rejects a wrong verifier with 400 invalid_grant', async () => {
    const code = mock.issueAuthCode(challenge);
    const { status, json } = await exchange(code, randomBytes(32).toString('base64url'));
    expect(status).toBe(400);
    expect(json.error).toBe('invalid_grant');
  });

  it('accepts a code only once', async () => {
    const code = mock.issueAuthCode(challenge);
    expect((await exchange(code)).status).toBe(200);
    const second = await exchange(code);
    expect(second.status).toBe(400);
    expect(second.json.error).toBe('invalid_grant');
  });

  it('rotates refresh tokens: the new pair works, the old refresh token does not', async () => {
    const first = (await exchange(mock.issueAuthCode(challenge))).json;
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT_ID }, true);
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.access_token).not.toBe(first.access_token);
    expect(refreshed.json.refresh_token).not.toBe(first.refresh_token);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT_ID });
    expect(reused.status).toBe(400);
    expect(reused.json.error).toBe('invalid_grant');
    const again = await token({ grant_type: 'refresh_token', refresh_token: refreshed.json.refresh_token, client_id: CLIENT_ID });
    expect(again.status).toBe(200);
  });

  it('serves the authorize page', async () => {
    const res = await fetch(`${mock.url}/oauth/authorize?code=true&client_id=${CLIENT_ID}&code_challenge=${challenge}&code_challenge_method=S256`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('runs the cookie flow: organizations, then authorize → redirect with a code that exchanges', async () => {
    mock.addSessionKey('sk-ant-sid01-valid');
    const cookie = 'sessionKey=sk-ant-sid01-valid; other=1';
    expect((await fetch(`${mock.url}/api/organizations`, { headers: { cookie: 'sessionKey=wrong' } })).status).toBe(403);
    const orgs = (await (await fetch(`${mock.url}/api/organizations`, { headers: { cookie } })).json()) as { uuid: string; capabilities: string[] }[];
    expect(orgs[0].capabilities).toEqual(['chat', 'claude_pro']);
    const res = await fetch(`${mock.url}/v1/oauth/${orgs[0].uuid}/authorize`, {
      method: 'POST', headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'code', client_id: CLIENT_ID, organization_uuid: orgs[0].uuid, redirect_uri: REDIRECT_URI,
        scope: 'user:profile user:inference', state: 'st4te', code_challenge: challenge, code_challenge_method: 'S256',
      }),
    });
    expect(res.status).toBe(200);
    const redirect = new URL(((await res.json()) as { redirect_uri: string }).redirect_uri);
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe('st4te');
    const { status, json } = await exchange(redirect.searchParams.get('code')!);
    expect(status).toBe(200);
    expect(json.scope).toBe('user:profile user:inference');
  });

  it('lets a responder make the token endpoint fail', async () => {
    mock.setResponder((req) => (req.format === 'oauth' ? { status: 500 } : undefined));
    const code = mock.issueAuthCode(challenge);
    expect((await exchange(code)).status).toBe(500);
  });
});
