/**
 * Day and month keys in the configured usage time zone (USAGE_TIMEZONE, default UTC). The same
 * functions serve rollups, Redis counters, "today's cost" and daily budgets.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

/** `YYYY-MM-DD` of an instant in a time zone. */
export function dayKey(epochMs: number, tz = 'UTC'): string {
  return fmt(tz).format(epochMs);
}

/** `YYYY-MM` of an instant in a time zone. */
export function monthKey(epochMs: number, tz = 'UTC'): string {
  return dayKey(epochMs, tz).slice(0, 7);
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The time source of code whose answer depends on the instant (admission windows, expiries): tests inject one they control. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** The wall clock (Date.now): every Clock's production default. */
export const systemClock: Clock = { now: () => Date.now() };
