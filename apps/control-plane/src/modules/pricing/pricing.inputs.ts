import { Field, InputType, Int } from 'type-graphql';
import { IsOptional, MaxLength, MinLength, ValidateNested } from 'class-validator';
import type { MicroUsd } from '@relay/core';
import { UsdScalar } from '../../graphql/scalars.ts';
import { PlatformEnum } from '../accounts/platform.enum.ts';

/** The per-million-token figures every price input carries; alone, the default price. */
@InputType({ description: 'The default price, charged for models that have no price of their own; its figures are part of every price input.' })
export class DefaultPriceInput {
  @Field(() => UsdScalar, { description: 'USD per million input tokens.' })
  input!: MicroUsd;

  @Field(() => UsdScalar, { description: 'USD per million output tokens.' })
  output!: MicroUsd;

  @Field(() => UsdScalar, { nullable: true, description: 'USD per million tokens written to the prompt cache (default 0; in a tier, the tier\'s input price).' })
  @IsOptional()
  cacheWrite?: MicroUsd | null;

  @Field(() => UsdScalar, { nullable: true, description: 'USD per million tokens read from the prompt cache (default 0; in a tier, the tier\'s input price).' })
  @IsOptional()
  cacheRead?: MicroUsd | null;
}

@InputType({ description: 'Long-context prices: a request whose prompt (input + cache tokens) is above `aboveInputTokens` pays these for all its tokens.' })
export class PriceTierInput extends DefaultPriceInput {
  @Field(() => Int, { description: 'Prompt size in tokens above which the tier applies (e.g. 200000).' })
  aboveInputTokens!: number;

  @Field(() => UsdScalar, { nullable: true, description: 'USD per million 1-hour cache-write tokens in the tier (null = the tier\'s cache-write price).' })
  @IsOptional()
  cacheWrite1h?: MicroUsd | null;
}

@InputType({ description: 'The price of a model in USD per million tokens. (model, platform) identifies the row: an existing one is updated.' })
export class ModelPriceInput extends DefaultPriceInput {
  @Field(() => String, { description: 'Model name as clients send it; "*" is the default price for models without one.' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(128)
  model!: string;

  @Field(() => PlatformEnum, { nullable: true, description: 'Only for requests served by this platform; null = any platform.' })
  @IsOptional()
  platform?: PlatformEnum | null;

  @Field(() => UsdScalar, { nullable: true, description: 'USD per million tokens written to the cache for 1 hour; null = the cache-write price; omitted = unchanged.' })
  @IsOptional()
  cacheWrite1h?: MicroUsd | null;

  @Field(() => PriceTierInput, { nullable: true, description: 'Long-context tier; null removes it; omitted = unchanged.' })
  @IsOptional()
  @ValidateNested()
  tier?: PriceTierInput | null;
}
