import { describe, expect, it } from 'vitest';
import {
  currentUsageWindows, decimalToBasisPoints, decodeUsageWindows, encodeUsageWindows, hasUnifiedRateLimitHeaders, parseResetTime, parseUnifiedRateLimit,
  parseUsageLimitReset, remainingWindowBp,
} from './usage-windows.ts';

const NOW = 1_800_000_000_000;
const secs = (ms: number) => String(Math.floor(ms / 1000));

/** Headers as Anthropic sends them on a subscription (OAuth) response. */
function unified(over: Record<string, string> = {}): Record<string, string> {
  return {
    'anthropic-ratelimit-unified-status': 'allowed',
    'anthropic-ratelimit-unified-reset': secs(NOW + 3600_000),
    'anthropic-ratelimit-unified-5h-status': 'allowed',
    'anthropic-ratelimit-unified-5h-reset': secs(NOW + 3600_000),
    'anthropic-ratelimit-unified-5h-utilization': '0.95',
    'anthropic-ratelimit-unified-7d-status': 'allowed',
    'anthropic-ratelimit-unified-7d-reset': secs(NOW + 5 * 86_400_000),
    'anthropic-ratelimit-unified-7d-utilization': '0.14',
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    'anthropic-ratelimit-unified-fallback-percentage': '0.5',
    'anthropic-ratelimit-unified-overage-status': 'rejected',
    ...over,
  };
}

describe('decimalToBasisPoints', () => {
  it('turns the decimal string into basis points without floats, half-up at the fifth decimal', () => {
    expect(decimalToBasisPoints('0.95')).toBe(9500);
    expect(decimalToBasisPoints('0.29')).toBe(2900); // 0.29 * 10000 is 2899.9999999999995 in floating point
    expect(decimalToBasisPoints('1')).toBe(10_000);
    expect(decimalToBasisPoints('1.02')).toBe(10_200);
    expect(decimalToBasisPoints('.5')).toBe(5000);
    expect(decimalToBasisPoints('0.12345')).toBe(1235);
    expect(decimalToBasisPoints('0.12344')).toBe(1234);
    expect(decimalToBasisPoints('0')).toBe(0);
    for (const bad of ['', '.', '-0.1', '1e-3', 'abc', '0.5%']) expect(decimalToBasisPoints(bad)).toBeNull();
  });
});

describe('parseResetTime', () => {
  it('reads unix seconds, milliseconds and ISO dates', () => {
    expect(parseResetTime('1800000000')).toBe(1_800_000_000_000);
    expect(parseResetTime('1800000000000')).toBe(1_800_000_000_000);
    expect(parseResetTime('2027-01-15T08:00:00Z')).toBe(Date.parse('2027-01-15T08:00:00Z'));
    expect(parseResetTime('soon')).toBeNull();
    expect(parseResetTime(undefined)).toBeNull();
  });
});

