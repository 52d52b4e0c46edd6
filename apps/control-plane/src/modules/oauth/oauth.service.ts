import { randomBytes } from 'node:crypto';
import { OAuthSession, type Account } from '@relay/db';
import { maskSecret } from '@relay/core';
import { errors } from '../../graphql/errors.ts';
import { AccountsService } from '../accounts/accounts.service.ts';
import { validHttpUrl } from '../accounts/accounts.platforms.ts';
import {
  authorizeUrl, authorizeWithSessionKey, createPkce, exchangeAuthorizationCode, extractAuthorizationCode, OAuthEndpointError,
  OAUTH_SCOPE, SETUP_TOKEN_SCOPE, type OAuthCredentials,
} from './oauth.client.ts';
import type { ClaudeAccountInput } from './oauth.inputs.ts';
import { OAuthKind } from './oauth.types.ts';
import { requireActingUser, runMutation, type ServiceContext } from '../../service-context.ts';

/** How long an admin has to paste the code back. */
export const OAUTH_SESSION_TTL_MS = 10 * 60_000;

function scopeOf(kind: OAuthKind): string {
  return kind === OAuthKind.SETUP_TOKEN ? SETUP_TOKEN_SCOPE : OAUTH_SCOPE;
}

/** Turns a token-endpoint failure into an error naming what the admin can fix. */
function endpointFailure(e: unknown, field: string): never {
  if (e instanceof OAuthEndpointError) {
    if (e.status >= 400 && e.status < 500) throw errors.badInput(field, `was refused by the authorization server (${e.oauthError ?? `HTTP ${e.status}`})`);
    throw errors.badInput(field, `could not be checked: ${e.message}; try again`);
  }
  throw e;
}

/**
 * Claude subscription accounts through OAuth (authorization code + PKCE), the setup-token variant
 * (inference-only, long-lived, never refreshed) and the claude.ai cookie variant.
 */
export class ClaudeOAuthService {
  constructor(private readonly ctx: ServiceContext) {}

  private get endpoints() {
    return this.ctx.services.config.claudeOAuth;
  }

  /** Starts a flow: stores the PKCE verifier (encrypted) under a random session id for ten minutes. */
  async start(kind: OAuthKind): Promise<{ sessionId: string; authorizeUrl: string; expiresAt: Date }> {
    const userId = requireActingUser(this.ctx.actor).id;
    const { verifier, challenge } = createPkce();
    const state = randomBytes(24).toString('base64url');
    const scope = scopeOf(kind);
    const session = await runMutation(this.ctx, async (tx) => {
      // Expired sessions are useless; dropping them here keeps the table small without a job.
      await tx.em.nativeDelete(OAuthSession, { expiresAt: { $lt: new Date() } });
      const created = tx.em.create(OAuthSession, {
        id: randomBytes(24).toString('base64url'),
        kind: kind === OAuthKind.SETUP_TOKEN ? 'setup-token' : 'oauth',
        codeVerifier: this.ctx.services.secretBox.encrypt(verifier),
        state,
        redirectUri: this.endpoints.redirectUri,
        scope,
        createdBy: userId,
        expiresAt: new Date(Date.now() + OAUTH_SESSION_TTL_MS),
      });
      tx.audit({ action: 'account.oauth_start', targetType: 'oauth_session', after: { kind: created.kind, scope } });
      return created;
    });
    return { sessionId: session.id, authorizeUrl: authorizeUrl(this.endpoints, { challenge, state, scope }), expiresAt: session.expiresAt };
  }

  /** Exchanges the pasted code of a started flow and creates the account. The session is single-use. */
  async complete(sessionId: string, pastedCode: string, options: ClaudeAccountInput): Promise<Account> {
    const userId = requireActingUser(this.ctx.actor).id;
    const session = await this.ctx.em.findOne(OAuthSession, { id: sessionId });
    // Another admin's flow is as unknown to this caller as a made-up id.
    if (!session || session.createdBy !== userId) throw errors.notFound('OAuth session');
    if (session.expiresAt.getTime() < Date.now()) {
      await this.ctx.em.nativeDelete(OAuthSession, { id: sessionId });
      throw errors.badInput('sessionId', 'this authorization has expired (10 minutes); start again');
    }
    const code = extractAuthorizationCode(pastedCode);
    const codeVerifier = this.ctx.services.secretBox.decrypt(session.codeVerifier);
    const setupToken = session.kind === 'setup-token';
    let tokens: OAuthCredentials;
    try {
      tokens = await exchangeAuthorizationCode(this.endpoints, { code, codeVerifier, state: session.state, setupToken });
    } catch (e) {
      endpointFailure(e, 'code');
    }
    return this.createAccount(tokens, options, setupToken ? 'account.create_setup_token' : 'account.create_oauth', sessionId);
  }

  /** The cookie variant: a claude.ai sessionKey authorizes our PKCE challenge without a browser. */
  async fromSessionKey(sessionKey: string, kind: OAuthKind, options: ClaudeAccountInput): Promise<Account> {
    const key = sessionKey.trim();
    if (!/^[\w-]{8,512}$/.test(key)) throw errors.badInput('sessionKey', 'does not look like a claude.ai sessionKey cookie value');
    const { verifier, challenge } = createPkce();
    const state = randomBytes(24).toString('base64url');
    const setupToken = kind === OAuthKind.SETUP_TOKEN;
    let tokens: OAuthCredentials;
    try {
      const code = await authorizeWithSessionKey(this.endpoints, key, { challenge, state, scope: scopeOf(kind) });
      tokens = await exchangeAuthorizationCode(this.endpoints, { code, codeVerifier: verifier, state, setupToken });
    } catch (e) {
      endpointFailure(e, 'sessionKey');
    }
    return this.createAccount(tokens, options, setupToken ? 'account.create_setup_token' : 'account.create_oauth_cookie');
  }

  /** Creates the account; a pasted-code flow's session is deleted in the same transaction (single use). */
  private async createAccount(tokens: OAuthCredentials, options: ClaudeAccountInput, action: string, usedSessionId?: string): Promise<Account> {
    const baseUrl = options.baseUrl?.trim() ? validHttpUrl(options.baseUrl.trim(), 'baseUrl') : null;
    const accounts = new AccountsService(this.ctx);
    return runMutation(this.ctx, async (tx) => {
      if (usedSessionId) await tx.em.nativeDelete(OAuthSession, { id: usedSessionId });
      return accounts.insert(tx, 'claude-oauth', { credentials: tokens, credentialHint: maskSecret(tokens.accessToken)!, settings: {}, baseUrl }, options, action);
    }, { republishSnapshot: true });
  }
}
