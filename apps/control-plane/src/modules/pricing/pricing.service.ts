import { ModelPrice } from '@relay/db';
import { errors } from '../../graphql/errors.ts';
import { toPlatform } from '../accounts/platform.enum.ts';
import type { ModelPriceInput } from './pricing.inputs.ts';
import { deleteAudited, runMutation, type ServiceContext } from '../../service-context.ts';

function auditImage(p: ModelPrice): Record<string, unknown> {
  return { model: p.model, platform: p.platform, input: p.input, output: p.output, cacheWrite: p.cacheWrite, cacheRead: p.cacheRead };
}

function nonNegative(v: number, field: string): number {
  if (v < 0) throw errors.badInput(field, 'must not be negative');
  return v;
}

/** Model prices (integer micro-USD per million tokens). Changes are audited and republished. */
export class PricingService {
  constructor(private readonly ctx: ServiceContext) {}

  async list(): Promise<ModelPrice[]> {
    return this.ctx.em.find(ModelPrice, {}, { orderBy: { model: 'asc', id: 'asc' } });
  }

  /** Creates or updates the price of (model, platform). NULL platforms are matched here, not by the unique index. */
  async upsert(input: ModelPriceInput): Promise<ModelPrice> {
    const model = input.model.trim();
    if (!model || /\s/.test(model)) throw errors.badInput('model', 'must be a model name without spaces (or "*")');
    const platform = input.platform ? toPlatform(input.platform) : null;
    const values = {
      input: nonNegative(input.input, 'input'),
      output: nonNegative(input.output, 'output'),
      cacheWrite: nonNegative(input.cacheWrite ?? 0, 'cacheWrite'),
      cacheRead: nonNegative(input.cacheRead ?? 0, 'cacheRead'),
    };
    return runMutation(this.ctx, async (tx) => {
      let price = await tx.em.findOne(ModelPrice, { model, platform });
      const before = price ? auditImage(price) : undefined;
      if (price) Object.assign(price, values);
      else price = tx.em.create(ModelPrice, { model, platform, ...values });
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
}
