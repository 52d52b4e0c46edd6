import { hotKeys } from '@relay/core';
import type { HotStore } from '@relay/hot-store';

/** A login attempt that must wait, and for how long (ms, > 0). */
export interface LoginWait {
  retryAfterMs: number;
}

/**
 * Failed-login backoff per (username, client address), in the hot store so every control plane
 * shares it. The first `freeAttempts` failures cost nothing; from then on each attempt opens a
 * wait of 1 s, 2 s, 4 s … (`firstWaitMs`, doubling, capped at `maxWaitMs`) that the next attempt from that address for that
 * username must sit out. Never a lockout: the right password from another address, or after the
 * wait, logs in — so nobody can lock an account (admin included) or everyone behind one address
 * by guessing wrong on purpose. Failures are forgotten `memoryMs` after the first one, or at a
 * successful login.
 */
export class LoginThrottle {
  constructor(
    private readonly store: HotStore,
    private readonly opts: { freeAttempts: number; maxWaitMs: number; memoryMs: number; firstWaitMs?: number },
  ) {}

  private keys(username: string, ip: string | null) {
    const who = username.toLowerCase();
    const from = ip ?? 'unknown';
    return { failures: hotKeys.loginFailures(who, from), waitUntil: hotKeys.loginWaitUntil(who, from) };
  }

  private async waitLeft(key: string, now: number): Promise<LoginWait> {
    const until = Number((await this.store.get(key)) ?? 0);
    // Gone meanwhile (expired between the two reads): a moment is enough.
    return { retryAfterMs: Math.max(1, until - now) };
  }

  /**
   * Claims one attempt before the password is checked: null when it may go ahead, else how long to
   * wait (and nothing is counted). The attempt counts as a failure until `succeeded` clears it, so
   * parallel guesses cannot all slip through before the first failure is recorded.
   */
  async claimAttempt(username: string, ip: string | null, now = Date.now()): Promise<LoginWait | null> {
    const k = this.keys(username, ip);
    const until = Number((await this.store.get(k.waitUntil)) ?? 0);
    if (until > now) return { retryAfterMs: until - now };
    const attempts = await this.store.incr(k.failures, 1, this.opts.memoryMs);
    if (attempts <= this.opts.freeAttempts) return null;
    const waitMs = Math.min((this.opts.firstWaitMs ?? 1000) * 2 ** (attempts - this.opts.freeAttempts - 1), this.opts.maxWaitMs);
    // Only one attempt may open the next wait; a parallel one that loses the race waits too.
    if (await this.store.setIfAbsent(k.waitUntil, String(now + waitMs), waitMs)) return null;
    await this.store.incr(k.failures, -1, this.opts.memoryMs);
    return this.waitLeft(k.waitUntil, now);
  }

  /** The password was right: forget the failures and any wait for this username and address. */
  async succeeded(username: string, ip: string | null): Promise<void> {
    const k = this.keys(username, ip);
    await Promise.all([this.store.del(k.failures), this.store.del(k.waitUntil)]);
  }
}
