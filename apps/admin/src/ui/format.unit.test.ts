import { describe, expect, it } from 'vitest';
import { formatIp, formatNumber, formatShare, formatUsd, formatUsdExact, nextDay, roundDecimal, trimDecimalZeros } from './format.ts';
import { formatAxisUsd, niceTicks } from './chart-scale.ts';

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

  it('shows prices exactly, never rounded to cents', () => {
    expect(formatUsdExact('0.025')).toBe('$0.025');
    expect(formatUsdExact('0.025000')).toBe('$0.025');
    expect(formatUsdExact('3')).toBe('$3.00');
    expect(formatUsdExact('0.300000')).toBe('$0.30');
    expect(formatUsdExact('0.000125')).toBe('$0.000125');
    expect(formatUsdExact('1234.5')).toBe('$1,234.50');
    expect(formatUsdExact('0')).toBe('$0.00');
    expect(formatUsdExact(null)).toBe('—');
  });

  it('puts prices into edit fields without padding zeros', () => {
    expect(trimDecimalZeros('4.000000')).toBe('4');
    expect(trimDecimalZeros('0.080000')).toBe('0.08');
    expect(trimDecimalZeros('0.025')).toBe('0.025');
    expect(trimDecimalZeros('100')).toBe('100');
  });

  it('shows IPv4-mapped IPv6 addresses as plain IPv4', () => {
    expect(formatIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(formatIp('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(formatIp('2001:db8::1')).toBe('2001:db8::1');
    expect(formatIp('::1')).toBe('::1');
    expect(formatIp('192.168.0.9')).toBe('192.168.0.9');
    expect(formatIp(null)).toBe('—');
  });

  it('picks chart ticks on round numbers that cover the data', () => {
    expect(niceTicks(0)).toEqual([0]);
    expect(niceTicks(0.27)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(7.3)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(230)).toEqual([0, 100, 200, 300]);
    expect(niceTicks(0.018)).toEqual([0, 0.005, 0.01, 0.015, 0.02]);
  });

  it('labels cost ticks without rounding them away', () => {
    expect(formatAxisUsd(0)).toBe('$0.00');
    expect(formatAxisUsd(0.1)).toBe('$0.10');
    expect(formatAxisUsd(0.025)).toBe('$0.025');
    expect(formatAxisUsd(0.005)).toBe('$0.005');
    expect(formatAxisUsd(2.5)).toBe('$2.50');
    expect(formatAxisUsd(1500)).toBe('$1,500');
  });
});
