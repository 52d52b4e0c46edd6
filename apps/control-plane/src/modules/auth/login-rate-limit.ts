import type { HotStore } from '@relay/hot-store';
import { errors } from '../../graphql/errors.ts';

/**
 * Failed-login counters per username and per client IP, in fixed windows in the hot store so that
 * every control-plane process shares them. Only failures count; once either counter reaches the
 * limit every attempt for that username / from that IP is refused until the window ends — even
 * with the right password, or guessing would still pay off.
 */
export class LoginRateLimiter {
  constructor(
    private readonly store: HotStore,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private keys(username: string, ip: string | null, now: number): { user: string; ip: string | null; retryAfterSec: number } {
    const window = Math.floor(now / this.windowMs);
    const retryAfterSec = Math.ceil(((window + 1) * this.windowMs - now) / 1000);
    // One hash tag for both, so the pair can be read with one MGET on Redis Cluster.
    return {
      user: `{login}:fail:user:${username.toLowerCase()}:${window}`,
      ip: ip ? `{login}:fail:ip:${ip}:${window}` : null,
      retryAfterSec,
    };
  }

  /** Throws LIMIT_EXCEEDED when this username or IP has used up its failed attempts. */
  async assertAllowed(username: string, ip: string | null, now = Date.now()): Promise<void> {
    const k = this.keys(username, ip, now);
    const [u, i] = await this.store.mget(k.ip ? [k.user, k.ip] : [k.user]);
    if (Number(u ?? 0) >= this.limit || Number(i ?? 0) >= this.limit) {
      throw errors.limitExceeded(`Too many failed logins; try again in ${Math.ceil(k.retryAfterSec / 60)} minute(s)`, {
        retryAfterSeconds: k.retryAfterSec,
      });
    }
  }

  async recordFailure(username: string, ip: string | null, now = Date.now()): Promise<void> {
    const k = this.keys(username, ip, now);
    await Promise.all([
      this.store.incr(k.user, 1, this.windowMs),
      k.ip ? this.store.incr(k.ip, 1, this.windowMs) : Promise.resolve(0),
    ]);
  }

  /** A successful login clears the username's counter (not the IP's: one IP may try many names). */
  async recordSuccess(username: string, ip: string | null, now = Date.now()): Promise<void> {
    await this.store.del(this.keys(username, ip, now).user);
  }
}
