import { dayKey } from '@relay/core';

/** Last answer per time zone: the minute it was computed for and the day it gave. */
const last = new Map<string, { minute: number; day: string }>();

/**
 * dayKey memoised per minute: Intl formatting costs more than the rest of a limit check, and the
 * answer only changes at midnight in the zone — which always falls on a whole minute for the
 * instants this proxy sees (no current time zone has a seconds offset).
 */
export function cachedDayKey(epochMs: number, timeZone: string): string {
  const minute = Math.floor(epochMs / 60_000);
  const hit = last.get(timeZone);
  if (hit && hit.minute === minute) return hit.day;
  const day = dayKey(epochMs, timeZone);
  last.set(timeZone, { minute, day });
  return day;
}
