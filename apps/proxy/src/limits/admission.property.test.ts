import { hotKeys, micro, RATE_ONE, usdToMicro, type ModelPrice, type SnapshotKey, type SnapshotUser } from '@relay/core';
import { createHotStore, MemoryHotStore, type HotStore } from '@relay/hot-store';
import { testRedisUrl, uniqueSuffix } from '@relay/testkit';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ProxyError } from '../errors.ts';
import { admit, settleOps, type Reservation } from './admission.ts';

/** One micro-USD per token in and out: a reservation of `i + m` for i input and m output tokens. */
const PRICE: ModelPrice = { input: usdToMicro('1'), output: usdToMicro('1'), cacheWrite: usdToMicro('1'), cacheRead: usdToMicro('1') };
const USER: SnapshotUser = { id: 'u1', username: 'u', status: 'ACTIVE', priceRate: RATE_ONE };
const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = '2026-06-01';

type Step =
  /** A burst of admissions started together, alternating between the two proxies. */
  | { kind: 'admit'; requests: { input: number; maxOutput: number }[] }
  /** The request at this index (modulo) among those in flight settles, having produced this percentage of its maximum. */
  | { kind: 'settle'; pick: number; outputPercent: number }
  /** A request whose proxy died: it never settles. */
  | { kind: 'crash'; pick: number }
  /** The store restarts empty; the database's record of settled spend becomes the floors (the republished snapshot). */
  | { kind: 'restart' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('admit' as const), requests: fc.array(fc.record({ input: fc.integer({ min: 1, max: 300 }), maxOutput: fc.integer({ min: 1, max: 2000 }) }), { minLength: 1, maxLength: 6 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), outputPercent: fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 100 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
);

interface InFlight { reservation: Reservation; input: number; maxOutput: number; acrossRestart: boolean }

/**
 * Runs one interleaving against two admission callers sharing one store and returns what the
 * property is about: the settled spend, and the reservations that were in flight across a restart.
 */
async function run(callers: [HotStore, HotStore], steps: Step[], limits: { daily: number | null; total: number | null }): Promise<{ settled: number; slack: number; admitted: number }> {
  const keyId = `prop-${uniqueSuffix()}`;
  let settled = 0;
  let slack = 0;
  let admitted = 0;
  // The snapshot in force: floors as the database knew them at the last (re)publish.
  let key: SnapshotKey = {
    id: keyId, userId: USER.id, name: 'k', enabled: true, expiresAt: null, allowedPlatforms: null, allowedModels: null,
    rpm: null, tpm: null, concurrency: null,
    dailyCostLimit: limits.daily === null ? null : micro(limits.daily), totalCostLimit: limits.total === null ? null : micro(limits.total),
    costUsed: micro(0), costToday: { day: DAY, amount: micro(0) },
  };
  const limit = Math.min(limits.daily ?? Infinity, limits.total ?? Infinity);
  const inFlight: InFlight[] = [];
  let seq = 0;
  for (const s of steps) {
    if (s.kind === 'admit') {
      const results = await Promise.all(s.requests.map(async (r, i) => {
        const limitsRead = { inputTokens: r.input, output: { maxTokens: r.maxOutput, clientSet: true }, choices: 1 };
        try {
          const reservation = await admit(callers[i % 2], { key, user: USER, price: PRICE, limits: limitsRead, requestId: `r${seq++}`, now: NOW, timeZone: 'UTC', leaseTtlMs: 60_000 });
          return { reservation, input: r.input, maxOutput: r.maxOutput, acrossRestart: false };
        } catch (e) {
          expect((e as ProxyError).status).toBe(402);
          return null;
        }
      }));
      for (const r of results) if (r) inFlight.push(r);
      admitted += results.filter(Boolean).length;
    } else if (s.kind === 'settle' || s.kind === 'crash') {
      if (inFlight.length === 0) continue;
      const [req] = inFlight.splice(s.pick % inFlight.length, 1);
      if (s.kind === 'crash') continue;
      const cost = req.input + Math.floor((req.maxOutput * s.outputPercent) / 100);
      await callers[s.pick % 2].settle(settleOps(req.reservation, 0, micro(cost)));
      settled += cost;
      if (req.acrossRestart) slack += req.reservation.estimatedCost;
    } else {
      for (const k of [hotKeys.keyCostDay(keyId, DAY), hotKeys.keyCostTotal(keyId)]) await callers[0].del(k);
      for (const r of inFlight) r.acrossRestart = true;
      key = { ...key, costUsed: micro(settled), costToday: { day: DAY, amount: micro(settled) } };
    }
    expect(settled).toBeLessThanOrEqual(limit + slack);
  }
  return { settled, slack, admitted };
}

/** A daily limit, a total limit, or both (a few requests' worth, so runs reach them often). */
const budgets = fc.oneof(
  fc.record({ daily: fc.integer({ min: 200, max: 6000 }), total: fc.constant(null) }),
  fc.record({ daily: fc.constant(null), total: fc.integer({ min: 200, max: 6000 }) }),
  fc.record({ daily: fc.integer({ min: 200, max: 6000 }), total: fc.integer({ min: 200, max: 12_000 }) }),
);

const redisUrl = testRedisUrl();
const backends: [string, () => [HotStore, HotStore]][] = [['memory', () => {
  const store = new MemoryHotStore();
  return [store, store];
}]];
if (redisUrl) {
  backends.push(['redis', () => {
    const prefix = `admission-prop:${uniqueSuffix()}:`;
    // Two connections, as two proxy processes would have.
    return [createHotStore({ redisUrl, prefix }), createHotStore({ redisUrl, prefix })];
  }]);
}

describe.each(backends)('admission under random interleavings (%s store, two proxies)', (_name, make) => {
  const callers = make();
  afterAll(async () => {
    await callers[0].close();
    if (callers[1] !== callers[0]) await callers[1].close();
  });

  it('never lets settled spend exceed the limit by more than the reservations in flight across a store restart', async () => {
    let admittedAtAll = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(step, { minLength: 5, maxLength: 80, size: 'large' }),
      budgets,
      async (steps, limits) => {
        const { admitted } = await run(callers, steps, limits);
        admittedAtAll += admitted;
      },
    ), { numRuns: 150 });
    expect(admittedAtAll).toBeGreaterThan(0);
  });

  it('without restarts, settled spend never exceeds the limit at all', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(step.filter((s) => s.kind !== 'restart'), { minLength: 5, maxLength: 80, size: 'large' }),
      budgets,
      async (steps, limits) => {
        const { slack } = await run(callers, steps, limits);
        expect(slack).toBe(0);
      },
    ), { numRuns: 100 });
  });
});
