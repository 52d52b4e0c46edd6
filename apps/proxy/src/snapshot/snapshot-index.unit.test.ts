import { SecretBox } from '@relay/core';
import { buildSnapshot, TEST_ENCRYPTION_KEY, toModelPrice } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { SnapshotIndex } from './snapshot-index.ts';

const HAIKU = 'claude-3-5-haiku-20241022';

function index(mapping: Record<string, string>) {
  const snapshot = buildSnapshot({
    accounts: [{ id: 'a', platform: 'claude-console', modelMapping: mapping, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
    prices: [{ model: HAIKU, price: { input: '0.8', output: '4' } }],
  });
  return new SnapshotIndex(snapshot, SecretBox.fromKey(TEST_ENCRYPTION_KEY));
}

describe('SnapshotIndex prices', () => {
  it('an unpriced alias that an account maps to a priced model is servable at that price', () => {
    const idx = index({ 'my-alias': HAIKU });
    expect(idx.hasAnyPrice('my-alias')).toBe(true);
    expect(idx.estimatePrice('my-alias')).toEqual(toModelPrice({ input: '0.8', output: '4' }));
    // Billing still looks up the model that served the request, never a made-up price for the alias.
    expect(idx.ownPrice('my-alias', 'claude-console')).toBeNull();
  });

  it('an unpriced model nobody maps stays refused (no default price)', () => {
    const idx = index({ 'my-alias': 'also-unpriced' });
    expect(idx.hasAnyPrice('my-alias')).toBe(false);
    expect(idx.hasAnyPrice('unknown-model')).toBe(false);
  });
});

describe('SnapshotIndex estimates (what admission reserves before the serving account is known)', () => {
  const box = SecretBox.fromKey(TEST_ENCRYPTION_KEY);
  const SONNET = 'claude-sonnet-4-20250514';

  it('estimates at the dearest price of the model on any platform and of what accounts map it to', () => {
    const idx = new SnapshotIndex(buildSnapshot({
      accounts: [{ id: 'a', platform: 'claude-console', modelMapping: { [HAIKU]: SONNET }, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
      prices: [
        { model: HAIKU, price: { input: '0.8', output: '4' } },
        { model: HAIKU, platform: 'bedrock', price: { input: '1', output: '3' } },
        { model: SONNET, price: { input: '3', output: '15' } },
      ],
    }), box);
    expect(idx.estimatePrice(HAIKU)).toEqual(toModelPrice({ input: '3', output: '15' }));
    // Mapped to Sonnet on one account: Sonnet's 64k output is possible for a "haiku" request.
    expect(idx.maxOutputTokens(HAIKU)).toBe(64_000);
    expect(idx.maxOutputTokens(SONNET)).toBe(64_000);
  });

  it('takes the maximum output from the catalog, else the largest platform fallback', () => {
    const idx = new SnapshotIndex(buildSnapshot({ prices: [{ model: 'gpt-4o', price: { input: '2.5', output: '10' } }, { model: 'in-house-model', price: { input: '1', output: '1' } }] }), box);
    expect(idx.maxOutputTokens('gpt-4o')).toBe(16_384);
    expect(idx.maxOutputTokens('in-house-model')).toBe(128_000);
    expect(idx.maxOutputTokens('only-default-priced')).toBe(128_000);
  });
});
