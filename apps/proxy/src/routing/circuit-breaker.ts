/** Tuning of every account's breaker (from the proxy config). */
export interface BreakerPolicy {
  /** Consecutive failures (connect errors, 5xx, timeouts) that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker keeps the account out of rotation before one probe is let through. */
  openMs: number;
  /** A probe that never reports back (its request hung, its proxy died) frees the probe slot after this long. */
  probeTimeoutMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * What a request was admitted as: `pass` while closed, `probe` for the one request let through
 * a half-open breaker. The ticket goes back with the result so only the probe's verdict moves a
 * half-open breaker.
 */
export type BreakerTicket = 'pass' | 'probe';

/**
 * One account's circuit breaker, pure and clock-injected (property-tested):
 * closed → open after `failureThreshold` consecutive failures; open → half-open when `openMs`
 * has passed; half-open lets ONE probe through → closed on its success, open again on its
 * failure. Results of requests admitted before the breaker opened are ignored once it is open,
 * so a burst of in-flight failures counts once.
 */
export class CircuitBreaker {
  private failures = 0;
  /** Epoch ms an open breaker turns half-open; 0 while closed. */
  private openUntil = 0;
  /** Epoch ms the probe slot frees itself; 0 when no probe is out. */
  private probeUntil = 0;

  constructor(private readonly policy: BreakerPolicy) {}

  state(now: number): BreakerState {
    if (this.openUntil === 0) return 'closed';
    return now < this.openUntil ? 'open' : 'half-open';
  }

  /** Whether a request could be admitted now (no side effect): closed, or half-open with the probe slot free. */
  canAdmit(now: number): boolean {
    const s = this.state(now);
    return s === 'closed' || (s === 'half-open' && this.probeUntil <= now);
  }

  /**
   * From when a request could be admitted, as far as is known at `now`: `now` itself when it could
   * be now, the end of the open state, or null while a half-open breaker's probe is still out (it
   * ends when the probe reports back, which no clock tells).
   */
  admitsFrom(now: number): number | null {
    const s = this.state(now);
    if (s === 'open') return this.openUntil;
    return s === 'closed' || this.probeUntil <= now ? now : null;
  }

  /** Admits a request: `pass` when closed, `probe` when it takes the half-open probe slot, null when refused. */
  admit(now: number): BreakerTicket | null {
    const s = this.state(now);
    if (s === 'closed') return 'pass';
    if (s === 'open' || this.probeUntil > now) return null;
    this.probeUntil = now + this.policy.probeTimeoutMs;
    return 'probe';
  }

  /** The upstream answered (any response, 2xx or a client-side 4xx): the account is reachable. */
  onSuccess(ticket: BreakerTicket): void {
    if (ticket === 'probe') {
      if (this.probeUntil !== 0) this.close();
      return;
    }
    if (this.openUntil === 0) this.failures = 0;
  }

  /** A connect error, 5xx or timeout. Returns true when this failure opened the breaker. */
  onFailure(ticket: BreakerTicket, now: number): boolean {
    if (ticket === 'probe') {
      if (this.probeUntil === 0) return false;
      this.open(now + this.policy.openMs);
      return true;
    }
    if (this.openUntil !== 0) return false;
    this.failures++;
    if (this.failures < this.policy.failureThreshold) return false;
    this.open(now + this.policy.openMs);
    return true;
  }

  /** The probe ended without a verdict (the client left, another account's error): the slot is free again. */
  release(ticket: BreakerTicket): void {
    if (ticket === 'probe') this.probeUntil = 0;
  }

  /** Opens until `until` (another proxy's breaker opened, or this one's). */
  open(until: number): void {
    this.openUntil = Math.max(this.openUntil, until);
    this.probeUntil = 0;
    this.failures = 0;
  }

  /** Closes (a probe succeeded, here or on another proxy). */
  close(): void {
    this.openUntil = 0;
    this.probeUntil = 0;
    this.failures = 0;
  }
}
