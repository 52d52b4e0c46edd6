import { Entity, OptionalProps, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { Platform, UsageOutcome } from '@relay/core';
import { BigIntIdType, bigintNumber, DATETIME, RateDecimalType } from './columns.ts';

/**
 * One row per proxied request (the ingester upserts by requestId, so a re-delivered usage event
 * never counts twice). userId/apiKeyId/accountId are plain ids, not foreign keys: logs outlive
 * the keys and accounts they mention.
 */
@Entity({ tableName: 'request_logs' })
@Index({ properties: ['userId', 'createdAt'] })
// A user's records filtered by a rare status (issue 16: 5,266 rows read for one page without it, docs/BENCHMARKS.md).
@Index({ properties: ['userId', 'status', 'createdAt'] })
@Index({ properties: ['apiKeyId', 'createdAt'] })
@Index({ properties: ['createdAt'] })
@Index({ properties: ['model', 'createdAt'] })
// Per-account figures (accountUsage) group one account's range.
@Index({ properties: ['accountId', 'createdAt'] })
export class RequestLog {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'accountId' | 'platform' | 'errorType' | 'inputTokens' | 'outputTokens' | 'cacheCreationInputTokens' | 'cacheReadInputTokens' | 'totalTokens' | 'inputCost' | 'outputCost' | 'totalCost' | 'baseInputCost' | 'baseOutputCost' | 'baseCost' | 'priceRate' | 'priceInput' | 'priceOutput' | 'priceCacheWrite' | 'priceCacheRead' | 'latencyMs' | 'firstTokenMs' | 'attempts' | 'clientIp' | 'userAgent' | 'createdAt' | 'finishedAt' | 'outcome';

  @PrimaryKey({ type: BigIntIdType, autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64, unique: true })
  requestId!: string;

  @Property({ type: 'integer' })
  userId!: number;

  @Property({ type: 'integer' })
  apiKeyId!: number;

  @Property({ type: 'integer', nullable: true })
  accountId: number | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  platform: Platform | null = null;

  /** The model the client asked for. */
  @Property({ type: 'string', length: 128 })
  model!: string;

  /** The model sent upstream after account mapping. */
  @Property({ type: 'string', length: 128 })
  upstreamModel!: string;

  @Property({ type: 'string', length: 128 })
  endpoint!: string;

  @Property({ type: 'boolean' })
  stream!: boolean;

  /** HTTP status returned to the client. */
  @Property({ type: 'integer' })
  status!: number;

  @Property({ type: 'string', length: 64, nullable: true })
  errorType: string | null = null;

  /** How the request ended for billing: `completed`, or `interrupted` (its proxy died; billed from the last checkpoint). */
  @Property({ type: 'string', length: 16, default: 'completed' })
  outcome: UsageOutcome = 'completed';

  @Property({ type: 'integer', default: 0 })
  inputTokens: number = 0;

  @Property({ type: 'integer', default: 0 })
  outputTokens: number = 0;

  @Property({ type: 'integer', default: 0 })
  cacheCreationInputTokens: number = 0;

  @Property({ type: 'integer', default: 0 })
  cacheReadInputTokens: number = 0;

  @Property({ type: 'integer', default: 0 })
  totalTokens: number = 0;

  /** Rated (× priceRate) micro-USD. */
  @Property({ type: bigintNumber(), default: 0 })
  inputCost: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  outputCost: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  totalCost: number = 0;

  /** Base (list price) micro-USD. */
  @Property({ type: bigintNumber(), default: 0 })
  baseInputCost: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  baseOutputCost: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  baseCost: number = 0;

  /** The user's rate at the time of the request. */
  @Property({ type: RateDecimalType, columnType: 'decimal(10,4)', precision: 10, scale: 4, defaultRaw: '1.0000' })
  priceRate: string = '1.0000';

  /** The price used, micro-USD per million tokens. */
  @Property({ type: bigintNumber(), default: 0 })
  priceInput: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  priceOutput: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  priceCacheWrite: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  priceCacheRead: number = 0;

  @Property({ type: 'integer', default: 0 })
  latencyMs: number = 0;

  @Property({ type: 'integer', nullable: true })
  firstTokenMs: number | null = null;

  @Property({ type: 'integer', default: 1 })
  attempts: number = 1;

  @Property({ type: 'string', length: 64, nullable: true })
  clientIp: string | null = null;

  @Property({ type: 'string', length: 512, nullable: true })
  userAgent: string | null = null;

  /** Request start. */
  @Property({ ...DATETIME })
  createdAt: Date = new Date();

  @Property({ ...DATETIME })
  finishedAt: Date = new Date();
}
