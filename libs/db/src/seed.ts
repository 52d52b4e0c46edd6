import type { EntityManager } from '@mikro-orm/core';
import { DEFAULT_MODEL_PRICES, usdToMicro } from '@relay/core';
import { ModelPrice } from './entities/model-price.ts';

/**
 * Fills `model_prices` with DEFAULT_MODEL_PRICES when the table is empty (first start). Once an
 * admin has any price row, nothing is touched, so edits and deletions survive restarts.
 * Pass a forked EntityManager. Returns how many rows were inserted.
 */
export async function seedModelPrices(em: EntityManager): Promise<number> {
  if ((await em.count(ModelPrice, {})) > 0) return 0;
  const now = new Date();
  for (const p of DEFAULT_MODEL_PRICES) {
    em.create(ModelPrice, {
      model: p.model,
      platform: p.platform,
      input: usdToMicro(p.input),
      output: usdToMicro(p.output),
      cacheWrite: usdToMicro(p.cacheWrite),
      cacheRead: usdToMicro(p.cacheRead),
      updatedAt: now,
    });
  }
  await em.flush();
  return DEFAULT_MODEL_PRICES.length;
}
