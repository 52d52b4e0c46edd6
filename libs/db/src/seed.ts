import type { EntityManager } from '@mikro-orm/core';
import { ModelPrice } from './entities/model-price.ts';
import { catalogModelPrices, type CatalogPrice } from './price-catalog.ts';

/** The columns of a model price a catalog entry sets (everything but identity, source and time). */
export function catalogColumns(p: CatalogPrice): Pick<ModelPrice, 'input' | 'output' | 'cacheWrite' | 'cacheRead' | 'cacheWrite1h'
  | 'tierAboveInputTokens' | 'tierInput' | 'tierOutput' | 'tierCacheWrite' | 'tierCacheRead' | 'tierCacheWrite1h'> {
  return {
    input: p.input, output: p.output, cacheWrite: p.cacheWrite, cacheRead: p.cacheRead, cacheWrite1h: p.cacheWrite1h,
    tierAboveInputTokens: p.tier?.aboveInputTokens ?? null, tierInput: p.tier?.input ?? null, tierOutput: p.tier?.output ?? null,
    tierCacheWrite: p.tier?.cacheWrite ?? null, tierCacheRead: p.tier?.cacheRead ?? null, tierCacheWrite1h: p.tier?.cacheWrite1h ?? null,
  };
}

/**
 * Fills `model_prices` from the bundled price catalog (source CATALOG) when the table is empty
 * (first start). Once an admin has any price row, nothing is touched, so edits and deletions survive
 * restarts; `syncModelPrices` brings a newer catalog in. Pass a forked EntityManager. Returns how
 * many rows were inserted.
 */
export async function seedModelPrices(em: EntityManager, now: Date = new Date()): Promise<number> {
  if ((await em.count(ModelPrice, {})) > 0) return 0;
  const prices = catalogModelPrices(now);
  for (const p of prices) {
    em.create(ModelPrice, { model: p.model, platform: null, source: 'CATALOG', ...catalogColumns(p), updatedAt: now });
  }
  await em.flush();
  return prices.length;
}
