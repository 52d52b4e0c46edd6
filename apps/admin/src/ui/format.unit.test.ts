import { describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatDecimalString,
  formatIp,
  formatLatency,
  formatNumber,
  formatShare,
  formatUsd,
  formatUsdExact,
  nextDay,
  roundDecimal,
  trimDecimalZeros,
} from './format.ts';
import { formatAxisUsd, niceTicks } from './chart-scale.ts';

describe('money formatting (exact decimal strings, Intl symbols and grouping)', () => {
  it('rounds USD strings half-up to cents without floating point', () => {
    expect(formatUsd('1234.565', 'en')).toBe('$1,234.57');
    expect(formatUsd('1234.565', 'zh')).toBe('US$1,234.57');
    expect(formatUsd('0.1', 'en')).toBe('$0.10');
    expect(formatUsd('12', 'zh')).toBe('US$12.00');
    expect(formatUsd('-5', 'en')).toBe('-$5.00');
    expect(formatUsd('-0.001', 'en')).toBe('-$0.001');
    // 0.1 + 0.2 style float drift would show 0.30000000000000004; strings stay exact.
    expect(roundDecimal('0.300000', 2)).toBe('0.30');
    expect(roundDecimal('99999999999.995', 2)).toBe('100000000000.00');
    expect(formatUsd('99999999999.995', 'en')).toBe('$100,000,000,000.00');
  });

  it('keeps every digit of amounts a float cannot hold', () => {
    // 2^53 + 1 and 21 significant digits: Number() would change both.
    expect(formatUsdExact('9007199254740993.123456', 'en')).toBe('$9,007,199,254,740,993.123456');
    expect(formatUsdExact('9007199254740993.123456', 'zh')).toBe('US$9,007,199,254,740,993.123456');
    expect(formatUsd('9007199254740993.10', 'en')).toBe('$9,007,199,254,740,993.10');
    expect(formatDecimalString('-1234567.000001', 'en')).toBe('-1,234,567.000001');
  });

  it('keeps sub-cent request costs visible', () => {
    expect(formatUsd('0.000123', 'en')).toBe('$0.000123');
    expect(formatUsd('0.0045', 'zh')).toBe('US$0.0045');
    expect(formatUsd('0', 'en')).toBe('$0.00');
    expect(formatUsd('-0.0000001', 'en')).toBe('$0.00');
    expect(formatUsd(null, 'en')).toBe('—');
  });

  it('shows prices exactly, never rounded to cents', () => {
    expect(formatUsdExact('0.025', 'en')).toBe('$0.025');
    expect(formatUsdExact('0.025000', 'en')).toBe('$0.025');
    expect(formatUsdExact('3', 'en')).toBe('$3.00');
    expect(formatUsdExact('0.300000', 'en')).toBe('$0.30');
    expect(formatUsdExact('0.000125', 'zh')).toBe('US$0.000125');
    expect(formatUsdExact('1234.5', 'en')).toBe('$1,234.50');
    expect(formatUsdExact('0', 'en')).toBe('$0.00');
    expect(formatUsdExact(null, 'en')).toBe('—');
  });

  it('labels cost ticks without rounding them away', () => {
    expect(formatAxisUsd(0, 'en')).toBe('$0.00');
    expect(formatAxisUsd(0.1, 'en')).toBe('$0.10');
    expect(formatAxisUsd(0.025, 'en')).toBe('$0.025');
    expect(formatAxisUsd(0.005, 'zh')).toBe('US$0.005');
    expect(formatAxisUsd(2.5, 'en')).toBe('$2.50');
    expect(formatAxisUsd(1500, 'en')).toBe('$1,500');
    expect(formatAxisUsd(1500, 'zh')).toBe('US$1,500');
  });

  it('puts prices into edit fields without padding zeros', () => {
    expect(trimDecimalZeros('4.000000')).toBe('4');
    expect(trimDecimalZeros('0.080000')).toBe('0.08');
    expect(trimDecimalZeros('0.025')).toBe('0.025');
    expect(trimDecimalZeros('100')).toBe('100');
  });
});

describe('numbers, shares, latencies and dates in the UI language', () => {
  it('formats counts in full and compact', () => {
    expect(formatNumber(1234567, false, 'en')).toBe('1,234,567');
    expect(formatNumber(1234567, false, 'zh')).toBe('1,234,567');
    expect(formatNumber(1234567, true, 'en')).toBe('1.2M');
    expect(formatNumber(1234567, true, 'zh')).toBe('123万');
    expect(formatNumber(240_000, true, 'en')).toBe('240K');
    expect(formatNumber(9999, true, 'en')).toBe('9,999');
    expect(formatNumber(null, false, 'en')).toBe('—');
  });

  it('formats shares and latencies', () => {
    expect(formatShare(0.425, 'en')).toBe('43%');
    expect(formatShare(0.05, 'zh')).toBe('5.0%');
    expect(formatLatency(850, 'en')).toBe('850 ms');
    expect(formatLatency(2400, 'en')).toBe('2.4 sec');
    expect(formatLatency(850, 'zh')).toBe('850毫秒');
    expect(formatLatency(2400, 'zh')).toBe('2.4秒');
    expect(formatLatency(null, 'zh')).toBe('—');
  });

  it('formats timestamps with the locale’s date order, 24-hour clock', () => {
    expect(formatDateTime('2025-03-04T14:05:09Z', 'en', 'UTC')).toBe('03/04/2025, 14:05:09');
    expect(formatDateTime('2025-03-04T14:05:09Z', 'zh', 'UTC')).toBe('2025/03/04 14:05:09');
    expect(formatDateTime('2025-03-04T14:05:09Z', 'zh', 'Asia/Shanghai')).toBe('2025/03/04 22:05:09');
    expect(formatDateTime(null, 'en')).toBe('—');
  });

  it('moves days across month and year ends', () => {
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
    expect(nextDay('2024-12-31')).toBe('2025-01-01');
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
});
