import type { IncomingHttpHeaders } from 'node:http';
import {
  decodeUsageWindows, encodeUsageWindows, hotChannels, hotKeys, parseUnifiedRateLimit, remainingWindowBp,
  type ProxyEvent, type SnapshotAccount, type UsageWindows,
} from '@relay/core';
import type { HotStore, Unsubscribe } from '@relay/hot-store';
import type { Logger } from '../logger.ts';
import type { SnapshotIndex } from '../snapshot/snapshot-index.ts';

interface WindowsMessage {
  accountId: string;
  fields: Record<string, string>;
}

/** What account selection reads: whether an account is paused and how much window it has left. */
export interface UsageWindowView {
  /** Epoch ms the account's pause ends, or null when it is not paused at `now`. */
  pausedUntil(accountId: string, now: number): number | null;
  /** Basis points left of its tighter window (10000 when nothing is known). */
  remainingBp(accountId: string, now: number): number;
}

/**
 * Claude subscription usage windows as this proxy knows them: read from the unified rate-limit
 * headers of every claude-oauth response, written to the account's hot-store hash and announced
 * on `acct:windows` so every proxy schedules by the same figures; loaded from the hashes at each
 * snapshot. An account whose unified status is `rejected` is paused until its reset (it then
 * resumes by itself: the pause is a time, nothing has to clear it); the pause and the first
 * answer after it are reported on the proxy-event stream for the control plane's alerts.
 */
export class UsageWindowTracker implements UsageWindowView {
  private readonly states = new Map<string, UsageWindows>();
  private unsubscribe: Unsubscribe | null = null;

  constructor(private readonly store: HotStore, private readonly logger: Logger) {}

  async start(): Promise<void> {
    try {
      this.unsubscribe = await this.store.subscribe(hotChannels.accountWindows, (msg) => {
        try {
          const { accountId, fields } = JSON.parse(msg) as WindowsMessage;
          const w = decodeUsageWindows(fields);
          if (w) this.remember(accountId, w);
        } catch {}
      });
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'usage-window subscription failed');
    }
  }

  /** Loads the stored windows of a snapshot's subscription accounts (one read per account, at each snapshot version). */
  async syncFromStore(index: SnapshotIndex): Promise<void> {
    const ids = index.snapshot.accounts.filter((a) => a.platform === 'claude-oauth').map((a) => a.id);
    try {
      const hashes = await Promise.all(ids.map((id) => this.store.getHash(hotKeys.accountWindows(id))));
      ids.forEach((id, i) => {
        const w = decodeUsageWindows(hashes[i] ?? {});
        if (w) this.remember(id, w);
      });
    } catch {}
  }

  /** Keeps the newer of two reports (a late message never rolls a state back). */
  private remember(accountId: string, w: UsageWindows): void {
    const cur = this.states.get(accountId);
    if (!cur || w.updatedAt >= cur.updatedAt) this.states.set(accountId, w);
  }

  get(accountId: string): UsageWindows | null {
    return this.states.get(accountId) ?? null;
  }

  pausedUntil(accountId: string, now: number): number | null {
    const until = this.states.get(accountId)?.pausedUntil ?? null;
    return until !== null && until > now ? until : null;
  }

  remainingBp(accountId: string, now: number): number {
    return remainingWindowBp(this.states.get(accountId) ?? null, now);
  }

  /** The earliest end of a pause among `accounts`, or null when none of them is paused. */
  earliestPauseEnd(accounts: SnapshotAccount[], now: number): number | null {
    let min: number | null = null;
    for (const a of accounts) {
      const until = this.pausedUntil(a.id, now);
      if (until !== null && (min === null || until < min)) min = until;
    }
    return min;
  }

  /**
   * Reads one upstream response's unified rate-limit headers (claude-oauth accounts only; any
   * status, 429 included). The local state changes at once — the next selection already sees a
   * pause — and the store write, announcement and proxy event follow.
   */
  record(account: SnapshotAccount, headers: IncomingHttpHeaders, now: number): Promise<void> {
    if (account.platform !== 'claude-oauth') return Promise.resolve();
    const next = parseUnifiedRateLimit(headers, now);
    if (!next) return Promise.resolve();
    const prev = this.states.get(account.id) ?? null;
    this.states.set(account.id, next);
    let event: ProxyEvent | null = null;
    if (next.pausedUntil !== null && prev?.pausedUntil !== next.pausedUntil) {
      const claim = next.representativeClaim ?? 'usage';
      event = { type: 'account.window', accountId: account.id, state: 'paused', until: next.pausedUntil, reason: `${claim} window used up (unified status rejected)`, at: now };
    } else if (next.pausedUntil === null && prev?.pausedUntil != null) {
      event = { type: 'account.window', accountId: account.id, state: 'resumed', until: prev.pausedUntil, reason: `served again (unified status ${next.status ?? 'unknown'})`, at: now };
    }
    return this.persist(account.id, next, event);
  }

  private async persist(accountId: string, w: UsageWindows, event: ProxyEvent | null): Promise<void> {
    const fields = encodeUsageWindows(w);
    try {
      await this.store.setHashFields(hotKeys.accountWindows(accountId), fields);
      await this.store.publish(hotChannels.accountWindows, JSON.stringify({ accountId, fields } satisfies WindowsMessage));
      if (event) await this.store.streamAdd(hotKeys.proxyEventStream, JSON.stringify(event));
    } catch (e) {
      this.logger.warn({ err: String(e), accountId }, 'usage windows not stored');
    }
  }

  async close(): Promise<void> {
    if (this.unsubscribe) await this.unsubscribe().catch(() => undefined);
  }
}
