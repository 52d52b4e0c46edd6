import { hotChannels, hotKeys, type ProxyEvent } from '@relay/core';
import type { HotStore, Unsubscribe } from '@relay/hot-store';
import type { Logger } from '../logger.ts';
import type { SnapshotIndex } from '../snapshot/snapshot-index.ts';
import { CircuitBreaker, type BreakerPolicy, type BreakerTicket } from './circuit-breaker.ts';

const AUTH_FAILURE_WINDOW_MS = 3600_000;
/** An account reported ERROR rests this long locally until the control plane's snapshot says so. */
const AUTH_DISABLED_COOLDOWN_MS = 3600_000;

/** How an upstream attempt went, for the account's circuit breaker. */
export type AttemptVerdict =
  /** The upstream answered (2xx, or a 4xx about the request): it is reachable. */
  | 'success'
  /** Connect error, 5xx or timeout. */
  | 'failure'
  /** Says nothing about reachability (the client left, 429/529 and 401/403 have their own handling). */
  | 'none';

interface CooldownMessage {
  accountId: string;
  until?: number;
  reason?: string;
  breaker?: 'open' | 'closed';
  /** The control plane's health probe recovered the account: forget its cooldown and breaker. */
  cleared?: boolean;
}

/**
 * What this proxy knows about account health, in memory: cooldowns (fed by this proxy's own
 * failures, the `cooldowns` channel and the cooldown keys at each snapshot), one circuit breaker
 * per account, and when each account was last used (least-recently-used ordering). A breaker
 * that opens is announced like a cooldown, so every proxy stops using the account; after it the
 * one probe is claimed in the hot store (at most one across proxies; per proxy when the store is
 * down), and its success is announced so every proxy closes the breaker.
 */
export class AccountHealth {
  private readonly cooldowns = new Map<string, number>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly lastUsed = new Map<string, number>();
  private unsubscribe: Unsubscribe | null = null;

  constructor(
    private readonly store: HotStore,
    private readonly authFailureThreshold: number,
    private readonly logger: Logger,
    private readonly breakerPolicy: BreakerPolicy = { failureThreshold: 3, openMs: 30_000, probeTimeoutMs: 600_000 },
  ) {}

  async start(): Promise<void> {
    try {
      this.unsubscribe = await this.store.subscribe(hotChannels.cooldowns, (msg) => {
        try {
          const { accountId, until, breaker, cleared } = JSON.parse(msg) as CooldownMessage;
          if (cleared) {
            this.cooldowns.delete(accountId);
            this.breakers.get(accountId)?.close();
            return;
          }
          if (breaker === 'closed') {
            this.breakers.get(accountId)?.close();
            return;
          }
          if (typeof until !== 'number') return;
          if (until > (this.cooldowns.get(accountId) ?? 0)) this.cooldowns.set(accountId, until);
          if (breaker === 'open') this.breaker(accountId).open(until);
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
        if (Number.isFinite(until) && until > Date.now()) {
          this.cooldowns.set(id, until);
          this.breaker(id).open(until);
        }
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

  /** Whether the account may be offered to a request: not cooling down, breaker closed or its probe slot free. */
  isAvailable(accountId: string, now: number): boolean {
    if (this.isCoolingDown(accountId, now)) return false;
    return this.breakers.get(accountId)?.canAdmit(now) ?? true;
  }

  /**
   * When the account can be offered again: `now` when it is available, else the end of its cooldown
   * or open breaker, whichever is later; null when that is unknown (a half-open breaker's probe is out).
   */
  availableFrom(accountId: string, now: number): number | null {
    const cooling = this.cooldowns.get(accountId);
    const after = cooling !== undefined && cooling > now ? cooling : now;
    const b = this.breakers.get(accountId);
    return b ? b.admitsFrom(after) : after;
  }

  /**
   * Admits one attempt on an account: `pass` while its breaker is closed (no store round trip),
   * `probe` for the single request let through a half-open breaker (claimed in the hot store so
   * one probe runs across all proxies), null when the account must be skipped.
   */
  async admit(accountId: string, requestId: string, now: number): Promise<BreakerTicket | null> {
    const b = this.breakers.get(accountId);
    if (!b) return 'pass';
    const ticket = b.admit(now);
    if (ticket !== 'probe') return ticket;
    try {
      if (await this.store.setIfAbsent(hotKeys.accountProbe(accountId), requestId, this.breakerPolicy.probeTimeoutMs)) return ticket;
    } catch {
      return ticket; // store down: one probe per proxy
    }
    b.release(ticket);
    return null;
  }

  /** Reports how an admitted attempt went; opening and a probe's success are announced to every proxy. */
  async report(accountId: string, requestId: string, ticket: BreakerTicket, verdict: AttemptVerdict): Promise<void> {
    const b = this.breaker(accountId);
    const now = Date.now();
    if (verdict === 'success') b.onSuccess(ticket);
    else if (verdict === 'failure') {
      if (b.onFailure(ticket, now)) {
        const until = now + this.breakerPolicy.openMs;
        await this.markCooldown(accountId, until, ticket === 'probe' ? 'circuit breaker probe failed' : 'circuit breaker opened');
      }
    } else b.release(ticket);
    if (ticket !== 'probe') return;
    try {
      await this.store.delIfEquals(hotKeys.accountProbe(accountId), requestId);
      if (verdict === 'success') await this.store.publish(hotChannels.cooldowns, JSON.stringify({ accountId, breaker: 'closed' } satisfies CooldownMessage));
    } catch {}
  }

  private breaker(accountId: string): CircuitBreaker {
    let b = this.breakers.get(accountId);
    if (!b) {
      b = new CircuitBreaker(this.breakerPolicy);
      this.breakers.set(accountId, b);
    }
    return b;
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

  /**
   * Cools an account down until `until` (epoch ms): in memory now, in the store and on the channel
   * for every proxy. Every cooldown (a breaker that opened, 429/529, a reset time, auth failures)
   * opens the account's breaker until then, so it ends half-open: one probe request, claimed across
   * proxies, before the account takes traffic again.
   */
  async markCooldown(accountId: string, until: number, reason: string): Promise<void> {
    const now = Date.now();
    if (until <= now) return;
    if (until > (this.cooldowns.get(accountId) ?? 0)) this.cooldowns.set(accountId, until);
    this.breaker(accountId).open(until);
    try {
      await Promise.all([
        this.store.set(hotKeys.accountCooldown(accountId), String(until), until - now),
        this.store.publish(hotChannels.cooldowns, JSON.stringify({ accountId, until, reason, breaker: 'open' } satisfies CooldownMessage)),
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
