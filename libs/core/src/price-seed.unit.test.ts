import { describe, expect, it } from 'vitest';
import { CATALOG_ALIASES, FALLBACK_MAX_OUTPUT_TOKENS, MODEL_MAX_OUTPUT, maxOutputTokensOf, PRICE_SUPPLEMENT } from './price-seed.ts';

describe('price seed: names and output limits', () => {
  it('keeps the known maximum output of the models people use', () => {
    expect(maxOutputTokensOf('claude-sonnet-4-20250514', null)).toBe(64_000);
    expect(maxOutputTokensOf('claude-3-7-sonnet-20250219', null)).toBe(128_000);
    expect(maxOutputTokensOf('claude-3-5-haiku-20241022', 'claude-console')).toBe(8_192);
    expect(maxOutputTokensOf('gpt-4o', null)).toBe(16_384);
    expect(maxOutputTokensOf('gemini-2.0-flash', 'gemini')).toBe(8_192);
    for (const v of Object.values(MODEL_MAX_OUTPUT)) expect(Number.isSafeInteger(v) && v > 0).toBe(true);
  });

  it('falls back to the platform figure for a model it does not know', () => {
    expect(maxOutputTokensOf('gemini-3.8-flash', 'gemini')).toBe(FALLBACK_MAX_OUTPUT_TOKENS.gemini);
    expect(maxOutputTokensOf('claude-opus-4-8', null)).toBe(128_000);
  });

  it('lists the default models of the three agent CLIs for the catalog, and every supplement names its source', () => {
    for (const m of ['claude-opus-4-8', 'claude-sonnet-5', 'gemini-3.1-pro-preview', 'gemini-3.5-flash-lite', 'gemini-3.8-flash', 'gpt-5.5']) {
      expect(CATALOG_ALIASES).toContain(m);
    }
    for (const s of PRICE_SUPPLEMENT) expect(s.source.length, s.model).toBeGreaterThan(10);
  });
});
