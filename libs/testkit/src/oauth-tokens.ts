import { randomBytes } from 'node:crypto';
import { pkceChallenge, type MockUpstream } from '@relay/mock-upstream';

/** A refresh token the mock's OAuth server honours, obtained through its PKCE authorization-code flow. */
export async function liveRefreshToken(mock: MockUpstream): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const code = mock.issueAuthCode(pkceChallenge(verifier));
  const res = await fetch(`${mock.url}/v1/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'test-client', redirect_uri: 'https://x/cb', state: 's' }),
  });
  return ((await res.json()) as { refresh_token: string }).refresh_token;
}
