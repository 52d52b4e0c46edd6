import { Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Platform } from '@relay/core';
import { bigintNumber, DATETIME } from './columns.ts';

/** The model name that prices every model without its own row. */
export const DEFAULT_PRICE_MODEL = '*';

/**
 * Price of a model in integer micro-USD per million tokens. platform null = any platform.
 * Note: SQL unique indexes treat NULLs as distinct, so (model, NULL) duplicates are prevented
 * by the writers (control plane), not by the index.
 */
@Entity({ tableName: 'model_prices' })
@Unique({ properties: ['model', 'platform'] })
export class ModelPrice {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'platform' | 'updatedAt';

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

  @Property({ ...DATETIME, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
