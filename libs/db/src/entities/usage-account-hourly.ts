import { Entity, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { bigintNumber, DATETIME } from './columns.ts';

/**
 * Per UTC hour × upstream account rollup of request_logs, written by the ingester in the same
 * transaction as the rows; accountUsage sums its whole hours and reads only the partial edge
 * hours of a range from request_logs. Hours, not USAGE_TIMEZONE days: accountUsage takes instants.
 * The primary key is (hour, account_id): InnoDB stores a range of hours together, so a range query
 * reads only those rows (with an auto-increment id and a unique key MariaDB chose a full scan for 30 of 90 days).
 */
@Entity({ tableName: 'usage_account_hourly' })
export class UsageAccountHourly {
  [PrimaryKeyProp]?: ['hour', 'accountId'];

  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'requests' | 'inputTokens' | 'outputTokens' | 'cacheCreationInputTokens' | 'cacheReadInputTokens' | 'totalTokens' | 'cost' | 'baseCost' | 'errors';

  /** Start of the UTC hour. */
  @PrimaryKey({ ...DATETIME })
  hour!: Date;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  accountId!: number;

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

  /** Requests answered with status ≥ 400, or interrupted. */
  @Property({ type: bigintNumber(), default: 0 })
  errors: number = 0;
}
