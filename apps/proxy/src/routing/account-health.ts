import { hotChannels, hotKeys, type ProxyEvent } from '@relay/core';
import type { HotStore, Unsubscribe } from '@relay/hot-store';
import type { Logger } from '../logger.ts';
import type { SnapshotIndex } from '../snapshot/snapshot-index.ts';

const AUTH_FAILURE_WINDOW_MS = 3600_000;
/** An account reported ERROR rests this long locally until the control plane's snapshot says so. */
const AUTH_DISABLED_COOLDOWN_MS = 3600_000;

/**
 * What this proxy knows about account health, in memory: cooldowns (fed by this proxy's own
 * failures, the `cooldowns` channel and the cooldown keys at each snapshot), and when each
 * account was last used (least-recently-used ordering).
 */
export class AccountHealth {
  private readonly cooldowns = new Map<string, number>();
  private readonly lastUsed = new Map<string, number>();
  private unsubscribe: Unsubscribe | null = null;

  constructor(private readonly store: HotStore, private readonly authFailureThreshold: number, private readonly logger: Logger) {}

  async start(): Promise<void> {
    try {
      this.unsubscribe = await this.store.subscribe(hotChannels.cooldowns, (msg) => {
        try {
          const { accountId, until } = JSON.parse(msg) as { accountId: string; until: number };
          if (until > (this.cooldowns.get(accountId) ?? 0)) this.cooldowns.set(accountId, until);
        } catch {}
      });
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'cooldown subscription failed');
    }
  }

  /** Loads the stored cooldowns of a snapshot's accounts (one MGET per snapshot version). */
  async syncFromStore(index: SnapshotIndex): Promise<void> {
    const ids = [...index.accountsById.keys()];
    if (ids.length === 0) return;
    try {
      const vals = await this.store.mget(ids.map((id) => hotKeys.accountCooldown(id)));
      ids.forEach((id, i) => {
        const until = Number(vals[i]);
        if (Number.isFinite(until) && until > Date.now()) this.cooldowns.set(id, until);
      });
    } catch {}
  }

  isCoolingDown(accountId: string, now: number): boolean {
    const until = this.cooldowns.get(accountId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.cooldowns.delete(accountId);
    return false;
  }

  activeCooldowns(now: number): number {
    let n = 0;
    for (const until of this.cooldowns.values()) if (until > now) n++;
    return n;
  }

  lastUsedAt(accountId: string): number {
    return this.lastUsed.get(accountId) ?? 0;
  }

  markUsed(accountId: string, now: number): void {
    this.lastUsed.set(accountId, now);
  }

  /** Cools an account down until `until` (epoch ms): in memory now, in the store and on the channel for every proxy. */
  async markCooldown(accountId: string, until: number, reason: string): Promise<void> {
    const now = Date.now();
    if (until <= now) return;
    if (until > (this.cooldowns.get(accountId) ?? 0)) this.cooldowns.set(accountId, until);
    try {
      await Promise.all([
        this.store.set(hotKeys.accountCooldown(accountId), String(until), until - now),
        this.store.publish(hotChannels.cooldowns, JSON.stringify({ accountId, until, reason })),
      ]);
    } catch {}
  }

  /**
   * Counts an upstream 401/403. At the threshold the account is reported ERROR to the control
   * plane (ProxyEvent on the proxy-events stream) and rested here until the snapshot reflects it.
   */
  async recordAuthFailure(accountId: string, status: number): Promise<void> {
    try {
      const n = await this.store.incr(hotKeys.accountAuthFailures(accountId), 1, AUTH_FAILURE_WINDOW_MS);
      if (n !== this.authFailureThreshold) return;
      const reason = `upstream answered ${status} ${n} times`;
      const ev: ProxyEvent = { type: 'account.status', accountId, status: 'ERROR', reason, at: Date.now() };
      await this.store.streamAdd(hotKeys.proxyEventStream, JSON.stringify(ev));
      await this.markCooldown(accountId, Date.now() + AUTH_DISABLED_COOLDOWN_MS, reason);
    } catch {}
  }

  async close(): Promise<void> {
    if (this.unsubscribe) await this.unsubscribe().catch(() => undefined);
  }
}
