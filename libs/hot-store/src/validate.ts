import type { AdmissionCheck } from './port.ts';

/**
 * Counters in the hot store are integers (micro-USD, tokens, requests): Redis INCRBY/HINCRBY
 * refuse fractions, so both adapters refuse them up front with the same error.
 */
export function assertInteger(what: string, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
}

/** A TTL in ms must be a positive integer (PX / PEXPIRE refuse anything else). */
export function assertTtl(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${what} must be a positive integer number of ms, got ${value}`);
}

/** Validates every number of an admission check, identically for both adapters. */
export function assertValidCheck(check: AdmissionCheck, index: number): void {
  const at = `checks[${index}]`;
  switch (check.kind) {
    case 'window':
      assertTtl(`${at}.windowMs`, check.windowMs);
      assertInteger(`${at}.limit`, check.limit);
      assertInteger(`${at}.cost`, check.cost);
      return;
    case 'lease':
      assertInteger(`${at}.limit`, check.limit);
      assertTtl(`${at}.ttlMs`, check.ttlMs);
      return;
    case 'budget':
      assertInteger(`${at}.limit`, check.limit);
      assertInteger(`${at}.amount`, check.amount);
      assertInteger(`${at}.floor`, check.floor ?? 0);
      if (check.ttlMs !== undefined) assertTtl(`${at}.ttlMs`, check.ttlMs);
      return;
    default: {
      const unknown: never = check;
      throw new TypeError(`unknown admission check ${JSON.stringify(unknown)}`);
    }
  }
}
