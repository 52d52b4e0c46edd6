import { createHash, randomBytes } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import type { AccountCredentials } from '@relay/core';
import type { ControlPlaneConfig } from '../../config.ts';
import { DomainError, errors } from '../../graphql/errors.ts';

/** Claude OAuth endpoints (CLAUDE_OAUTH_* / CLAUDE_AI_BASE_URL). */
export type ClaudeOAuthEndpoints = ControlPlaneConfig['claudeOAuth'];
export type OAuthCredentials = Extract<AccountCredentials, { kind: 'oauth' }>;

/** Scopes of the full OAuth flow, and the inference-only scope of a setup token. */
export const OAUTH_SCOPE = 'org:create_api_key user:profile user:inference';
export const SETUP_TOKEN_SCOPE = 'user:inference';
/** Setup tokens are requested for one year and never refreshed. */
export const SETUP_TOKEN_LIFETIME_SECONDS = 365 * 24 * 3600;
const TIMEOUT_MS = 15_000;

/** A PKCE pair: the random verifier (kept secret) and its S256 challenge (sent in the URL). */
export function createPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The URL the admin opens to authorize (code shown on the redirect page). */
export function authorizeUrl(ep: ClaudeOAuthEndpoints, p: { challenge: string; state: string; scope: string }): string {
  const u = new URL(ep.authorizeUrl);
  u.searchParams.set('code', 'true');
  u.searchParams.set('client_id', ep.clientId);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('redirect_uri', ep.redirectUri);
  u.searchParams.set('scope', p.scope);
  u.searchParams.set('code_challenge', p.challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  u.searchParams.set('state', p.state);
  return u.toString();
}

/**
 * The authorization code in what the admin pasted: the bare code, "code#state" as the callback page
 * shows it, or the whole callback URL.
 */
export function extractAuthorizationCode(pasted: string): string {
  const text = pasted.trim();
  if (/^https?:\/\//i.test(text)) {
    try {
      const code = new URL(text).searchParams.get('code');
      if (code) return code.split('#')[0];
    } catch {}
    throw errors.badInput('code', 'the pasted URL has no code parameter');
  }
  const code = text.split('#')[0];
  if (!/^[\w.~-]{4,512}$/.test(code)) throw errors.badInput('code', 'does not look like an authorization code');
  return code;
}

interface TokenEndpointAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
}

/** Thrown when an OAuth endpoint refuses or fails; `status` is 0 for network errors. */
export class OAuthEndpointError extends Error {
  constructor(readonly status: number, readonly oauthError: string | null) {
    super(status === 0 ? 'the OAuth endpoint could not be reached' : `the OAuth endpoint answered ${status}${oauthError ? ` (${oauthError})` : ''}`);
    this.name = 'OAuthEndpointError';
  }
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}, dispatcher?: Dispatcher): Promise<{ status: number; json: any }> {
  try {
    const res = await request(url, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    const text = await res.body.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json };
  } catch {
    throw new OAuthEndpointError(0, null);
  }
}

function tokensFrom(answer: TokenEndpointAnswer, opts: { keepRefresh: boolean; previousRefresh?: string | null }): OAuthCredentials {
  if (!answer.access_token) throw new OAuthEndpointError(200, 'no access_token in the answer');
  return {
    kind: 'oauth',
    accessToken: answer.access_token,
    refreshToken: opts.keepRefresh ? (answer.refresh_token ?? opts.previousRefresh ?? null) : null,
    expiresAt: typeof answer.expires_in === 'number' ? Date.now() + answer.expires_in * 1000 : null,
    scopes: answer.scope ? answer.scope.split(' ').filter(Boolean) : undefined,
  };
}

/**
 * Exchanges an authorization code (with its PKCE verifier) at the token URL. Setup tokens are
 * long-lived and inference-only: their refresh token is not kept, so they are never refreshed.
 */
