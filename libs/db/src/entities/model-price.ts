import { Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Platform } from '@relay/core';
import { bigintNumber, DATETIME } from './columns.ts';

/** The model name that prices every model without its own row. */
export const DEFAULT_PRICE_MODEL = '*';

/** Where a price came from: the bundled price catalog (kept current by `syncModelPrices`) or an admin. */
export type PriceSource = 'CATALOG' | 'MANUAL';

/**
 * Price of a model in integer micro-USD per million tokens. platform null = any platform.
 * Note: SQL unique indexes treat NULLs as distinct, so (model, NULL) duplicates are prevented
 * by the writers (control plane), not by the index.
 */
@Entity({ tableName: 'model_prices' })
@Unique({ properties: ['model', 'platform'] })
export class ModelPrice {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'platform' | 'updatedAt' | 'source' | 'cacheWrite1h' | 'tierAboveInputTokens' | 'tierInput' | 'tierOutput'
    | 'tierCacheWrite' | 'tierCacheRead' | 'tierCacheWrite1h';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 128 })
  model!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  platform: Platform | null = null;

  @Property({ type: bigintNumber() })
  input!: number;

  @Property({ type: bigintNumber() })
  output!: number;

  @Property({ type: bigintNumber() })
  cacheWrite!: number;

  @Property({ type: bigintNumber() })
  cacheRead!: number;

  /** Cache write with the 1-hour lifetime; null = the cache-write price. */
  @Property({ type: bigintNumber(), nullable: true })
  cacheWrite1h: number | null = null;

  /**
   * Long-context tier: a request whose prompt (input + cache tokens) is above this many tokens pays the
   * tier prices for all its tokens. null = no tier (the tier prices are then null too).
   */
  @Property({ type: 'integer', nullable: true })
  tierAboveInputTokens: number | null = null;

  @Property({ type: bigintNumber(), nullable: true })
  tierInput: number | null = null;

  @Property({ type: bigintNumber(), nullable: true })
  tierOutput: number | null = null;

  @Property({ type: bigintNumber(), nullable: true })
  tierCacheWrite: number | null = null;

  @Property({ type: bigintNumber(), nullable: true })
  tierCacheRead: number | null = null;

  @Property({ type: bigintNumber(), nullable: true })
  tierCacheWrite1h: number | null = null;

  /** CATALOG rows are updated by `syncModelPrices`; an admin's edit makes a row MANUAL, which sync never touches. */
  @Property({ type: 'string', length: 16, default: 'MANUAL' })
  source: PriceSource = 'MANUAL';

  @Property({ ...DATETIME, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
