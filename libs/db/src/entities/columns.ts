import { BigIntType, DecimalType, type Platform as DbPlatform, type EntityProperty } from '@mikro-orm/core';
import { BaseSqlitePlatform } from '@mikro-orm/knex';

/**
 * Column helpers shared by the entities. MikroORM gets no decorator metadata under esbuild, so
 * every property states its type; these keep the money and rate columns identical everywhere.
 */

/** A `bigint` column read as a JS number: micro-USD amounts and counters (always safe integers). */
export function bigintNumber(): BigIntType<'number'> {
  return new BigIntType('number');
}

/**
 * A `bigint` auto-increment primary key read as a number. SQLite only auto-increments an
 * `integer primary key` (which is 64-bit there anyway), so the column is declared `integer` on
 * SQLite and `bigint` on MySQL; otherwise every schema upgrade would see a change and rebuild the table.
 */
export class BigIntIdType extends BigIntType<'number'> {
  constructor() {
    super('number');
  }

  override getColumnType(prop: EntityProperty, platform: DbPlatform): string {
    if (platform instanceof BaseSqlitePlatform) return 'integer';
    return super.getColumnType(prop, platform);
  }
}

/**
 * `decimal(10,4)` price rate read as a string with exactly four decimals ("1.2500"), on every
 * driver: MariaDB already returns "1.2500", but SQLite stores DECIMAL with NUMERIC affinity and
 * would hand back the number 1.25. The string is then parsed by `parseRate` in @relay/core.
 */
export class RateDecimalType extends DecimalType {
  constructor() {
    super('string');
  }

  override convertToJSValue(value: string | number): string {
    const s = String(value);
    if (/^\d+\.\d{4}$/.test(s)) return s;
    // toFixed picks the decimal nearest to the stored double, so a 4-decimal value comes back exact.
    return Number(value).toFixed(4);
  }
}

/** Millisecond timestamps (`datetime(3)` on MySQL): request logs are ordered by them. */
export const DATETIME = { type: 'datetime', length: 3 } as const;