export async function exchangeAuthorizationCode(
  ep: ClaudeOAuthEndpoints,
  p: { code: string; codeVerifier: string; state: string; setupToken: boolean },
): Promise<OAuthCredentials> {
  const { status, json } = await postJson(ep.tokenUrl, {
    grant_type: 'authorization_code',
    client_id: ep.clientId,
    code: p.code,
    redirect_uri: ep.redirectUri,
    code_verifier: p.codeVerifier,
    state: p.state,
    ...(p.setupToken ? { expires_in: SETUP_TOKEN_LIFETIME_SECONDS } : {}),
  });
  if (status !== 200) throw new OAuthEndpointError(status, typeof json?.error === 'string' ? json.error : null);
  return tokensFrom(json as TokenEndpointAnswer, { keepRefresh: !p.setupToken });
}

/** A refreshed access token whose answer names no lifetime is taken to last this long (as the proxies assume). */
export const ASSUMED_TOKEN_LIFETIME_SECONDS = 3600;

/**
 * Trades a refresh token for new tokens (the refresh token may rotate), through `dispatcher` — the
 * account's egress proxy — when given.
 */
export async function refreshOAuthTokens(p: { tokenUrl: string; clientId: string }, refreshToken: string, dispatcher?: Dispatcher): Promise<OAuthCredentials> {
  const { status, json } = await postJson(p.tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: p.clientId }, {}, dispatcher);
  if (status !== 200) throw new OAuthEndpointError(status, typeof json?.error === 'string' ? json.error : null);
  const answer = json as TokenEndpointAnswer;
  return tokensFrom({ expires_in: ASSUMED_TOKEN_LIFETIME_SECONDS, ...answer }, { keepRefresh: true, previousRefresh: refreshToken });
}

function sessionCookie(sessionKey: string): Record<string, string> {
  return { cookie: `sessionKey=${sessionKey}` };
}

/**
 * The claude.ai cookie flow, which gets an authorization code without a browser: find the
 * account's organization that can chat, then ask claude.ai to authorize our PKCE challenge for it.
 * Returns the code taken from the redirect URI claude.ai answers with.
 */
export async function authorizeWithSessionKey(
  ep: ClaudeOAuthEndpoints,
  sessionKey: string,
  p: { challenge: string; state: string; scope: string },
): Promise<string> {
  const base = ep.claudeAiBaseUrl.replace(/\/+$/, '');
  let orgs: any;
  try {
    const res = await request(`${base}/api/organizations`, {
      method: 'GET',
      headers: { accept: 'application/json', ...sessionCookie(sessionKey) },
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    const text = await res.body.text();
    if (res.statusCode === 401 || res.statusCode === 403) throw errors.badInput('sessionKey', 'claude.ai did not accept this session key');
    if (res.statusCode !== 200) throw new OAuthEndpointError(res.statusCode, null);
    orgs = JSON.parse(text);
  } catch (e) {
    if (e instanceof OAuthEndpointError || e instanceof DomainError) throw e;
    throw new OAuthEndpointError(0, null);
  }
  const list: { uuid?: string; capabilities?: string[] }[] = Array.isArray(orgs) ? orgs : [];
  const org = list.find((o) => o.uuid && o.capabilities?.includes('chat')) ?? list.find((o) => o.uuid);
  if (!org?.uuid) throw errors.badInput('sessionKey', 'this claude.ai session has no organization');

  const { status, json } = await postJson(
    `${base}/v1/oauth/${encodeURIComponent(org.uuid)}/authorize`,
    {
      response_type: 'code', client_id: ep.clientId, organization_uuid: org.uuid, redirect_uri: ep.redirectUri,
      scope: p.scope, state: p.state, code_challenge: p.challenge, code_challenge_method: 'S256',
    },
    sessionCookie(sessionKey),
  );
  if (status === 401 || status === 403) throw errors.badInput('sessionKey', 'claude.ai did not accept this session key');
  if (status !== 200 || typeof json?.redirect_uri !== 'string') throw new OAuthEndpointError(status, null);
  const code = new URL(json.redirect_uri).searchParams.get('code');
  if (!code) throw new OAuthEndpointError(status, 'no code in the redirect URI');
  return code;
}
