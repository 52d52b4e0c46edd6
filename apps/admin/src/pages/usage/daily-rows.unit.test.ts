import { describe, expect, it } from 'vitest';
import { dailyTableRows, fillDays } from './daily-rows.ts';

const busy = [
  { day: '2025-03-02', requests: 4, totalTokens: 900, cost: '0.12' },
  { day: '2025-03-05', requests: 1, totalTokens: 100, cost: '0.01' },
];

describe('daily usage rows', () => {
  it('lists only days with traffic, newest first', () => {
    expect(dailyTableRows(busy, '2025-03-01', '2025-03-06', false).map((d) => d.day)).toEqual(['2025-03-05', '2025-03-02']);
  });

  it('lists every day of the range, newest first, when empty days are asked for', () => {
    const days = dailyTableRows(busy, '2025-03-01', '2025-03-06', true);
    expect(days.map((d) => d.day)).toEqual(['2025-03-06', '2025-03-05', '2025-03-04', '2025-03-03', '2025-03-02', '2025-03-01']);
    expect(days[0]).toEqual({ day: '2025-03-06', requests: 0, totalTokens: 0, cost: '0' });
  });

  it('keeps the chart axis continuous across month ends, oldest first', () => {
    expect(fillDays([], '2025-02-27', '2025-03-01').map((d) => d.day)).toEqual(['2025-02-27', '2025-02-28', '2025-03-01']);
  });
});
