import type { IncomingHttpHeaders } from 'node:http';
import {
  decodeUsageWindows, encodeUsageWindows, hasUnifiedRateLimitHeaders, hotChannels, hotKeys, parseUnifiedRateLimit, parseUsageLimitReset, remainingWindowBp,
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
 * headers of every claude-oauth response (and from the body of a 429 that has none), written to the account's hot-store hash and announced
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

  /**
   * Reads one upstream response's unified rate-limit headers (claude-oauth accounts only; any
   * status, 429 included). The local state changes at once — the next selection already sees a
   * pause — and the store write, announcement and proxy event follow.
   */
  record(account: SnapshotAccount, headers: IncomingHttpHeaders, now: number): Promise<void> {
    if (account.platform !== 'claude-oauth') return Promise.resolve();
    const next = parseUnifiedRateLimit(headers, now);
    if (!next) return Promise.resolve();
    return this.update(account.id, next, now, `${next.representativeClaim ?? 'usage'} window used up (unified status rejected)`);
  }

  /** Whether this response's error body must be read for a usage limit: a claude-oauth 429 without unified headers. */
  wantsLimitBody(account: SnapshotAccount, status: number, headers: IncomingHttpHeaders): boolean {
    return account.platform === 'claude-oauth' && status === 429 && !hasUnifiedRateLimitHeaders(headers);
  }

  /**
   * Reads such a 429's error body: `usage limit reached|<epoch>` pauses the account until then,
   * exactly as a `rejected` status would (same hash, announcement and proxy event); the windows
   * already known are kept. Returns the pause's end (the local state has it at once; the store
   * write follows), or null when the body names none — the 429 is then an ordinary cooldown.
   */
  recordLimitBody(account: SnapshotAccount, body: string, now: number): number | null {
    const until = parseUsageLimitReset(body, now);
    if (until === null) return null;
    const prev = this.states.get(account.id) ?? null;
    const next: UsageWindows = {
      fiveHour: prev?.fiveHour ?? null, sevenDay: prev?.sevenDay ?? null, status: 'rejected', resetsAt: until,
      representativeClaim: prev?.representativeClaim ?? null, pausedUntil: until, updatedAt: now,
    };
    void this.update(account.id, next, now, 'usage limit reached (429 body)');
    return until;
  }

  /** Replaces an account's state; a new pause or the end of one goes on the proxy-event stream. */
  private update(accountId: string, next: UsageWindows, now: number, pauseReason: string): Promise<void> {
    const prev = this.states.get(accountId) ?? null;
    // Most responses repeat the figures every proxy already has: no store write, no broadcast. The
    // state is still rewritten once a minute, so a store that restarted empty gets it back.
    if (prev && now - prev.updatedAt < REWRITE_UNCHANGED_MS && sameWindows(prev, next)) return Promise.resolve();
    this.states.set(accountId, next);
    let event: ProxyEvent | null = null;
    if (next.pausedUntil !== null && prev?.pausedUntil !== next.pausedUntil) {
      event = { type: 'account.window', accountId, state: 'paused', until: next.pausedUntil, reason: pauseReason, at: now };
    } else if (next.pausedUntil === null && prev?.pausedUntil != null) {
      event = { type: 'account.window', accountId, state: 'resumed', until: prev.pausedUntil, reason: `served again (unified status ${next.status ?? 'unknown'})`, at: now };
    }
    return this.persist(accountId, next, event);
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

/** An unchanged state is written again after this long (a store restarted empty is refilled). */
const REWRITE_UNCHANGED_MS = 60_000;

/** Whether two states say the same thing (everything but when they were seen). */
function sameWindows(a: UsageWindows, b: UsageWindows): boolean {
  const ea = encodeUsageWindows({ ...a, updatedAt: 0 });
  const eb = encodeUsageWindows({ ...b, updatedAt: 0 });
  return Object.keys(ea).every((k) => ea[k] === eb[k]);
}
