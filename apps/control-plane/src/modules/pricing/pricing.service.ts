import { catalogColumns, catalogModelPrices, DEFAULT_PRICE_MODEL, ModelPrice, PRICE_CATALOG } from '@relay/db';
import { errors } from '../../graphql/errors.ts';
import { toPlatform } from '../accounts/platform.enum.ts';
import type { ModelPriceInput, PriceTierInput } from './pricing.inputs.ts';
import { deleteAudited, runMutation, type ServiceContext } from '../../service-context.ts';

function auditImage(p: ModelPrice): Record<string, unknown> {
  return {
    model: p.model, platform: p.platform, source: p.source, input: p.input, output: p.output, cacheWrite: p.cacheWrite, cacheRead: p.cacheRead,
    cacheWrite1h: p.cacheWrite1h, tierAboveInputTokens: p.tierAboveInputTokens, tierInput: p.tierInput, tierOutput: p.tierOutput,
    tierCacheWrite: p.tierCacheWrite, tierCacheRead: p.tierCacheRead, tierCacheWrite1h: p.tierCacheWrite1h,
  };
}

function nonNegative(v: number, field: string): number {
  if (v < 0) throw errors.badInput(field, 'must not be negative');
  return v;
}

/** The tier columns an input sets: `undefined` keeps the row's tier, null removes it. */
function tierColumns(tier: PriceTierInput | null | undefined): Partial<ModelPrice> {
  if (tier === undefined) return {};
  if (tier === null) {
    return { tierAboveInputTokens: null, tierInput: null, tierOutput: null, tierCacheWrite: null, tierCacheRead: null, tierCacheWrite1h: null };
  }
  if (!Number.isSafeInteger(tier.aboveInputTokens) || tier.aboveInputTokens < 1) throw errors.badInput('tier.aboveInputTokens', 'must be a positive number of tokens');
  return {
    tierAboveInputTokens: tier.aboveInputTokens,
    tierInput: nonNegative(tier.input, 'tier.input'), tierOutput: nonNegative(tier.output, 'tier.output'),
    tierCacheWrite: nonNegative(tier.cacheWrite ?? tier.input, 'tier.cacheWrite'), tierCacheRead: nonNegative(tier.cacheRead ?? tier.input, 'tier.cacheRead'),
    tierCacheWrite1h: tier.cacheWrite1h == null ? null : nonNegative(tier.cacheWrite1h, 'tier.cacheWrite1h'),
  };
}

/** What `syncModelPrices` did, in rows. */
export interface PriceSyncCounts {
  catalog: string;
  /** Catalog models that had no price row (any platform) and got one. */
  added: number;
  /** Catalog-sourced rows whose figures changed. */
  updated: number;
  /** Catalog-sourced rows already at the catalog's figures. */
  unchanged: number;
  /** Catalog models an admin priced by hand: left as they are. */
  manualKept: number;
}

/** Model prices (integer micro-USD per million tokens). Changes are audited and republished. */
export class PricingService {
  constructor(private readonly ctx: ServiceContext) {}

  async list(): Promise<ModelPrice[]> {
    return this.ctx.em.find(ModelPrice, {}, { orderBy: { model: 'asc', id: 'asc' } });
  }

  /**
   * Creates or updates the price of (model, platform); the row becomes MANUAL, so catalog syncs leave
   * it alone. NULL platforms are matched here, not by the unique index.
   */
  async upsert(input: ModelPriceInput): Promise<ModelPrice> {
    const model = input.model.trim();
    if (!model || /\s/.test(model)) throw errors.badInput('model', 'must be a model name without spaces (or "*")');
    const platform = input.platform ? toPlatform(input.platform) : null;
    const values: Partial<ModelPrice> = {
      input: nonNegative(input.input, 'input'),
      output: nonNegative(input.output, 'output'),
      cacheWrite: nonNegative(input.cacheWrite ?? 0, 'cacheWrite'),
      cacheRead: nonNegative(input.cacheRead ?? 0, 'cacheRead'),
      ...(input.cacheWrite1h === undefined ? {} : { cacheWrite1h: input.cacheWrite1h === null ? null : nonNegative(input.cacheWrite1h, 'cacheWrite1h') }),
      ...tierColumns(input.tier),
      source: 'MANUAL',
    };
    return runMutation(this.ctx, async (tx) => {
      let price = await tx.em.findOne(ModelPrice, { model, platform });
      const before = price ? auditImage(price) : undefined;
      if (price) Object.assign(price, values);
      else price = tx.em.create(ModelPrice, { model, platform, ...values } as ModelPrice);
      price.updatedAt = new Date();
      // The id of a new price is needed for the audit row; the insert stays inside the transaction.
      await tx.em.flush();
      tx.audit({ action: before ? 'price.update' : 'price.create', targetType: 'model_price', targetId: price.id, before, after: auditImage(price) });
      return price;
    }, { republishSnapshot: true });
  }

  async delete(id: number): Promise<boolean> {
    return runMutation(this.ctx, async (tx) => {
      const price = await tx.em.findOne(ModelPrice, { id });
      if (!price) throw errors.notFound('Model price', id);
      return deleteAudited(tx, ModelPrice, id, { action: 'price.delete', targetType: 'model_price', before: auditImage(price) });
    }, { republishSnapshot: true });
  }

  /** Removes the default price ("*" on any platform): unpriced models are refused again. False when there was none. */
  async clearDefault(): Promise<boolean> {
    const row = await this.ctx.em.findOne(ModelPrice, { model: DEFAULT_PRICE_MODEL, platform: null });
    return row ? this.delete(row.id) : false;
  }

  /**
   * Brings the bundled catalog's prices in force now into `model_prices`: adds catalog models no row
   * prices (on any platform), updates CATALOG rows whose figures changed, never touches MANUAL rows.
   * One audit row with the counts and the models added or changed.
   */
  async syncCatalog(now: Date = new Date()): Promise<PriceSyncCounts> {
    const catalog = catalogModelPrices(now);
    return runMutation(this.ctx, async (tx) => {
      const rows = await tx.em.find(ModelPrice, { platform: null });
      const byModel = new Map(rows.map((r) => [r.model, r]));
      const counts: PriceSyncCounts = { catalog: PRICE_CATALOG, added: 0, updated: 0, unchanged: 0, manualKept: 0 };
      const added: string[] = [];
      const updated: string[] = [];
      for (const p of catalog) {
        const columns = catalogColumns(p);
        const row = byModel.get(p.model);
        if (!row) {
          tx.em.create(ModelPrice, { model: p.model, platform: null, source: 'CATALOG', ...columns, updatedAt: now });
          added.push(p.model);
        } else if (row.source === 'MANUAL') {
          counts.manualKept++;
        } else if (Object.entries(columns).some(([k, v]) => row[k as keyof typeof columns] !== v)) {
          Object.assign(row, columns, { updatedAt: now });
          updated.push(p.model);
        } else {
          counts.unchanged++;
        }
      }
      counts.added = added.length;
      counts.updated = updated.length;
      await tx.em.flush();
      tx.audit({ action: 'price.sync', targetType: 'model_price', targetId: null, after: { ...counts, addedModels: added, updatedModels: updated } });
      return counts;
    }, { republishSnapshot: true });
  }
}
