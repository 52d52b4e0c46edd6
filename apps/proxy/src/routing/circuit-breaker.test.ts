import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerTicket } from './circuit-breaker.ts';

const T0 = 1_800_000_000_000;

type Op =
  | { kind: 'advance'; ms: number }
  | { kind: 'admit' }
  | { kind: 'succeed' | 'fail' | 'release'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('admit' as const) }),
  fc.record({ kind: fc.constantFrom('succeed' as const, 'fail' as const, 'release' as const), pick: fc.nat() }),
);

interface Outstanding { ticket: BreakerTicket; admittedAt: number }

describe('CircuitBreaker (property-based)', () => {
  it('opens only after N consecutive failures, lets one probe through half-open, closes on its success', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 50, max: 1000 }),
        fc.integer({ min: 200, max: 3000 }),
        fc.array(op, { maxLength: 200 }),
        (threshold, openMs, probeTimeoutMs, ops) => {
          const b = new CircuitBreaker({ failureThreshold: threshold, openMs, probeTimeoutMs });
          let now = T0;
          // The reference count: failures of requests admitted while closed, since the last success or close.
          let consecutive = 0;
          const out: Outstanding[] = [];
          for (const o of ops) {
            const before = b.state(now);
            if (o.kind === 'advance') {
              now += o.ms;
              continue;
            }
            if (o.kind === 'admit') {
              const ticket = b.admit(now);
              if (before === 'closed') expect(ticket).toBe('pass');
              if (before === 'open') expect(ticket).toBeNull();
              if (ticket) out.push({ ticket, admittedAt: now });
              // At most one live probe: a probe frees its slot only when it reports or its timeout passes.
              const liveProbes = out.filter((x) => x.ticket === 'probe' && now - x.admittedAt < probeTimeoutMs);
              expect(liveProbes.length).toBeLessThanOrEqual(1);
              continue;
            }
            if (out.length === 0) continue;
            const [{ ticket, admittedAt }] = out.splice(o.pick % out.length, 1);
            const probeHoldsSlot = ticket === 'probe' && before === 'half-open' && !b.canAdmit(now) && now - admittedAt < probeTimeoutMs;
            if (o.kind === 'release') {
              b.release(ticket);
              expect(b.state(now)).toBe(before);
              continue;
            }
            if (o.kind === 'succeed') {
              b.onSuccess(ticket);
              if (before === 'closed') consecutive = 0;
              if (probeHoldsSlot) expect(b.state(now)).toBe('closed');
              if (b.state(now) === 'closed' && before !== 'closed') consecutive = 0;
              continue;
            }
            const opened = b.onFailure(ticket, now);
            if (before === 'closed') {
              consecutive++;
              // Never open on fewer than N consecutive failures; always open on the N-th.
              expect(opened).toBe(consecutive >= threshold);
              expect(b.state(now)).toBe(opened ? 'open' : 'closed');
              if (opened) consecutive = 0;
            } else if (probeHoldsSlot) {
              expect(opened).toBe(true);
              expect(b.state(now)).toBe('open');
            } else {
              // Results of requests admitted before the breaker opened do not move it.
              expect(b.state(now)).toBe(before);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a closed breaker stays closed while failures are interleaved with successes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.array(fc.boolean(), { maxLength: 100 }), (threshold, results) => {
        const b = new CircuitBreaker({ failureThreshold: threshold, openMs: 1000, probeTimeoutMs: 1000 });
        let run = 0;
        for (const ok of results) {
          if (b.state(T0) !== 'closed') return;
          if (ok) b.onSuccess('pass');
          else b.onFailure('pass', T0);
          run = ok ? 0 : run + 1;
          expect(b.state(T0) === 'open').toBe(run >= threshold);
        }
      }),
    );
  });
});
