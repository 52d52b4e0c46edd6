import { describe, expect, it } from 'vitest';
import { computeCost, decimalUsdToMicro, dearestPrice, estimateCost, parseRate, RATE_ONE, type MicroUsd, type ModelPrice } from './money.ts';

const m = (n: number): MicroUsd => n as MicroUsd;
// claude-sonnet-4-5 in the catalog: 3 / 15 / 3.75 (5 min) / 6 (1 h) / 0.3, above 200k prompt tokens 6 / 22.5 / 7.5 / 12 / 0.6.
const sonnet45: ModelPrice = {
  input: m(3_000_000), output: m(15_000_000), cacheWrite: m(3_750_000), cacheRead: m(300_000), cacheWrite1h: m(6_000_000),
  tier: { aboveInputTokens: 200_000, input: m(6_000_000), output: m(22_500_000), cacheWrite: m(7_500_000), cacheRead: m(600_000), cacheWrite1h: m(12_000_000) },
};

describe('decimalUsdToMicro: catalog numbers to micro-USD, exactly', () => {
  it('converts the decimals binary floating point cannot hold', () => {
    // 0.075 * 1e6 = 75000.00000000001 and 0.3 * 1e6 = 299999.99999999994 in float math; the digits say otherwise.
    expect(decimalUsdToMicro(0.075)).toBe(75_000);
    expect(decimalUsdToMicro(3.75)).toBe(3_750_000);
    expect(decimalUsdToMicro(0.3)).toBe(300_000);
    expect(decimalUsdToMicro(0.01875)).toBe(18_750);
    expect(decimalUsdToMicro(1.1)).toBe(1_100_000);
    expect(decimalUsdToMicro(2e5)).toBe(200_000_000_000);
    expect(decimalUsdToMicro(0)).toBe(0);
    expect(decimalUsdToMicro('0.000001')).toBe(1);
  });

  it('reads exponent notation and rounds a sub-micro remainder half-up once', () => {
    expect(String(0.0000375)).toBe('0.0000375');
    expect(decimalUsdToMicro(0.0000375)).toBe(38); // 37.5 micro → 38
    expect(decimalUsdToMicro(1e-7)).toBe(0); // 0.1 micro
    expect(decimalUsdToMicro(5e-7)).toBe(1); // 0.5 micro
    expect(decimalUsdToMicro('1.5E2')).toBe(150_000_000);
  });

  it('refuses what is not a non-negative decimal', () => {
    for (const bad of [-1, NaN, Infinity, '', 'abc', '1,5']) expect(() => decimalUsdToMicro(bad)).toThrow(RangeError);
  });
});

describe('long-context tier and 1-hour cache writes', () => {
  it('bills a prompt up to the threshold at the base prices', () => {
    // 200,000 input tokens is not above 200k: 200000 × 3 = 600000; output 1000 × 15 = 15000.
    const c = computeCost({ inputTokens: 200_000, outputTokens: 1000, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 }, sonnet45, RATE_ONE);
    expect(c.base).toEqual({ inputCost: 600_000, outputCost: 15_000, totalCost: 615_000 });
  });

  it('bills every token of a prompt above the threshold at the tier prices, cache tokens counting toward it', () => {
    // prompt = 150000 + 40000 + 10001 = 200001 > 200000 → tier:
    // input 150000 × 6 = 900000, cache write 40000 × 7.5 = 300000, cache read 10001 × 0.6 = 6000.6 → 6001; output 1000 × 22.5 = 22500.
    const c = computeCost({ inputTokens: 150_000, outputTokens: 1000, cacheCreationInputTokens: 40_000, cacheReadInputTokens: 10_001 }, sonnet45, parseRate('2'));
    expect(c.base).toEqual({ inputCost: 1_206_001, outputCost: 22_500, totalCost: 1_228_501 });
    expect(c.rated.totalCost).toBe(2_457_002);
  });

  it('bills 1-hour cache writes at their own price, the rest of the writes at the 5-minute price', () => {
    // 3000 written, 1000 of them for 1 h: 2000 × 3.75 = 7500 + 1000 × 6 = 6000; input 10 × 3 = 30.
    const c = computeCost({ inputTokens: 10, outputTokens: 0, cacheCreationInputTokens: 3000, cacheReadInputTokens: 0, cacheCreation1hInputTokens: 1000 }, sonnet45, RATE_ONE);
    expect(c.base.inputCost).toBe(13_530);
    // Without a 1-hour price (a manual price), 1-hour writes cost the cache-write price.
    const plain: ModelPrice = { input: m(3_000_000), output: m(15_000_000), cacheWrite: m(3_750_000), cacheRead: m(300_000) };
    expect(computeCost({ inputTokens: 10, outputTokens: 0, cacheCreationInputTokens: 3000, cacheReadInputTokens: 0, cacheCreation1hInputTokens: 1000 }, plain, RATE_ONE).base.inputCost).toBe(11_280);
  });

  it('reserves at the tier price when the estimated prompt is above the threshold', () => {
    expect(estimateCost(100_000, 1000, sonnet45, RATE_ONE)).toBe(300_000 + 15_000);
    // 300000 × 6 = 1800000, 1000 × 22.5 = 22500
    expect(estimateCost(300_000, 1000, sonnet45, RATE_ONE)).toBe(1_822_500);
  });

  it('the dearest of a tiered and a flat price covers both', () => {
    const flat: ModelPrice = { input: m(4_000_000), output: m(10_000_000), cacheWrite: m(0), cacheRead: m(0) };
    const d = dearestPrice(flat, sonnet45);
    expect(d.input).toBe(4_000_000);
    expect(d.tier?.aboveInputTokens).toBe(200_000);
    expect(d.tier?.input).toBe(6_000_000);
    expect(estimateCost(300_000, 0, d, RATE_ONE)).toBeGreaterThanOrEqual(estimateCost(300_000, 0, flat, RATE_ONE));
  });
});
