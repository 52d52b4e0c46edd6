import { Entity, OptionalProps, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { bigintNumber } from './columns.ts';

/** Per day × user × key × model rollup that the stats queries read instead of raw logs. */
@Entity({ tableName: 'usage_daily' })
@Unique({ properties: ['day', 'userId', 'apiKeyId', 'model'] })
@Index({ properties: ['userId', 'day'] })
@Index({ properties: ['day'] })
export class UsageDaily {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'requests' | 'inputTokens' | 'outputTokens' | 'cacheCreationInputTokens' | 'cacheReadInputTokens' | 'totalTokens' | 'cost' | 'baseCost';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** 'YYYY-MM-DD' in USAGE_TIMEZONE. */
  @Property({ type: 'string', length: 10, columnType: 'char(10)' })
  day!: string;

  @Property({ type: 'integer' })
  userId!: number;

  @Property({ type: 'integer' })
  apiKeyId!: number;

  @Property({ type: 'string', length: 128 })
  model!: string;

  @Property({ type: bigintNumber(), default: 0 })
  requests: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  inputTokens: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  outputTokens: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  cacheCreationInputTokens: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  cacheReadInputTokens: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  totalTokens: number = 0;

  /** Rated micro-USD. */
  @Property({ type: bigintNumber(), default: 0 })
  cost: number = 0;

  /** Base micro-USD. */
  @Property({ type: bigintNumber(), default: 0 })
  baseCost: number = 0;
}
