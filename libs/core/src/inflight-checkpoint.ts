import type { UsageEventDraft } from './usage-event.ts';

/**
 * A counter the admission raised for a request that is still running: a TPM counter (`tokens`)
 * or a daily/total budget (`cost`, rated micro-USD). Settling moves it to the actual figure.
 */
export interface ReservedCounter {
  key: string;
  unit: 'tokens' | 'cost';
  amount: number;
  /** Expiry the counter keeps when adjusted (daily and per-minute counters). */
  ttlMs?: number;
}

/** A concurrency lease a request holds (the key's, the serving account's). */
export interface HeldLease {
  key: string;
  leaseId: string;
}

/**
 * What a proxy stores about one in-flight request (in `hotKeys.proxyInflight(instance)`), so that
 * when the proxy dies the control plane can bill it once and give back what it reserved.
 */
export interface InflightCheckpoint {
  v: 1;
  /** Epoch ms of this checkpoint. */
  at: number;
  /** The usage event so far: tokens counted up to `at`, the price and rate to bill them at. */
  draft: UsageEventDraft;
  reserved: ReservedCounter[];
  leases: HeldLease[];
}

export function encodeCheckpoint(c: InflightCheckpoint): string {
  return JSON.stringify(c);
}

/** Parses a stored checkpoint; throws with the offending part on bad data. */
export function decodeCheckpoint(s: string): InflightCheckpoint {
  const c = JSON.parse(s) as InflightCheckpoint;
  if (c?.v !== 1 || !Number.isSafeInteger(c.at)) throw new Error('checkpoint: unsupported version');
  if (typeof c.draft?.requestId !== 'string' || !c.draft.requestId) throw new Error('checkpoint: bad requestId');
  if (!Array.isArray(c.reserved) || !Array.isArray(c.leases)) throw new Error('checkpoint: bad reservations');
  for (const r of c.reserved) {
    if (typeof r?.key !== 'string' || (r.unit !== 'tokens' && r.unit !== 'cost') || !Number.isSafeInteger(r.amount)) throw new Error('checkpoint: bad reserved counter');
  }
  for (const l of c.leases) if (typeof l?.key !== 'string' || typeof l.leaseId !== 'string') throw new Error('checkpoint: bad lease');
  return c;
}
