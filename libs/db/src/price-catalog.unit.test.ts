import { describe, expect, it } from 'vitest';
import { TieredPrices } from '@pydantic/genai-prices';
import { catalogModelPrices, convertCatalogPrices } from './price-catalog.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const byModel = new Map(catalogModelPrices(NOW).map((p) => [p.model, p]));

describe('prices from @pydantic/genai-prices', () => {
  it('converts the catalog figures to integer micro-USD per million tokens exactly', () => {
    // gemini-2.0-flash-lite is 0.075 / 0.3 in the catalog: float math would give 75000.00000000001 and 299999.99999999994.
    expect(byModel.get('gemini-2.0-flash-lite')).toMatchObject({ input: 75_000, output: 300_000 });
    // claude-sonnet-4-0: 3 / 15, cache write 3.75 (5 min) and 6 (1 h), read 0.3.
    expect(byModel.get('claude-sonnet-4-20250514')).toMatchObject({
      input: 3_000_000, output: 15_000_000, cacheWrite: 3_750_000, cacheWrite1h: 6_000_000, cacheRead: 300_000, tier: null, origin: 'anthropic/claude-sonnet-4-0',
    });
    // gemini-1.5-flash: 0.075 → 0.15 above 128k, cache read 0.01875 → 0.0375.
    expect(byModel.get('gemini-1.5-flash')).toMatchObject({
      input: 75_000, cacheRead: 18_750, tier: { aboveInputTokens: 128_000, input: 150_000, cacheRead: 37_500, output: 600_000 },
    });
  });

  it('prices the default models of Claude Code, Gemini CLI and Codex', () => {
    expect(byModel.get('claude-opus-4-8')).toMatchObject({ input: 5_000_000, output: 25_000_000, cacheWrite: 6_250_000, cacheWrite1h: 10_000_000, cacheRead: 500_000 });
    expect(byModel.get('claude-sonnet-5')).toMatchObject({ input: 2_000_000, output: 10_000_000, cacheWrite: 2_500_000, cacheRead: 200_000 });
    expect(byModel.get('claude-haiku-4-5-20251001')).toMatchObject({ input: 1_000_000, output: 5_000_000, origin: 'anthropic/claude-haiku-4-5' });
    expect(byModel.get('gemini-3.1-pro-preview')).toMatchObject({
      input: 2_000_000, output: 12_000_000, cacheWrite: 2_000_000, tier: { aboveInputTokens: 200_000, input: 4_000_000, output: 18_000_000 },
    });
    expect(byModel.get('gemini-3.5-flash-lite')).toMatchObject({ input: 300_000, output: 2_500_000, cacheRead: 30_000 });
    expect(byModel.get('gemini-3.8-flash')).toMatchObject({ input: 750_000, output: 3_750_000, cacheRead: 75_000 });
    expect(byModel.get('gpt-5.5')).toMatchObject({ input: 5_000_000, output: 30_000_000, cacheRead: 500_000, tier: { aboveInputTokens: 271_999, input: 10_000_000 } });
    expect(byModel.get('gpt-5.5-codex')?.origin).toBe('openai/gpt-5.5');
  });

  it('takes the prices in force at the time asked for', () => {
    // gemini-3.8-flash doubles on 2027-01-01 in the catalog.
    expect(catalogModelPrices(new Date('2027-01-02T00:00:00Z')).find((p) => p.model === 'gemini-3.8-flash')).toMatchObject({ input: 1_500_000, output: 7_500_000 });
  });

  it('lists each name once and leaves out what it cannot bill exactly', () => {
    const all = catalogModelPrices(NOW);
    expect(new Set(all.map((p) => p.model)).size).toBe(all.length);
    expect(byModel.has('gemma-3')).toBe(false); // no prices in the catalog
    const twoTiers = new TieredPrices({ base: 1, tiers: [{ start: 100, price: 2 }, { start: 200, price: 3 }] });
    expect(convertCatalogPrices({ input_mtok: twoTiers, output_mtok: 1 }, 'x', 'm')).toBeNull();
    expect(convertCatalogPrices({ input_mtok: 1 }, 'x', 'm')).toBeNull();
  });
});
