// A fake Claude OAuth authorization server: PKCE authorization codes, token exchange with refresh
// rotation, and the claude.ai cookie (sessionKey) flow that obtains a code without a browser.
import { createHash } from 'node:crypto';
import { randomId, type RenderedBody } from './reply-plan.ts';

const JSON_TYPE = 'application/json';
const DEFAULT_SCOPE = 'user:inference user:profile';
const DEFAULT_LIFETIME_SECONDS = 28_800;

interface AuthCode { challenge: string; scope: string }
/** A token pair as issued. */
export interface IssuedTokens { accessToken: string; refreshToken: string; expiresIn: number }

function json(status: number, body: unknown): RenderedBody {
  return { status, body: JSON.stringify(body), contentType: JSON_TYPE };
}

function oauthError(status: number, error: string, description: string): RenderedBody {
  return json(status, { error, error_description: description });
}

/** base64url(sha256(verifier)), the S256 PKCE challenge. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Parses a token request body sent as JSON or as application/x-www-form-urlencoded. */
function parseParams(rawBody: string, parsedJson: any): Record<string, string> {
  if (parsedJson && typeof parsedJson === 'object') {
    return Object.fromEntries(Object.entries(parsedJson).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(rawBody));
}

function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** State of the fake authorization server; one per mock upstream. */
export class FakeOAuthServer {
  readonly tokens: IssuedTokens[] = [];
  private codes = new Map<string, AuthCode>();
  private liveRefreshTokens = new Map<string, string>(); // refresh token → scope
  private sessionKeys = new Set<string>();
  private lifetimeSeconds = DEFAULT_LIFETIME_SECONDS;
  readonly organizationUuid = '3f6c2a52-9c1e-4d8a-8f4b-5a1d0e7c9b21';
  readonly accountUuid = '8a1b7c3d-2e4f-4a6b-9c8d-0e1f2a3b4c5d';

  issueAuthCode(codeChallenge: string, opts?: { scope?: string }): string {
    const code = `code_${randomId(18)}`;
    this.codes.set(code, { challenge: codeChallenge, scope: opts?.scope ?? DEFAULT_SCOPE });
    return code;
  }

  addSessionKey(sessionKey: string): void {
    this.sessionKeys.add(sessionKey);
  }

  setTokenLifetime(seconds: number): void {
    this.lifetimeSeconds = seconds;
  }

  /** Forgets codes, tokens, session keys and the lifetime override. */
  reset(): void {
    this.codes.clear();
    this.liveRefreshTokens.clear();
    this.sessionKeys.clear();
    this.tokens.length = 0;
    this.lifetimeSeconds = DEFAULT_LIFETIME_SECONDS;
  }

  /** Answers an OAuth route (paths listed in MOCK_API.md). */
  handle(method: string, path: string, headers: Record<string, string>, rawBody: string, body: any, query: Record<string, string>): RenderedBody {
    if (path === '/v1/oauth/token' && method === 'POST') return this.token(parseParams(rawBody, body));
    if (path === '/oauth/authorize' && method === 'GET') return this.authorizePage(query);
    if (path === '/api/organizations' && method === 'GET') return this.organizations(headers);
    const cookieAuthorize = /^\/v1\/oauth\/([^/]+)\/authorize$/.exec(path);
    if (cookieAuthorize && method === 'POST') return this.cookieAuthorize(decodeURIComponent(cookieAuthorize[1]), headers, parseParams(rawBody, body));
    return oauthError(405, 'invalid_request', 'method not allowed');
  }

  private issueTokens(scope: string): RenderedBody {
    const issued: IssuedTokens = {
      accessToken: `sk-ant-oat01-${randomId(32)}`,
      refreshToken: `sk-ant-ort01-${randomId(32)}`,
      expiresIn: this.lifetimeSeconds,
    };
    this.tokens.push(issued);
    this.liveRefreshTokens.set(issued.refreshToken, scope);
    return json(200, {
      token_type: 'Bearer',
      access_token: issued.accessToken,
      refresh_token: issued.refreshToken,
      expires_in: issued.expiresIn,
      scope,
      organization: { uuid: this.organizationUuid, name: 'Mock Org' },
      account: { uuid: this.accountUuid, email_address: 'mock@example.com' },
    });
  }

  private token(params: Record<string, string>): RenderedBody {
    if (!params.client_id) return oauthError(400, 'invalid_request', 'client_id is required');
    if (params.grant_type === 'authorization_code') {
      // Codes from the cookie flow arrive as "code#state" when copied from the callback page.
      const code = (params.code ?? '').split('#')[0];
      const entry = this.codes.get(code);
      if (!entry) return oauthError(400, 'invalid_grant', 'Invalid or already used authorization code');
      if (!params.code_verifier || pkceChallenge(params.code_verifier) !== entry.challenge) {
        return oauthError(400, 'invalid_grant', 'Invalid code verifier');
      }
      this.codes.delete(code);
      return this.issueTokens(entry.scope);
    }
    if (params.grant_type === 'refresh_token') {
      const scope = this.liveRefreshTokens.get(params.refresh_token ?? '');
      if (scope === undefined) return oauthError(400, 'invalid_grant', 'Invalid refresh token');
      this.liveRefreshTokens.delete(params.refresh_token);
      return this.issueTokens(scope);
    }
    return oauthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  private authorizePage(query: Record<string, string>): RenderedBody {
    const clientId = (query.client_id ?? '').replace(/[^\w-]/g, '');
    const html = `<!doctype html><html><head><title>Authorize</title></head><body><h1>Mock Claude authorization</h1><p>Client ${clientId} requests access.</p></body></html>`;
    return { status: 200, body: html, contentType: 'text/html; charset=utf-8' };
  }

  private sessionOk(headers: Record<string, string>): boolean {
    const key = cookieValue(headers.cookie, 'sessionKey');
    return key !== undefined && this.sessionKeys.has(key);
  }

  private organizations(headers: Record<string, string>): RenderedBody {
    if (!this.sessionOk(headers)) return json(403, { type: 'error', error: { type: 'permission_error', message: 'Invalid authorization' } });
    return json(200, [{ uuid: this.organizationUuid, name: 'Mock Org', capabilities: ['chat', 'claude_pro'] }]);
  }

  private cookieAuthorize(orgUuid: string, headers: Record<string, string>, params: Record<string, string>): RenderedBody {
    if (!this.sessionOk(headers)) return json(403, { type: 'error', error: { type: 'permission_error', message: 'Invalid authorization' } });
    if (orgUuid !== this.organizationUuid) return json(404, { type: 'error', error: { type: 'not_found_error', message: 'Organization not found' } });
    if (!params.code_challenge) return json(400, { type: 'error', error: { type: 'invalid_request_error', message: 'code_challenge is required' } });
    const code = this.issueAuthCode(params.code_challenge, { scope: params.scope || undefined });
    const redirect = new URL(params.redirect_uri || 'https://console.anthropic.com/oauth/code/callback');
    redirect.searchParams.set('code', code);
    if (params.state) redirect.searchParams.set('state', params.state);
    return json(200, { redirect_uri: redirect.toString() });
  }
}
