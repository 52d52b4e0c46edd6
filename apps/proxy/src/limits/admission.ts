import { estimateCost, hotKeys, type MicroUsd, type ModelPrice, type SnapshotKey, type SnapshotUser } from '@relay/core';
import { cachedDayKey } from './day-key-cache.ts';
import type { AdmissionCheck, HotStore, SettleOp } from '@relay/hot-store';
import { proxyError } from '../errors.ts';
import type { RequestLimits } from '@relay/upstreams';

const MINUTE = 60_000;
/** Expiry of a key's per-minute token counter and of its daily cost counter (kept by every adjustment). */
export const TPM_TTL_MS = 2 * MINUTE;
export const DAY_TTL_MS = 48 * 3600_000;

/** What `admit` reserved, so `settle` can give back exactly the unused part. */
export interface Reservation {
  leaseKey: string | null;
  leaseId: string;
  tpmKey: string | null;
  estimatedTokens: number;
  dayCostKey: string | null;
  totalCostKey: string | null;
  estimatedCost: MicroUsd;
}

export interface AdmitInput {
  key: SnapshotKey;
  user: SnapshotUser;
  /** Price used for the up-front estimate. */
  price: ModelPrice;
  /** The request's limits as read once (input estimate, output the upstream may produce). */
  limits: RequestLimits;
  requestId: string;
  now: number;
  timeZone: string;
  leaseTtlMs: number;
}

type CheckKind = 'rpm' | 'tpm' | 'concurrency' | 'daily' | 'total';

/**
 * ONE atomic admission for all of the key's limits: RPM and TPM windows, the concurrency lease,
 * and the daily/total budget reservations of the estimated cost. Rejections change nothing and
 * map to 429 (with retry-after) or 402. Keys without limits cost no round trip at all.
 */
export async function admit(store: HotStore, input: AdmitInput): Promise<Reservation> {
  const { key, now } = input;
  const promptTokens = input.limits.inputTokens;
  const estimatedCost = estimateCost(promptTokens, input.limits.output.maxTokens * input.limits.choices, input.price, input.user.priceRate);
  const r: Reservation = { leaseKey: null, leaseId: input.requestId, tpmKey: null, estimatedTokens: promptTokens, dayCostKey: null, totalCostKey: null, estimatedCost };
  const checks: AdmissionCheck[] = [];
  const kinds: CheckKind[] = [];
  const window = Math.floor(now / MINUTE);
  if (key.rpm !== null) {
    checks.push({ kind: 'window', key: hotKeys.keyRpm(key.id, window), windowMs: MINUTE, limit: key.rpm, cost: 1 });
    kinds.push('rpm');
  }
  if (key.tpm !== null) {
    // A counter per minute (the window is in the key) rather than a window check: settle must be
    // able to correct it to the actual tokens, and only plain counters take `incr`.
    r.tpmKey = hotKeys.keyTpm(key.id, window);
    checks.push({ kind: 'budget', key: r.tpmKey, limit: key.tpm, amount: promptTokens, ttlMs: 2 * MINUTE });
    kinds.push('tpm');
  }
  if (key.concurrency !== null) {
    r.leaseKey = hotKeys.keyLeases(key.id);
    checks.push({ kind: 'lease', key: r.leaseKey, limit: key.concurrency, leaseId: r.leaseId, ttlMs: input.leaseTtlMs });
    kinds.push('concurrency');
  }
  if (key.dailyCostLimit !== null) {
    const day = cachedDayKey(now, input.timeZone);
    r.dayCostKey = hotKeys.keyCostDay(key.id, day);
    // Today's spend as the database knew it (snapshot): a store that restarted empty never resets the day.
    const floor = key.costToday && key.costToday.day === day ? key.costToday.amount : 0;
    checks.push({ kind: 'budget', key: r.dayCostKey, limit: key.dailyCostLimit, amount: estimatedCost, floor, ttlMs: DAY_TTL_MS });
    kinds.push('daily');
  }
  if (key.totalCostLimit !== null) {
    r.totalCostKey = hotKeys.keyCostTotal(key.id);
    checks.push({ kind: 'budget', key: r.totalCostKey, limit: key.totalCostLimit, amount: estimatedCost, floor: key.costUsed });
    kinds.push('total');
  }
  if (checks.length === 0) return r;
  let res: Awaited<ReturnType<HotStore['admit']>>;
  try {
    res = await store.admit(checks, now);
  } catch {
    // Hot store unreachable: a key WITH limits fails closed (its RPM/budgets cannot be enforced
    // across proxies), as a retryable 503 in the client's format rather than an opaque 500.
    // Keys without limits never get here: they are served from memory throughout.
    throw proxyError('overloaded', 'Rate limits cannot be checked right now; retry shortly', { 'retry-after': '1' });
  }
  if (res.ok) return r;
  const retryMs = kinds[res.failed] === 'tpm' ? (window + 1) * MINUTE - now : res.retryAfterMs;
  const retryAfter = { 'retry-after': String(Math.max(1, Math.ceil(retryMs / 1000))) };
  switch (kinds[res.failed]) {
    case 'rpm':
      throw proxyError('rate_limited', `Rate limit exceeded: ${key.rpm} requests per minute`, retryAfter);
    case 'tpm':
      throw proxyError('rate_limited', `Rate limit exceeded: ${key.tpm} tokens per minute`, retryAfter);
    case 'concurrency':
      throw proxyError('concurrency_limited', `Too many concurrent requests (limit ${key.concurrency})`, retryAfter);
    case 'daily':
      throw proxyError('budget_exhausted', 'Daily cost limit of this API key reached');
    case 'total':
      throw proxyError('budget_exhausted', 'Total cost limit of this API key reached');
    default:
      throw proxyError('rate_limited', 'Rate limit exceeded', retryAfter);
  }
}

/**
 * The settlement ops for a finished request: release the lease and correct the estimates to the
 * actual tokens and cost (one round trip, issued together with the usage publish).
 */
export function settleOps(r: Reservation, actualTokens: number, actualCost: MicroUsd): SettleOp[] {
  const ops: SettleOp[] = [];
  if (r.leaseKey) ops.push({ kind: 'release', key: r.leaseKey, leaseId: r.leaseId });
  if (r.tpmKey && actualTokens !== r.estimatedTokens) ops.push({ kind: 'incr', key: r.tpmKey, amount: actualTokens - r.estimatedTokens, ttlMs: 2 * MINUTE });
  const dc = actualCost - r.estimatedCost;
  if (dc !== 0) {
    if (r.dayCostKey) ops.push({ kind: 'incr', key: r.dayCostKey, amount: dc, ttlMs: DAY_TTL_MS });
    if (r.totalCostKey) ops.push({ kind: 'incr', key: r.totalCostKey, amount: dc });
  }
  return ops;
}
