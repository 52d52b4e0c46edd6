import { Field, ID, ObjectType } from 'type-graphql';
import { DEFAULT_PRICE_MODEL, type ModelPrice } from '@relay/db';
import { DateTimeScalar, UsdScalar } from '../../graphql/scalars.ts';
import { fromPlatform, PlatformEnum } from '../accounts/platform.enum.ts';

@ObjectType('ModelPrice', { description: 'List price of a model in USD per million tokens (before each user\'s price rate).' })
export class ModelPriceType {
  @Field(() => ID, { description: 'Price id.' })
  id!: string;

  @Field(() => String, { description: 'Model name; "*" is the default price for models without their own.' })
  model!: string;

  @Field(() => Boolean, { description: 'True for the default price (model "*").' })
  isDefault!: boolean;

  @Field(() => PlatformEnum, { nullable: true, description: 'Only for this platform; null = any platform.' })
  platform!: PlatformEnum | null;

  @Field(() => UsdScalar, { description: 'USD per million input tokens.' })
  input!: number;

  @Field(() => UsdScalar, { description: 'USD per million output tokens.' })
  output!: number;

  @Field(() => UsdScalar, { description: 'USD per million cache-write tokens.' })
  cacheWrite!: number;

  @Field(() => UsdScalar, { description: 'USD per million cache-read tokens.' })
  cacheRead!: number;

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
      updatedAt: p.updatedAt,
    });
  }
}
