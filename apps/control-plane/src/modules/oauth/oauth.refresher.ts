import { createHash, randomBytes } from 'node:crypto';
import { Account } from '@relay/db';
import { hotKeys, type AccountCredentials } from '@relay/core';
import { sharedCredentialsKey, CLAUDE_OAUTH_CLIENT_ID, EgressDispatchers } from '@relay/upstreams';
import { runMutation, systemContext, type AppServices, type ServiceContext } from '../../service-context.ts';
import { OAuthEndpointError, refreshOAuthTokens, type OAuthCredentials } from './oauth.client.ts';
import { accountStatusAlert, alertEvents } from '../alerts/alert-events.ts';

/** Accounts whose access token expires within this window are refreshed. */
export const REFRESH_WITHIN_MS = 10 * 60_000;
const DEFAULT_INTERVAL_MS = 60_000;
/** Same lock TTL as the proxy's refresher: long enough for one token call. */
const LOCK_TTL_MS = 30_000;
/** Names this job as the system actor of its changes. */
const JOB = 'claude-token-refresher';

export type RefreshOutcome = 'refreshed' | 'fresh' | 'locked' | 'no-refresh-token' | 'failed' | 'gone';

/**
 * Control-plane side refresher for CLAUDE_OAUTH accounts: every interval it refreshes the tokens
 * that expire within ten minutes, so a quiet account never lapses. It takes the same hot-store
 * lock as the proxies (`hotKeys.accountRefreshLock`), re-reads the account inside the lock, and
 * reuses credentials a proxy already refreshed — so across every process one refresh happens per
 * expiry. New credentials are stored encrypted, shared with proxies under the proxies' shared
 * credentials key (the old refresh token stops working once rotated), audited, and published.
 */
