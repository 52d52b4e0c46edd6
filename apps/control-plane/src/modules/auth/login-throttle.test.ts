import { afterAll, describe, expect, it } from 'vitest';
import { createHotStore, type HotStore } from '@relay/hot-store';
import { testRedisUrl, uniqueSuffix } from '@relay/testkit';
import { LoginThrottle } from './login-throttle.ts';

const stores: { name: string; make: () => HotStore }[] = [{ name: 'memory', make: () => createHotStore({ prefix: `t:${uniqueSuffix()}:` }) }];
const redisUrl = testRedisUrl();
if (redisUrl) stores.push({ name: 'redis', make: () => createHotStore({ redisUrl, prefix: `test:${uniqueSuffix()}:` }) });

describe.each(stores)('LoginThrottle ($name)', ({ make }) => {
  const store = make();
  afterAll(() => store.close());
  // Short waits so the doubling can be watched in real time (key expiry runs on the store's clock).
  const throttle = new LoginThrottle(store, { freeAttempts: 2, firstWaitMs: 100, maxWaitMs: 350, memoryMs: 60_000 });

  /** One more failed attempt: sits out any wait, then claims an attempt (never succeeded). */
  async function failOnce(user: string, ip: string): Promise<void> {
    for (;;) {
      const wait = await throttle.claimAttempt(user, ip);
      if (!wait) return;
      await new Promise((r) => setTimeout(r, wait.retryAfterMs));
    }
  }

  it('lets the free attempts through, then doubles the wait up to the cap', async () => {
    const user = `u${uniqueSuffix()}`;
    await failOnce(user, '10.0.0.1');
    await failOnce(user, '10.0.0.1');
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await failOnce(user, '10.0.0.1');
      const wait = await throttle.claimAttempt(user, '10.0.0.1');
      waits.push(wait!.retryAfterMs);
    }
    // Each stated wait is at most the step (time passes between the claim and the check).
    const steps = [100, 200, 350, 350];
    waits.forEach((w, i) => {
      expect(w).toBeLessThanOrEqual(steps[i]);
      expect(w).toBeGreaterThan(steps[i] - 60);
    });
    // Another address, and another username, are not slowed.
    expect(await throttle.claimAttempt(user, '10.0.0.2')).toBeNull();
    expect(await throttle.claimAttempt(`${user}x`, '10.0.0.1')).toBeNull();
  });

  it('lets exactly one of many parallel attempts past the free ones, and a success forgets everything', async () => {
    const user = `p${uniqueSuffix()}`;
    await failOnce(user, '10.0.1.1');
    await failOnce(user, '10.0.1.1');
    const claims = await Promise.all(Array.from({ length: 20 }, () => throttle.claimAttempt(user, '10.0.1.1')));
    expect(claims.filter((c) => c === null)).toHaveLength(1);
    await throttle.succeeded(user, '10.0.1.1');
    expect(await throttle.claimAttempt(user, '10.0.1.1')).toBeNull();
    expect(await throttle.claimAttempt(user, '10.0.1.1')).toBeNull();
  });
});
