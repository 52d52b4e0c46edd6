import { Field, InputType } from 'type-graphql';
import { IsOptional, MaxLength, MinLength } from 'class-validator';
import type { MicroUsd } from '@relay/core';
import { UsdScalar } from '../../graphql/scalars.ts';
import { PlatformEnum } from '../accounts/platform.enum.ts';

@InputType({ description: 'The price of a model in USD per million tokens. (model, platform) identifies the row: an existing one is updated.' })
export class ModelPriceInput {
  @Field(() => String, { description: 'Model name as clients send it; "*" is the default price for models without one.' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(128)
  model!: string;

  @Field(() => PlatformEnum, { nullable: true, description: 'Only for requests served by this platform; null = any platform.' })
  @IsOptional()
  platform?: PlatformEnum | null;

  @Field(() => UsdScalar, { description: 'USD per million input tokens.' })
  input!: MicroUsd;

  @Field(() => UsdScalar, { description: 'USD per million output tokens.' })
  output!: MicroUsd;

  @Field(() => UsdScalar, { nullable: true, description: 'USD per million tokens written to the prompt cache (default 0).' })
  @IsOptional()
  cacheWrite?: MicroUsd | null;

  @Field(() => UsdScalar, { nullable: true, description: 'USD per million tokens read from the prompt cache (default 0).' })
  @IsOptional()
  cacheRead?: MicroUsd | null;
}
