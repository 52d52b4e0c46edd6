import { describe, expect, it } from 'vitest';
import { formatNumber, formatShare, formatUsd, nextDay, roundDecimal } from './format.ts';
import { niceMax } from './chart-scale.ts';

describe('money and number formatting', () => {
  it('rounds USD strings half-up to cents without floating point', () => {
    expect(formatUsd('1234.565')).toBe('$1,234.57');
    expect(formatUsd('0.1')).toBe('$0.10');
    expect(formatUsd('12')).toBe('$12.00');
    // 0.1 + 0.2 style float drift would show 0.30000000000000004; strings stay exact.
    expect(roundDecimal('0.300000', 2)).toBe('0.30');
    expect(roundDecimal('99999999999.995', 2)).toBe('100,000,000,000.00');
  });

  it('keeps sub-cent request costs visible', () => {
    expect(formatUsd('0.000123')).toBe('$0.000123');
    expect(formatUsd('0.0045')).toBe('$0.0045');
    expect(formatUsd('0')).toBe('$0.00');
    expect(formatUsd(null)).toBe('—');
  });

  it('formats counts, shares and days', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(1234567, true)).toBe('1.2M');
    expect(formatShare(0.425)).toBe('43%');
    expect(formatShare(0.05)).toBe('5.0%');
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
    expect(nextDay('2024-12-31')).toBe('2025-01-01');
  });

  it('picks readable chart axis maxima', () => {
    expect(niceMax(0)).toBe(0);
    expect(niceMax(7.3)).toBe(10);
    expect(niceMax(0.018)).toBeCloseTo(0.02);
    expect(niceMax(230)).toBe(250);
  });
});
