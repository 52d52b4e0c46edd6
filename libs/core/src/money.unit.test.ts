import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addMicro, applyRate, computeCost, estimateCost, formatRate, MAX_TOKENS, microToUsd, parseRate, tokenCost, toTokenCount, usdToMicro,
  type MicroUsd, type ModelPrice, type RateBp,
} from './money.ts';

const sonnet: ModelPrice = { input: usdToMicro('3'), output: usdToMicro('15'), cacheWrite: usdToMicro('3.75'), cacheRead: usdToMicro('0.30') };

describe('money', () => {
  it('parses and formats USD exactly', () => {
    expect(usdToMicro('0.075')).toBe(75_000);
    expect(usdToMicro('15.000001')).toBe(15_000_001);
    expect(microToUsd(1500 as MicroUsd)).toBe('0.001500');
    expect(microToUsd(usdToMicro('123456.789012'))).toBe('123456.789012');
    expect(() => usdToMicro('0.0000001')).toThrow(/6 decimals/);
    expect(() => usdToMicro('1e3')).toThrow();
  });

  it('parses rates in ten-thousandths', () => {
    expect(parseRate('1')).toBe(10_000);
    expect(parseRate('0.85')).toBe(8_500);
    expect(formatRate(parseRate('1.2345'))).toBe('1.2345');
    expect(() => parseRate('1.23456')).toThrow(/4 decimals/);
  });

  it('prices a request to the micro-dollar, components summing to the total', () => {
    const c = computeCost({ inputTokens: 1234, outputTokens: 567, cacheCreationInputTokens: 1000, cacheReadInputTokens: 20_000 }, sonnet, parseRate('1.5'));
    // input 1234×3 = 3702, cache write 1000×3.75 = 3750, cache read 20000×0.3 = 6000 → 13452; output 567×15 = 8505
    expect(c.base).toEqual({ inputCost: 13_452, outputCost: 8_505, totalCost: 21_957 });
    expect(c.rated).toEqual({ inputCost: 20_178, outputCost: 12_758, totalCost: 32_936 });
  });

  it('rounds half up once per component', () => {
    expect(tokenCost(1, usdToMicro('0.5'))).toBe(1); // 0.5 micro → 1
    expect(tokenCost(1, usdToMicro('0.499999'))).toBe(0);
    expect(applyRate(3 as MicroUsd, parseRate('0.5'))).toBe(2); // 1.5 → 2
  });

  it('never overflows on large figures (BigInt inside)', () => {
    const big = tokenCost(2_000_000_000, usdToMicro('75'));
    expect(big).toBe(150_000_000_000);
    expect(applyRate(big, parseRate('99.9999'))).toBe(14_999_985_000_000);
  });

  it('estimates an upper bound for reservations', () => {
    expect(estimateCost(1000, 4096, sonnet, parseRate('2'))).toBe(2 * (3000 + 61_440));
  });
});

describe('money arithmetic is total (no input reaches an exception)', () => {
  const anyNumber = fc.oneof(
    fc.double(),
    fc.integer(),
    fc.constantFrom(1.5, 1e20, 1e300, -1e300, -100_000_000, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER, -0),
  );
  const anyPrice = fc.record({ input: anyNumber, output: anyNumber, cacheWrite: anyNumber, cacheRead: anyNumber }) as fc.Arbitrary<ModelPrice>;
  const isSafe = (x: number) => Number.isSafeInteger(x);

  it('tokenCost, applyRate, addMicro, estimateCost and computeCost answer safe integers for any numbers', () => {
    fc.assert(fc.property(anyNumber, anyNumber, anyNumber, anyNumber, anyPrice, (a, b, c, d, price) => {
      expect(isSafe(tokenCost(a, b as MicroUsd))).toBe(true);
      expect(isSafe(applyRate(a as MicroUsd, b as RateBp))).toBe(true);
      expect(isSafe(addMicro(a as MicroUsd, b as MicroUsd, c as MicroUsd))).toBe(true);
      expect(isSafe(estimateCost(a, b, price, c as RateBp))).toBe(true);
      const cost = computeCost({ inputTokens: a, outputTokens: b, cacheCreationInputTokens: c, cacheReadInputTokens: d }, price, c as RateBp);
      for (const x of [cost.base.inputCost, cost.base.outputCost, cost.base.totalCost, cost.rated.totalCost]) expect(isSafe(x)).toBe(true);
      expect(typeof microToUsd(a)).toBe('string');
      expect(typeof formatRate(a)).toBe('string');
    }));
  });

  it('never reserves less for more tokens, and never a negative amount for non-negative prices', () => {
    const price = fc.record({ input: fc.nat(), output: fc.nat(), cacheWrite: fc.nat(), cacheRead: fc.nat() }) as fc.Arbitrary<ModelPrice>;
    fc.assert(fc.property(anyNumber, anyNumber, anyNumber, price, fc.nat(1_000_000), (inTok, outA, outB, p, rate) => {
      const [lo, hi] = [toTokenCount(outA), toTokenCount(outB)].sort((x, y) => x - y);
      const small = estimateCost(inTok, lo, p, rate as RateBp);
      expect(small).toBeGreaterThanOrEqual(0);
      expect(estimateCost(inTok, hi, p, rate as RateBp)).toBeGreaterThanOrEqual(small);
    }));
  });

  it('treats bad token counts as the boundary values: negative and NaN → 0, fractions round up, huge → MAX_TOKENS', () => {
    expect(toTokenCount(-100_000_000)).toBe(0);
    expect(toTokenCount(Number.NaN)).toBe(0);
    expect(toTokenCount(1.5)).toBe(2);
    expect(toTokenCount(1e300)).toBe(MAX_TOKENS);
    expect(tokenCost(-100_000_000, sonnet.output)).toBe(0);
    expect(tokenCost(1e300, sonnet.output)).toBe(15 * MAX_TOKENS);
  });
});
