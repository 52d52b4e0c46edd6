import { AccessToken, Session, User } from '@relay/db';
import { generateToken } from '@relay/core';
import type { AppContext } from '../../graphql/context.ts';
import { errors } from '../../graphql/errors.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import { LoginThrottle } from './login-throttle.ts';
import { revokeAccessTokensOf, tokenHash } from './auth.tokens.ts';

const WRONG_LOGIN = 'Wrong username or password';

/** Login sessions, password changes and personal access tokens. */
export class AuthService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly ctx: AppContext) {
    const { config } = ctx.services;
    this.throttle = new LoginThrottle(ctx.store, {
      freeAttempts: config.loginRateLimit,
      maxWaitMs: config.loginBackoffMaxSeconds * 1000,
      memoryMs: config.loginRateWindowMinutes * 60_000,
    });
  }

  /**
   * Checks the password and opens a session. Repeated failures for one username from one address
   * make the next attempt from that address wait (LIMIT_EXCEEDED, reason LOGIN_THROTTLED, with
   * retryAfterSeconds); each throttled attempt is audited.
   */
  async login(username: string, password: string): Promise<{ token: string; expiresAt: Date; user: User }> {
    const wait = await this.throttle.claimAttempt(username, this.ctx.ip);
    if (wait) {
      const retryAfterSeconds = Math.ceil(wait.retryAfterMs / 1000);
      await this.ctx.audit.record({ action: 'auth.login_throttled', targetType: 'user', targetId: username.slice(0, 64), after: { username, retryAfterSeconds } });
      throw errors.limitExceeded(`Too many failed logins for this user from your address; try again in ${retryAfterSeconds} s`, {
        reason: 'LOGIN_THROTTLED',
        retryAfterSeconds,
      });
    }
    const user = await this.ctx.em.findOne(User, { username });
    // Hash even for an unknown name, so response time does not reveal which names exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok || user.status !== 'ACTIVE') throw errors.unauthenticated(WRONG_LOGIN);
    await this.throttle.succeeded(username, this.ctx.ip);
    const token = generateToken('sess');
    const now = new Date();
    const session = new Session();
    session.user = user;
    session.tokenHash = tokenHash(token);
    session.expiresAt = new Date(now.getTime() + this.ctx.services.config.sessionTtlHours * 3_600_000);
    session.lastSeenAt = now;
    session.ip = this.ctx.ip;
    session.userAgent = this.ctx.userAgent?.slice(0, 512) ?? null;
    this.ctx.em.persist(session);
    await this.ctx.em.flush();
    return { token, expiresAt: session.expiresAt, user };
  }

  /** Ends the credential this request came with: the login session, or the personal access token (revoked). */
  async logout(): Promise<boolean> {
    const me = this.ctx.user;
    if (me?.sessionId) {
      await this.ctx.em.nativeDelete(Session, { id: me.sessionId });
      return true;
    }
    if (me?.accessTokenId) {
      const revokedAt = new Date();
      const n = await this.ctx.em.nativeUpdate(AccessToken, { id: me.accessTokenId, revokedAt: null }, { revokedAt });
      if (n) await this.ctx.audit.record({ action: 'access_token.revoke', targetType: 'access_token', targetId: me.accessTokenId, after: { revokedAt, via: 'logout' } });
      return n > 0;
    }
    return false;
  }

  async me(): Promise<User> {
    const me = this.ctx.user;
    if (!me) throw errors.unauthenticated();
    const user = await this.ctx.em.findOne(User, { id: me.id });
    if (!user) throw errors.unauthenticated();
    return user;
  }

  /**
   * Changes the caller's password and ends their other sessions; revokes their personal access
   * tokens too unless `keepAccessTokens` (a changed password usually means a leaked one).
   */
  async changePassword(oldPassword: string, newPassword: string, keepAccessTokens = false): Promise<boolean> {
    const user = await this.me();
    if (!(await verifyPassword(oldPassword, user.passwordHash))) throw errors.badInput('oldPassword', 'is not your current password');
    if (oldPassword === newPassword) throw errors.badInput('newPassword', 'must differ from the current password');
    user.passwordHash = await hashPassword(newPassword);
    await this.ctx.em.flush();
    const keep = this.ctx.user?.sessionId;
    await this.ctx.em.nativeDelete(Session, keep ? { user: user.id, id: { $ne: keep } } : { user: user.id });
    const accessTokensRevoked = keepAccessTokens ? 0 : await revokeAccessTokensOf(this.ctx.em, user.id);
    await this.ctx.audit.record({ action: 'auth.change_password', targetType: 'user', targetId: user.id, after: { password: 'changed', accessTokensRevoked } });
    return true;
  }

  /** Creates a personal access token. Only from a login session: a token must not mint tokens that outlive it. */
  async createAccessToken(name: string, expiresAt: Date | null | undefined): Promise<{ token: string; accessToken: AccessToken }> {
    if (this.ctx.user && this.ctx.user.via !== 'session') throw errors.forbidden('Access tokens can only be created from a login session, not with another access token');
    const me = await this.me();
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw errors.badInput('expiresAt', 'must be in the future');
    const token = generateToken('pat');
    const pat = new AccessToken();
    pat.user = me;
    pat.name = name;
    pat.tokenHash = tokenHash(token);
    pat.tokenPrefix = token.slice(0, 12);
    pat.expiresAt = expiresAt ?? null;
    this.ctx.em.persist(pat);
    await this.ctx.em.flush();
    await this.ctx.audit.record({ action: 'access_token.create', targetType: 'access_token', targetId: pat.id, after: { name, expiresAt: pat.expiresAt } });
    return { token, accessToken: pat };
  }

  /** The caller's tokens, newest first (revoked ones included, marked). */
  async listAccessTokens(): Promise<AccessToken[]> {
    const me = this.ctx.user;
    if (!me) throw errors.unauthenticated();
    return this.ctx.em.find(AccessToken, { user: me.id }, { orderBy: { id: 'desc' } });
  }

  async revokeAccessToken(id: number): Promise<AccessToken> {
    const me = this.ctx.user;
    if (!me) throw errors.unauthenticated();
    const pat = await this.ctx.em.findOne(AccessToken, { id, user: me.id });
    if (!pat) throw errors.notFound('Access token', id);
    if (!pat.revokedAt) {
      pat.revokedAt = new Date();
      await this.ctx.em.flush();
      await this.ctx.audit.record({ action: 'access_token.revoke', targetType: 'access_token', targetId: id, after: { name: pat.name, revokedAt: pat.revokedAt } });
    }
    return pat;
  }
}
