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
