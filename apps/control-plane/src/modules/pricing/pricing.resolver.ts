import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { parseId } from '../../graphql/ids.ts';
import { ModelPriceInput } from './pricing.inputs.ts';
import { PricingService } from './pricing.service.ts';
import { ModelPriceType } from './pricing.types.ts';

@Resolver(() => ModelPriceType)
export class PricingResolver {
  @Authorized('ADMIN')
  @Query(() => [ModelPriceType], { description: 'Every model price, by model name ("*" = the default price) (admins only).' })
  async modelPrices(@Ctx() ctx: AppContext): Promise<ModelPriceType[]> {
    return (await new PricingService(serviceContext(ctx)).list()).map((p) => ModelPriceType.from(p));
  }

  @Authorized('ADMIN')
  @Mutation(() => ModelPriceType, { description: 'Sets the price of a model (creates or updates the (model, platform) row); proxies bill with it from the next request (admins only).' })
  async upsertModelPrice(@Ctx() ctx: AppContext, @Arg('input', () => ModelPriceInput, { description: 'Model, platform and USD per million tokens.' }) input: ModelPriceInput): Promise<ModelPriceType> {
    return ModelPriceType.from(await new PricingService(serviceContext(ctx)).upsert(input));
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Deletes a model price; the model then uses the default price "*" (admins only).' })
  async deleteModelPrice(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'Price id.' }) id: string): Promise<boolean> {
    return new PricingService(serviceContext(ctx)).delete(parseId(id));
  }
}
