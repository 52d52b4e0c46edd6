import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DEFAULT_PRICE_MODEL, type ModelPrice, type PriceSource } from '@relay/db';
import { DateTimeScalar, UsdScalar } from '../../graphql/scalars.ts';
import { fromPlatform, PlatformEnum } from '../accounts/platform.enum.ts';

export enum PriceSourceEnum {
  CATALOG = 'CATALOG',
  MANUAL = 'MANUAL',
}
registerEnumType(PriceSourceEnum, {
  name: 'PriceSource',
  description: 'Where a model price came from.',
  valuesConfig: {
    CATALOG: { description: 'The bundled price catalog (@pydantic/genai-prices); `syncModelPrices` keeps it current.' },
    MANUAL: { description: 'Set by an admin; `syncModelPrices` never changes it.' },
  },
});

/** The per-million-token figures a price and its long-context tier share. */
@ObjectType('PriceFigures', { description: 'USD per million tokens, the figures a price and its long-context tier share.' })
export class PriceFiguresType {
  @Field(() => UsdScalar, { description: 'USD per million input tokens.' })
  input!: number;

  @Field(() => UsdScalar, { description: 'USD per million output tokens.' })
  output!: number;

  @Field(() => UsdScalar, { description: 'USD per million cache-write tokens.' })
  cacheWrite!: number;

  @Field(() => UsdScalar, { description: 'USD per million cache-read tokens.' })
  cacheRead!: number;

  @Field(() => UsdScalar, { nullable: true, description: 'USD per million tokens written to the cache for 1 hour (null = the cache-write price).' })
  cacheWrite1h!: number | null;
}

@ObjectType('PriceTier', { description: 'Long-context prices: a request whose prompt (input + cache tokens) is above `aboveInputTokens` pays these for all its tokens.' })
export class PriceTierType extends PriceFiguresType {
  @Field(() => Int, { description: 'Prompt size in tokens above which the tier applies.' })
  aboveInputTokens!: number;


}

@ObjectType('PriceSyncResult', { description: 'What `syncModelPrices` changed.' })
export class PriceSyncResultType {
  @Field(() => String, { description: 'The catalog and version the prices came from.' })
  catalog!: string;

  @Field(() => Int, { description: 'Catalog models that had no price and got one.' })
  added!: number;

  @Field(() => Int, { description: 'Catalog-sourced prices whose figures changed.' })
  updated!: number;

  @Field(() => Int, { description: 'Catalog-sourced prices already current.' })
  unchanged!: number;

  @Field(() => Int, { description: 'Catalog models with a price set by an admin, left as they are.' })
  manualKept!: number;
}

@ObjectType('ModelPrice', { description: 'List price of a model in USD per million tokens (before each user\'s price rate).' })
export class ModelPriceType extends PriceFiguresType {
  @Field(() => ID, { description: 'Price id.' })
  id!: string;

  @Field(() => String, { description: 'Model name; "*" is the default price for models without their own.' })
  model!: string;

  @Field(() => Boolean, { description: 'True for the default price (model "*").' })
  isDefault!: boolean;

  @Field(() => PlatformEnum, { nullable: true, description: 'Only for this platform; null = any platform.' })
  platform!: PlatformEnum | null;


  @Field(() => PriceTierType, { nullable: true, description: 'Long-context tier, if the model has one.' })
  tier!: PriceTierType | null;

  @Field(() => PriceSourceEnum, { description: 'CATALOG (kept current by syncModelPrices) or MANUAL (set by an admin).' })
  source!: PriceSourceEnum;

  @Field(() => DateTimeScalar, { description: 'When the price was last changed.' })
  updatedAt!: Date;

  static from(p: ModelPrice): ModelPriceType {
    return Object.assign(new ModelPriceType(), {
      id: String(p.id),
      model: p.model,
      isDefault: p.model === DEFAULT_PRICE_MODEL,
      platform: p.platform ? fromPlatform(p.platform) : null,
      input: p.input,
      output: p.output,
      cacheWrite: p.cacheWrite,
      cacheRead: p.cacheRead,
      cacheWrite1h: p.cacheWrite1h,
      tier: p.tierAboveInputTokens === null ? null : Object.assign(new PriceTierType(), {
        aboveInputTokens: p.tierAboveInputTokens,
        input: p.tierInput ?? p.input, output: p.tierOutput ?? p.output,
        cacheWrite: p.tierCacheWrite ?? p.cacheWrite, cacheRead: p.tierCacheRead ?? p.cacheRead, cacheWrite1h: p.tierCacheWrite1h,
      }),
      source: p.source satisfies PriceSource as PriceSourceEnum,
      updatedAt: p.updatedAt,
    });
  }
}
