import { describe, expect, it } from 'vitest';
import { micro, type ModelPrice } from '@relay/core';
import { requestLogRow } from './usage.persist.ts';
import { usageEvent } from '@relay/testkit';

const TIERED: ModelPrice = {
  input: micro(3_000_000), output: micro(15_000_000), cacheWrite: micro(3_750_000), cacheRead: micro(300_000),
  tier: { aboveInputTokens: 200_000, input: micro(6_000_000), output: micro(22_500_000), cacheWrite: micro(7_500_000), cacheRead: micro(600_000) },
};

describe('requestLogRow records the price the request paid', () => {
  it('the base prices for a prompt up to the threshold, the tier prices above it', () => {
    const small = requestLogRow(usageEvent({ userId: '1', apiKeyId: '1', price: TIERED, inputTokens: 190_000, cacheCreationInputTokens: 0, cacheReadInputTokens: 10_000 }));
    expect([small.priceInput, small.priceOutput, small.priceCacheWrite, small.priceCacheRead]).toEqual([3_000_000, 15_000_000, 3_750_000, 300_000]);
    const large = requestLogRow(usageEvent({ userId: '1', apiKeyId: '1', price: TIERED, inputTokens: 190_000, cacheCreationInputTokens: 0, cacheReadInputTokens: 10_001 }));
    expect([large.priceInput, large.priceOutput, large.priceCacheWrite, large.priceCacheRead]).toEqual([6_000_000, 22_500_000, 7_500_000, 600_000]);
    // 190000 × 6 + 10001 × 0.6 = 1,146,000.6 → 1,146,001 base input micro-USD, copied as the proxy computed it.
    expect(large.baseInputCost).toBe(1_146_001);
  });
});
