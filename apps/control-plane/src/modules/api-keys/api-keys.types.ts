import { Authorized, Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLSafeInt } from 'graphql-scalars';
import type { ApiKey } from '@relay/db';
import { DateTimeScalar, UsdScalar } from '../../graphql/scalars.ts';
import { Paged } from '../../graphql/pagination.ts';
import { fromPlatform, PlatformEnum } from '../accounts/platform.enum.ts';
import { UserType } from '../users/users.types.ts';
import { ClientFamily, fromClientFamily, modelMappingList, ModelMappingEntryType } from './key-rules.types.ts';

@ObjectType('ApiKey', { description: 'A client API key. The key itself is shown only once, at creation; only its prefix is kept readable.' })
export class ApiKeyType {
  @Field(() => ID, { description: 'API key id.' })
  id!: string;

  @Field(() => String, { description: 'What the key is for.' })
  name!: string;

  @Field(() => String, { description: 'The first characters of the key ("sk-relay-AbCd"), to recognise it.' })
  keyPrefix!: string;

  @Field(() => Boolean, { description: 'Whether the proxy accepts the key.' })
  enabled!: boolean;

  @Field(() => [PlatformEnum], { nullable: true, description: 'Platforms the key may use; null = all.' })
  allowedPlatforms!: PlatformEnum[] | null;

  @Field(() => [String], { nullable: true, description: 'Models the key may request; null = all.' })
  allowedModels!: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Requests per minute; null = unlimited.' })
  rpm!: number | null;

  @Field(() => Int, { nullable: true, description: 'Tokens per minute; null = unlimited.' })
  tpm!: number | null;

  @Field(() => Int, { nullable: true, description: 'Concurrent requests; null = unlimited.' })
  concurrency!: number | null;

  @Field(() => UsdScalar, { nullable: true, description: 'Daily spending limit; null = unlimited.' })
  dailyCostLimit!: number | null;

  @Field(() => UsdScalar, { nullable: true, description: 'Total spending limit; null = unlimited.' })
  totalCostLimit!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the key stops working; null = never.' })
  expiresAt!: Date | null;

  @Field(() => [ModelMappingEntryType], { nullable: true, description: 'Model aliases, by alias; null = none.' })
  modelMapping!: ModelMappingEntryType[] | null;

  @Field(() => [ClientFamily], { nullable: true, description: 'Clients the key accepts; null = any client.' })
  allowedClients!: ClientFamily[] | null;

  // Bindings name upstream accounts, which only admins see: admins only, like the accounts themselves.
  @Authorized('ADMIN')
  @Field(() => ID, { nullable: true, description: 'The account group the key is bound to; null = none. Admins only; anyone else gets FORBIDDEN.' })
  accountGroupId!: string | null;

  @Authorized('ADMIN')
  @Field(() => [ID], { nullable: true, description: 'The accounts the key is bound to; null = none. Admins only; anyone else gets FORBIDDEN.' })
  accountIds!: string[] | null;

  @Field(() => GraphQLSafeInt, { description: 'Requests made with the key (as of the last usage ingestion).' })
  requestCount!: number;

  @Field(() => GraphQLSafeInt, { description: 'Tokens used with the key.' })
  tokensUsed!: number;

  @Field(() => UsdScalar, { description: 'Cost charged to the key so far.' })
  costUsed!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the key was last used.' })
  lastUsedAt!: Date | null;

  @Field(() => DateTimeScalar, { description: 'When the key was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the key was last changed.' })
  updatedAt!: Date;

  @Field(() => UserType, { description: 'The user who owns the key.' })
  owner!: UserType;

  static from(k: ApiKey): ApiKeyType {
    return Object.assign(new ApiKeyType(), {
      id: String(k.id),
      name: k.name,
      keyPrefix: k.keyPrefix,
      enabled: k.enabled,
      allowedPlatforms: k.allowedPlatforms ? k.allowedPlatforms.map(fromPlatform) : null,
      allowedModels: k.allowedModels,
      rpm: k.rpm,
      tpm: k.tpm,
      concurrency: k.concurrency,
      dailyCostLimit: k.dailyCostLimit,
      totalCostLimit: k.totalCostLimit,
      expiresAt: k.expiresAt,
      modelMapping: modelMappingList(k.modelMapping),
      allowedClients: k.allowedClients ? k.allowedClients.map(fromClientFamily) : null,
      accountGroupId: k.accountGroupId === null ? null : String(k.accountGroupId),
      accountIds: k.accountIds ? k.accountIds.map(String) : null,
      requestCount: k.requestCount,
      tokensUsed: k.tokensUsed,
      costUsed: k.costUsed,
      lastUsedAt: k.lastUsedAt,
      createdAt: k.createdAt,
      updatedAt: k.updatedAt,
      owner: UserType.from(k.user),
    });
  }
}

@ObjectType({ description: 'A new API key.' })
export class CreatedApiKey {
  @Field(() => String, { description: 'The full key ("sk-relay-…"). Shown only in this response: it cannot be read again.' })
  key!: string;

  @Field(() => ApiKeyType, { description: 'The stored key record.' })
  apiKey!: ApiKeyType;
}

@ObjectType({ description: 'A page of API keys, ordered by id.' })
export class PagedApiKeys extends Paged(ApiKeyType, 'API keys') {}