export class ClaudeTokenRefresher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private closed = false;

  constructor(
    private readonly services: AppServices,
    private readonly opts: { intervalMs?: number; refreshWithinMs?: number } = {},
  ) {}

  /** Runs a pass now and then every interval (timer unref'd). */
  start(): void {
    const tick = () => {
      if (this.closed || this.running) return;
      this.running = this.runOnce()
        .catch((err) => this.services.logger.warn({ err }, 'claude token refresher: pass failed'))
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the active CLAUDE_OAUTH accounts; returns how many were refreshed. */
  async runOnce(): Promise<number> {
    const accounts = await systemContext(this.services, JOB).em.find(Account, { platform: 'claude-oauth', status: 'ACTIVE' });
    let refreshed = 0;
    for (const a of accounts) {
      const creds = this.decrypt(a);
      if (!creds || !this.expiresSoon(creds)) continue;
      if ((await this.refreshAccount(a.id)) === 'refreshed') refreshed++;
    }
    return refreshed;
  }

  private decrypt(a: Account): OAuthCredentials | null {
    try {
      const c = this.services.secretBox.decryptJson<AccountCredentials>(a.credentials);
      return c.kind === 'oauth' ? c : null;
    } catch {
      return null;
    }
  }

  /**
   * Due for a refresh: it expires within the window, or it has a refresh token but no expiry at
   * all (pasted tokens) — refreshed at the next pass, after which it carries the endpoint's expiry.
   */
  private expiresSoon(c: OAuthCredentials): boolean {
    if (c.refreshToken === null) return false;
    return c.expiresAt === null || c.expiresAt - Date.now() <= (this.opts.refreshWithinMs ?? REFRESH_WITHIN_MS);
  }

  /**
   * Refreshes one account if its token still expires soon once the lock is held — or whatever its
   * expiry with `force` (the upstream refused the token: the health probe's 401). 'locked' means
   * another process holds the lock (and is refreshing it).
   */
  async refreshAccount(accountId: number, opts: { force?: boolean } = {}): Promise<RefreshOutcome> {
    const { store, logger } = this.services;
    const lock = hotKeys.accountRefreshLock(String(accountId));
    const owner = randomBytes(8).toString('hex');
    if (!(await store.setIfAbsent(lock, owner, LOCK_TTL_MS))) return 'locked';
    try {
      // Re-read inside the lock: the holder before us may have refreshed it already.
      const ctx = systemContext(this.services, JOB);
      const account = await ctx.em.findOne(Account, { id: accountId });
      if (!account) return 'gone';
      const current = this.decrypt(account);
      if (!current || current.refreshToken === null) return 'no-refresh-token';
      if (!opts.force && !this.expiresSoon(current)) return 'fresh';

      let next = await this.sharedFromProxy(accountId);
      // Shared credentials that are the stored ones are nothing new (a forced refresh must replace them).
      if (next && next.accessToken === current.accessToken) next = null;
      const source = next ? 'proxy' : 'token-endpoint';
      if (!next) {
        // Through the account's egress proxy, like its traffic: the token is bound to where it is used.
        const egress = account.egressProxy ? this.services.secretBox.decrypt(account.egressProxy) : null;
        const dispatchers = egress ? new EgressDispatchers(10_000, { allowPrivate: this.services.config.allowPrivateUpstreams }) : null;
        try {
          next = await refreshOAuthTokens(
            { tokenUrl: account.settings?.tokenUrl ?? this.services.config.claudeOAuth.tokenUrl, clientId: account.settings?.clientId ?? CLAUDE_OAUTH_CLIENT_ID },
            current.refreshToken,
            dispatchers && egress ? dispatchers.forAccount({ id: String(account.id) }, egress) : undefined,
          );
        } catch (err) {
          await this.recordFailure(ctx, account, err);
          return 'failed';
        } finally {
          await dispatchers?.close();
        }
      }
      const box = this.services.secretBox.encryptJson(next);
      const tokenExpiresAt = next.expiresAt;
      await runMutation(ctx, async (tx) => {
        const row = await tx.em.findOneOrFail(Account, { id: accountId });
        row.credentials = box;
        tx.audit({
          action: 'account.credentials_refreshed', targetType: 'account', targetId: accountId,
          after: { source, tokenExpiresAt: tokenExpiresAt === null ? null : new Date(tokenExpiresAt).toISOString() },
        });
      });
      // Only once the new credentials are committed: share them with the proxies, then republish.
      if (source === 'token-endpoint') {
        const ttl = Math.max(1000, (tokenExpiresAt ?? Date.now() + 3600_000) - Date.now());
        await store.set(sharedCredentialsKey(String(accountId)), box, ttl);
      }
      await this.services.snapshots.requestRebuild();
      logger.info({ accountId, source }, 'claude oauth token refreshed');
      return 'refreshed';
    } finally {
      await store.delIfEquals(lock, owner).catch(() => undefined);
    }
  }

  /** Credentials a proxy refreshed and shared but the control plane has not persisted yet. */
  private async sharedFromProxy(accountId: number): Promise<OAuthCredentials | null> {
    const v = await this.services.store.get(sharedCredentialsKey(String(accountId)));
    if (!v) return null;
    try {
      const c = this.services.secretBox.decryptJson<AccountCredentials>(v);
      return c.kind === 'oauth' && !this.expiresSoon(c) ? c : null;
    } catch {
      return null;
    }
  }

  /** A refused refresh token takes the account out of service with the reason; a network error is only logged. */
  private async recordFailure(ctx: ServiceContext, account: Account, err: unknown): Promise<void> {
    const refused = err instanceof OAuthEndpointError && err.status >= 400 && err.status < 500;
    const status = err instanceof OAuthEndpointError ? err.status : null;
    this.services.logger.warn({ accountId: account.id, status }, 'claude oauth token refresh failed');
    // One alert per stored refresh token: a retry of the same failing refresh every minute is not news.
    const credentialsTag = createHash('sha256').update(account.credentials).digest('hex').slice(0, 16);
    await this.services.alerts.emit(alertEvents.oauthRefreshFailed({ accountId: account.id, accountName: account.name, reason: (err as Error).message.slice(0, 500), status, at: Date.now(), credentialsTag }));
    if (!refused) return;
    const alert = await runMutation(ctx, async (tx) => {
      const row = await tx.em.findOneOrFail(Account, { id: account.id });
      const before = { status: row.status, statusReason: row.statusReason };
      row.status = 'ERROR';
      row.statusReason = `OAuth refresh refused: ${(err as Error).message}`;
      tx.audit({ action: 'account.status_from_refresh', targetType: 'account', targetId: row.id, before, after: { status: row.status, statusReason: row.statusReason } });
      return accountStatusAlert(row, before.status, Date.now(), 'oauth-refresh');
    }, { republishSnapshot: true });
    // Queued after the commit: the alert never announces a change that rolled back.
    if (alert) await this.services.alerts.emit(alert);
  }
}

/** Starts the refresher for a control plane's services (call from the background jobs). */
export function startClaudeTokenRefresher(services: AppServices, opts?: { intervalMs?: number }): ClaudeTokenRefresher {
  const r = new ClaudeTokenRefresher(services, opts);
  r.start();
  return r;
}