describe('parseUnifiedRateLimit', () => {
  it('reads both windows, the overall status and claim; no pause while allowed', () => {
    expect(parseUnifiedRateLimit(unified(), NOW)).toEqual({
      fiveHour: { utilizationBp: 9500, status: 'allowed', resetsAt: NOW + 3600_000 },
      sevenDay: { utilizationBp: 1400, status: 'allowed', resetsAt: NOW + 5 * 86_400_000 },
      status: 'allowed', resetsAt: NOW + 3600_000, representativeClaim: 'five_hour', pausedUntil: null, updatedAt: NOW,
    });
  });

  it('is null for a response without unified headers (API-key accounts)', () => {
    expect(parseUnifiedRateLimit({ 'content-type': 'application/json', 'retry-after': '5' }, NOW)).toBeNull();
  });

  it('pauses a rejected account until the overall reset, else the rejected window\'s reset', () => {
    const rejected = parseUnifiedRateLimit(unified({
      'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': secs(NOW + 120_000),
      'anthropic-ratelimit-unified-5h-status': 'rejected', 'anthropic-ratelimit-unified-5h-utilization': '1.0',
    }), NOW);
    expect(rejected?.pausedUntil).toBe(NOW + 120_000);
    expect(rejected?.fiveHour).toEqual({ utilizationBp: 10_000, status: 'rejected', resetsAt: NOW + 3600_000 });

    const h = unified({ 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-7d-status': 'rejected', 'anthropic-ratelimit-unified-representative-claim': 'seven_day' });
    delete h['anthropic-ratelimit-unified-reset'];
    expect(parseUnifiedRateLimit(h, NOW)?.pausedUntil).toBe(NOW + 5 * 86_400_000);
  });

  it('never pauses for a reset in the past, and at most 8 days ahead', () => {
    expect(parseUnifiedRateLimit(unified({ 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': secs(NOW - 1000) }), NOW)?.pausedUntil).toBeNull();
    expect(parseUnifiedRateLimit(unified({ 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': secs(NOW + 90 * 86_400_000) }), NOW)?.pausedUntil).toBe(NOW + 8 * 86_400_000);
  });
});

describe('stored state', () => {
  it('round-trips through the hash fields', () => {
    const w = parseUnifiedRateLimit(unified({ 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': secs(NOW + 120_000) }), NOW)!;
    const fields = encodeUsageWindows(w);
    expect(Object.values(fields).every((v) => typeof v === 'string')).toBe(true);
    expect(decodeUsageWindows(fields)).toEqual(w);
    const only5h = { ...w, sevenDay: null, pausedUntil: null };
    expect(decodeUsageWindows(encodeUsageWindows(only5h))).toEqual(only5h);
    expect(decodeUsageWindows({})).toBeNull();
  });

  it('as of a later time: a reset window starts over, a passed pause is over', () => {
    const w = parseUnifiedRateLimit(unified({ 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': secs(NOW + 120_000) }), NOW)!;
    expect(currentUsageWindows(w, NOW + 60_000)).toEqual(w);
    const later = currentUsageWindows(w, NOW + 3600_000);
    expect(later.pausedUntil).toBeNull();
    expect(later.status).toBeNull();
    expect(later.fiveHour).toEqual({ utilizationBp: 0, status: null, resetsAt: null });
    expect(later.sevenDay).toEqual(w.sevenDay);
  });

  it('remaining window: the tighter of the two, a full window when unknown', () => {
    const w = parseUnifiedRateLimit(unified(), NOW)!;
    expect(remainingWindowBp(w, NOW)).toBe(500);
    expect(remainingWindowBp(w, NOW + 3600_000)).toBe(8600);
    expect(remainingWindowBp(null, NOW)).toBe(10_000);
    expect(remainingWindowBp({ ...w, fiveHour: { utilizationBp: 10_400, status: 'rejected', resetsAt: NOW + 1 } }, NOW)).toBe(0);
  });

  it('reads the reset of a 429 body that says the usage limit is reached', () => {
    const body = (t: string) => JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: t } });
    expect(parseUsageLimitReset(body(`Claude AI usage limit reached|${secs(NOW + 7200_000)}`), NOW)).toBe(NOW + 7200_000);
    expect(parseUsageLimitReset(`claude ai usage limit reached|${NOW + 60_000}`, NOW)).toBe(NOW + 60_000);
    // In the past, absent, or no time after the bar: nothing to pause for.
    expect(parseUsageLimitReset(body(`Claude AI usage limit reached|${secs(NOW - 1000)}`), NOW)).toBeNull();
    expect(parseUsageLimitReset(body("This request would exceed your account's rate limit. Please try again later."), NOW)).toBeNull();
    expect(parseUsageLimitReset(body('Claude AI usage limit reached|soon'), NOW)).toBeNull();
    // A garbled far-future time parks the account for 8 days at most.
    expect(parseUsageLimitReset(body(`Claude AI usage limit reached|${secs(NOW + 365 * 24 * 3600_000)}`), NOW)).toBe(NOW + 8 * 24 * 3600_000);
  });

  it('tells a response with unified headers from one without', () => {
    expect(hasUnifiedRateLimitHeaders(unified())).toBe(true);
    expect(hasUnifiedRateLimitHeaders({ 'retry-after': '30', 'content-type': 'application/json' })).toBe(false);
  });
});
