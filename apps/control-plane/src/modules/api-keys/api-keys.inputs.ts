import { Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsOptional, MaxLength, Min, MinLength, Max, ValidateNested } from 'class-validator';
import type { MicroUsd } from '@relay/core';
import { DateTimeScalar, UsdScalar } from '../../graphql/scalars.ts';
import { PlatformEnum } from '../accounts/platform.enum.ts';
import { ClientFamily, ModelMappingEntryInput } from './key-rules.types.ts';

/** Limits and restrictions shared by create and update; null = no limit / no restriction. */
@InputType({ description: 'Base of the input types that extend it (not used on its own).' })
abstract class ApiKeyLimitsInput {
  @Field(() => [PlatformEnum], { nullable: true, description: 'Platforms the key may use; null or empty = all.' })
  @IsOptional()
  @ArrayMaxSize(16)
  allowedPlatforms?: PlatformEnum[] | null;

  @Field(() => [String], { nullable: true, description: 'Models the key may request; null or empty = all.' })
  @IsOptional()
  @ArrayMaxSize(500)
  @MaxLength(128, { each: true })
  allowedModels?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Requests per minute; null = unlimited. Must be ≥ 1.' })
  @IsOptional()
  @Min(1, { message: 'must be at least 1 (null for unlimited)' })
  @Max(10_000_000)
  rpm?: number | null;

  @Field(() => Int, { nullable: true, description: 'Tokens per minute; null = unlimited. Must be ≥ 1.' })
  @IsOptional()
  @Min(1, { message: 'must be at least 1 (null for unlimited)' })
  @Max(2_000_000_000)
  tpm?: number | null;

  @Field(() => Int, { nullable: true, description: 'Concurrent requests; null = unlimited. Must be ≥ 1.' })
  @IsOptional()
  @Min(1, { message: 'must be at least 1 (null for unlimited)' })
  @Max(100_000)
  concurrency?: number | null;

  @Field(() => UsdScalar, { nullable: true, description: 'Most USD the key may spend per day (USAGE_TIMEZONE); null = unlimited.' })
  @IsOptional()
  dailyCostLimit?: MicroUsd | null;

  @Field(() => UsdScalar, { nullable: true, description: 'Most USD the key may spend in total; null = unlimited.' })
  @IsOptional()
  totalCostLimit?: MicroUsd | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the key stops working; must be in the future; null = never.' })
  @IsOptional()
  expiresAt?: Date | null;

  @Field(() => [ModelMappingEntryInput], { nullable: true, description: 'Model aliases (`sonnet` → `claude-sonnet-4-5`): the served model is checked, routed and billed; null or empty = none.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  modelMapping?: ModelMappingEntryInput[] | null;

  @Field(() => [ClientFamily], { nullable: true, description: 'Clients the key accepts (by User-Agent; others get 403); null or empty = any client.' })
  @IsOptional()
  @ArrayMaxSize(8)
  allowedClients?: ClientFamily[] | null;

  @Field(() => ID, { nullable: true, description: 'Admins only: bind the key to this account group (clears accountIds); null removes the group binding. Unbound keys follow their owner\'s default binding, else every account.' })
  @IsOptional()
  accountGroupId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Admins only: bind the key to these accounts (clears accountGroupId); null or empty removes the account binding.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  accountIds?: string[] | null;
}

@InputType({ description: 'A new API key.' })
export class CreateApiKeyInput extends ApiKeyLimitsInput {
  @Field(() => String, { description: 'What the key is for (1–128 characters).' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(128)
  name!: string;
}

@InputType({ description: 'Changes to an API key: omitted fields stay; a field given as null removes that limit.' })
export class UpdateApiKeyInput extends ApiKeyLimitsInput {
  @Field(() => String, { nullable: true, description: 'New name.' })
  @IsOptional()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(128)
  name?: string | null;
}

@InputType({ description: 'Narrows the list of all API keys; fields combine with AND.' })
export class ApiKeyFilter {
  @Field(() => ID, { nullable: true, description: 'Only keys of this user.' })
  @IsOptional()
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'Substring of the key name or its prefix.' })
  @IsOptional()
  @MaxLength(128)
  search?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only enabled (true) or disabled (false) keys.' })
  @IsOptional()
  enabled?: boolean | null;
}
