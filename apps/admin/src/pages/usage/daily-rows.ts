// Rows of the daily usage table: newest day first, and by default only days with traffic, so a
// 30- or 90-day range does not bury the few busy days under rows of zeros.
import type { DailyUsage } from '../../graphql/queries/daily-usage.ts';

/** Every day from `from` to `to` (YYYY-MM-DD, inclusive), oldest first; days without a row get zeros. */
export function fillDays(rows: readonly DailyUsage[], from: string, to: string): DailyUsage[] {
  const byDate = new Map(rows.map((r) => [r.day, r]));
  const out: DailyUsage[] = [];
  const start = new Date(from + 'T00:00:00Z');
  const end = new Date(to + 'T00:00:00Z');
  for (let d = start; d <= end && out.length < 400; d = new Date(d.getTime() + 86_400_000)) {
    const key = d.toISOString().slice(0, 10);
    out.push(byDate.get(key) ?? { day: key, requests: 0, totalTokens: 0, cost: '0' });
  }
  return out;
}

/** The daily table's rows, newest first: only days with requests unless `includeEmpty`. */
export function dailyTableRows(rows: readonly DailyUsage[], from: string, to: string, includeEmpty: boolean): DailyUsage[] {
  const days = fillDays(rows, from, to).reverse();
  return includeEmpty ? days : days.filter((d) => d.requests > 0);
}
