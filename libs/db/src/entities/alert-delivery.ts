import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { DATETIME } from './columns.ts';

export type AlertDeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

/**
 * The alert outbox: one row per (channel, event). The unique key makes emitting idempotent (the
 * same event id inserted twice, by two control planes or after a restart, stays one row), and a
 * delivery worker claims a row with a conditional UPDATE on `claimToken` before sending it.
 */
@Entity({ tableName: 'alert_deliveries' })
@Unique({ properties: ['channelId', 'eventId'] })
@Index({ properties: ['status', 'nextAttemptAt'] })
@Index({ properties: ['createdAt'] })
export class AlertDelivery {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'status' | 'attempts' | 'nextAttemptAt' | 'claimToken' | 'claimedUntil' | 'lastError' | 'lastAttemptAt' | 'deliveredAt' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  channelId!: number;

  /** Deterministic id of the fact (e.g. `key.budget:12:daily:2026-11-30:80`); sent as the dedup header. */
  @Property({ type: 'string', length: 191 })
  eventId!: string;

  @Property({ type: 'string', length: 32 })
  eventType!: string;

  /** The AlertEvent as emitted (type, title, text, details). */
  @Property({ type: 'json' })
  event!: Record<string, unknown>;

  @Property({ type: 'string', length: 16, default: 'pending' })
  status: AlertDeliveryStatus = 'pending';

  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Property({ ...DATETIME })
  nextAttemptAt: Date = new Date();

  /** Set by the worker that claimed the row; a claim expires at `claimedUntil` (a crashed worker's rows are retried). */
  @Property({ type: 'string', length: 32, nullable: true })
  claimToken: string | null = null;

  @Property({ ...DATETIME, nullable: true })
  claimedUntil: Date | null = null;

  @Property({ type: 'string', length: 1000, nullable: true })
  lastError: string | null = null;

  @Property({ ...DATETIME, nullable: true })
  lastAttemptAt: Date | null = null;

  @Property({ ...DATETIME, nullable: true })
  deliveredAt: Date | null = null;

  @Property({ ...DATETIME, onCreate: () => new Date() })
  createdAt: Date = new Date();
}
