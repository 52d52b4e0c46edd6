import { AccessToken, Session, User } from '@relay/db';
import { generateToken } from '@relay/core';
import { errors } from '../../graphql/errors.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import { LoginThrottle } from './login-throttle.ts';
import { revokeAccessTokensOf, tokenHash } from './auth.tokens.ts';
import { actingUser, runMutation, type ServiceContext } from '../../service-context.ts';

const WRONG_LOGIN = 'Wrong username or password';

/** Login sessions, password changes and personal access tokens. */
export class AuthService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly ctx: ServiceContext) {
    const { config, store } = ctx.services;
    this.throttle = new LoginThrottle(store, {
      freeAttempts: config.loginRateLimit,
      maxWaitMs: config.loginBackoffMaxSeconds * 1000,
      memoryMs: config.loginRateWindowMinutes * 60_000,
    });
  }

  /** The caller's network address and client, as far as the request told (none for a system actor). */
  private get origin(): { ip: string | null; userAgent: string | null } {
    const a = this.ctx.actor;
    return a.kind === 'caller' ? { ip: a.ip, userAgent: a.userAgent } : { ip: null, userAgent: null };
  }

  /**
   * Checks the password and opens a session. Repeated failures for one username from one address
   * make the next attempt from that address wait (LIMIT_EXCEEDED, reason LOGIN_THROTTLED, with
   * retryAfterSeconds); each throttled attempt is audited.
   */
  async login(username: string, password: string): Promise<{ token: string; expiresAt: Date; user: User }> {
    const wait = await this.throttle.claimAttempt(username, this.origin.ip);
    if (wait) {
      const retryAfterSeconds = Math.ceil(wait.retryAfterMs / 1000);
      this.ctx.services.metrics.loginThrottles.inc();
      await runMutation(this.ctx, async (tx) => {
        tx.audit({ action: 'auth.login_throttled', targetType: 'user', targetId: username.slice(0, 64), after: { username, retryAfterSeconds } });
      });
      throw errors.limitExceeded(`Too many failed logins for this user from your address; try again in ${retryAfterSeconds} s`, {
        reason: 'LOGIN_THROTTLED',
        retryAfterSeconds,
      });
    }
    const user = await this.ctx.em.findOne(User, { username });
    // Hash even for an unknown name, so response time does not reveal which names exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok || user.status !== 'ACTIVE') throw errors.unauthenticated(WRONG_LOGIN);
    await this.throttle.succeeded(username, this.origin.ip);
    const token = generateToken('sess');
    const now = new Date();
    const session = new Session();
    session.user = user;
    session.tokenHash = tokenHash(token);
    session.expiresAt = new Date(now.getTime() + this.ctx.services.config.sessionTtlHours * 3_600_000);
    session.lastSeenAt = now;
    session.ip = this.origin.ip;
    session.userAgent = this.origin.userAgent?.slice(0, 512) ?? null;
    this.ctx.em.persist(session);
    await this.ctx.em.flush();
    return { token, expiresAt: session.expiresAt, user };
  }

  /** Ends the credential this request came with: the login session, or the personal access token (revoked). */
  async logout(): Promise<boolean> {
    const me = actingUser(this.ctx.actor);
    if (me?.sessionId) {
      await this.ctx.em.nativeDelete(Session, { id: me.sessionId });
      return true;
    }
    const tokenId = me?.accessTokenId;
    if (tokenId) {
      return runMutation(this.ctx, async (tx) => {
        const revokedAt = new Date();
        const n = await tx.em.nativeUpdate(AccessToken, { id: tokenId, revokedAt: null }, { revokedAt });
        if (n) tx.audit({ action: 'access_token.revoke', targetType: 'access_token', targetId: tokenId, after: { revokedAt, via: 'logout' } });
        return n > 0;
      });
    }
    return false;
  }

  async me(): Promise<User> {
    const me = actingUser(this.ctx.actor);
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
    const passwordHash = await hashPassword(newPassword);
    const keep = actingUser(this.ctx.actor)?.sessionId;
    return runMutation(this.ctx, async (tx) => {
      const row = await tx.em.findOneOrFail(User, { id: user.id });
      row.passwordHash = passwordHash;
      await tx.em.nativeDelete(Session, keep ? { user: user.id, id: { $ne: keep } } : { user: user.id });
      const accessTokensRevoked = keepAccessTokens ? 0 : await revokeAccessTokensOf(tx.em, user.id);
      tx.audit({ action: 'auth.change_password', targetType: 'user', targetId: user.id, after: { password: 'changed', accessTokensRevoked } });
      return true;
    });
  }

  /** Creates a personal access token. Only from a login session: a token must not mint tokens that outlive it. */
  async createAccessToken(name: string, expiresAt: Date | null | undefined): Promise<{ token: string; accessToken: AccessToken }> {
    const caller = actingUser(this.ctx.actor);
    if (caller && caller.via !== 'session') throw errors.forbidden('Access tokens can only be created from a login session, not with another access token');
    const me = await this.me();
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw errors.badInput('expiresAt', 'must be in the future');
    const token = generateToken('pat');
    const accessToken = await runMutation(this.ctx, async (tx) => {
      const pat = new AccessToken();
      pat.user = tx.em.getReference(User, me.id);
      pat.name = name;
      pat.tokenHash = tokenHash(token);
      pat.tokenPrefix = token.slice(0, 12);
      pat.expiresAt = expiresAt ?? null;
      tx.em.persist(pat);
      // The id is needed for the audit row; the insert stays inside the transaction.
      await tx.em.flush();
      tx.audit({ action: 'access_token.create', targetType: 'access_token', targetId: pat.id, after: { name, expiresAt: pat.expiresAt } });
      return pat;
    });
    return { token, accessToken };
  }

  /** The caller's tokens, newest first (revoked ones included, marked). */
  async listAccessTokens(): Promise<AccessToken[]> {
    const me = actingUser(this.ctx.actor);
    if (!me) throw errors.unauthenticated();
    return this.ctx.em.find(AccessToken, { user: me.id }, { orderBy: { id: 'desc' } });
  }

  async revokeAccessToken(id: number): Promise<AccessToken> {
    const me = actingUser(this.ctx.actor);
    if (!me) throw errors.unauthenticated();
    return runMutation(this.ctx, async (tx) => {
      const pat = await tx.em.findOne(AccessToken, { id, user: me.id });
      if (!pat) throw errors.notFound('Access token', id);
      if (!pat.revokedAt) {
        pat.revokedAt = new Date();
        tx.audit({ action: 'access_token.revoke', targetType: 'access_token', targetId: id, after: { name: pat.name, revokedAt: pat.revokedAt } });
      }
      return pat;
    });
  }
}
