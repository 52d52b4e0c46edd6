import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { DEFAULT_PRICE_MODEL } from '@relay/db';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { parseId } from '../../graphql/ids.ts';
import { DefaultPriceInput, ModelPriceInput } from './pricing.inputs.ts';
import { PricingService } from './pricing.service.ts';
import { ModelPriceType, PriceSyncResultType } from './pricing.types.ts';

@Resolver(() => ModelPriceType)
export class PricingResolver {
  @Authorized('ADMIN')
  @Query(() => [ModelPriceType], { description: 'Every model price, by model name ("*" = the default price) (admins only).' })
  async modelPrices(@Ctx() ctx: AppContext): Promise<ModelPriceType[]> {
    return (await new PricingService(serviceContext(ctx)).list()).map((p) => ModelPriceType.from(p));
  }

  @Authorized('ADMIN')
  @Mutation(() => ModelPriceType, { description: 'Sets the price of a model (creates or updates the (model, platform) row, which becomes MANUAL: catalog syncs leave it alone); proxies bill with it from the next request (admins only).' })
  async upsertModelPrice(@Ctx() ctx: AppContext, @Arg('input', () => ModelPriceInput, { description: 'Model, platform and USD per million tokens.' }) input: ModelPriceInput): Promise<ModelPriceType> {
    return ModelPriceType.from(await new PricingService(serviceContext(ctx)).upsert(input));
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Deletes a model price; the model then uses the default price "*" (admins only).' })
  async deleteModelPrice(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'Price id.' }) id: string): Promise<boolean> {
    return new PricingService(serviceContext(ctx)).delete(parseId(id));
  }

  @Authorized('ADMIN')
  @Mutation(() => PriceSyncResultType, { description: 'Brings in the bundled price catalog: adds models without a price, updates CATALOG prices, never changes MANUAL ones; returns the counts (admins only).' })
  async syncModelPrices(@Ctx() ctx: AppContext): Promise<PriceSyncResultType> {
    return Object.assign(new PriceSyncResultType(), await new PricingService(serviceContext(ctx)).syncCatalog());
  }

  @Authorized('ADMIN')
  @Mutation(() => ModelPriceType, { description: 'Sets the default price, charged for models without a price of their own (off until set) (admins only).' })
  async setDefaultModelPrice(@Ctx() ctx: AppContext, @Arg('input', () => DefaultPriceInput, { description: 'USD per million tokens.' }) input: DefaultPriceInput): Promise<ModelPriceType> {
    return ModelPriceType.from(await new PricingService(serviceContext(ctx)).upsert({ ...input, model: DEFAULT_PRICE_MODEL, platform: null }));
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Removes the default price: models without a price of their own are refused again. False when none was set (admins only).' })
  async clearDefaultModelPrice(@Ctx() ctx: AppContext): Promise<boolean> {
    return new PricingService(serviceContext(ctx)).clearDefault();
  }
}
