import { describe, expect, it } from 'vitest';
import { usdToMicro } from './money.ts';
import { modelFamily } from './platforms.ts';
import { DEFAULT_MODEL_PRICES } from './price-seed.ts';

describe('DEFAULT_MODEL_PRICES', () => {
  it('prices the models people use, each once', () => {
    const models = DEFAULT_MODEL_PRICES.map((p) => p.model);
    for (const m of [
      'claude-sonnet-4-20250514', 'claude-opus-4-20250514', 'claude-3-5-haiku-20241022', 'claude-3-7-sonnet-20250219',
      'claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-haiku-4-5-20251001',
      'gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o3', 'o4-mini', 'gpt-5', 'gpt-5-mini',
      'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.0-flash', 'gemini-2.5-flash-lite',
    ]) {
      expect(models).toContain(m);
    }
    expect(new Set(models).size).toBe(models.length);
  });

  it('holds exact USD amounts, with Claude cache write at 1.25× and cache read at 0.1× input', () => {
    for (const p of DEFAULT_MODEL_PRICES) {
      const input = usdToMicro(p.input);
      const [output, write, read] = [usdToMicro(p.output), usdToMicro(p.cacheWrite), usdToMicro(p.cacheRead)];
      expect(input).toBeGreaterThan(0);
      expect(output).toBeGreaterThan(0);
      expect(read).toBeLessThan(input);
      if (modelFamily(p.model) === 'anthropic') {
        expect(write * 4, p.model).toBe(input * 5);
        expect(read * 10, p.model).toBe(input);
      } else {
        expect(write, p.model).toBe(input);
      }
    }
  });
});
