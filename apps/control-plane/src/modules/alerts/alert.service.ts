import type { MikroORM } from '@mikro-orm/core';
import { AlertChannel, isMysql } from '@relay/db';
import type { Logger } from '@relay/core/logger';
import type { AlertEvent } from './alert-events.ts';

/**
 * Queues alerts in the outbox (`alert_deliveries`): one row per enabled channel subscribed to the
 * event's type, inserted with INSERT IGNORE on (channel, event id) so the same fact emitted twice —
 * by two control planes, a retried batch, a restart — stays one delivery per channel. Sending is
 * the delivery worker's job; emit() only wakes the worker of this process.
 *
 * Process-wide (AppServices.alerts): producers call `services.alerts.emit(alertEvents.xxx(...))`.
 */
export class AlertService {
  private readonly wakers = new Set<() => void>();
  /** Event ids this process already queued: hot facts (a key above 80 % all day) skip the database. */
  private readonly recent = new Set<string>();

  constructor(private readonly deps: { orm: MikroORM; logger: Logger }) {}

  /**
   * Queues `event` for every enabled channel that subscribes to its type; returns the number of
   * new deliveries (0 when there is no such channel or the event was queued before). Never throws:
   * an alert must not break the work that noticed the fact (a failure is logged).
   */
  async emit(event: AlertEvent): Promise<number> {
    if (this.recent.has(event.id)) return 0;
    try {
      const em = this.deps.orm.em.fork();
      const channels = await em.find(AlertChannel, { enabled: true }, { fields: ['id', 'events'] });
      const ids = channels.filter((c) => c.events.includes(event.type)).map((c) => c.id);
      const queued = await this.enqueue(ids, event);
      this.remember(event.id);
      return queued;
    } catch (err) {
      this.deps.logger.warn({ err, eventId: event.id }, 'alerts: could not queue an alert');
      return 0;
    }
  }

  /** Queues `event` for the given channels whatever they subscribe to ("send test"); returns new rows. */
  async enqueue(channelIds: number[], event: AlertEvent): Promise<number> {
    if (channelIds.length === 0) return 0;
    const { orm } = this.deps;
    const em = orm.em.fork();
    const conn = em.getConnection();
    const now = em.getPlatform().processDateProperty(new Date());
    const row = (channelId: number) => [channelId, event.id.slice(0, 191), event.type, JSON.stringify(event), 'pending', 0, now, now];
    const mysql = isMysql(orm);
    const sql =
      `${mysql ? 'insert ignore' : 'insert or ignore'} into \`alert_deliveries\` ` +
      '(`channel_id`, `event_id`, `event_type`, `event`, `status`, `attempts`, `next_attempt_at`, `created_at`) values ' +
      channelIds.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    // MySQL reports the rows an INSERT IGNORE inserted as affectedRows; SQLite's driver does not, but RETURNING lists exactly them.
    const inserted = mysql
      ? Number((await conn.execute<{ affectedRows?: number }>(sql, channelIds.flatMap(row), 'run')).affectedRows ?? 0)
      : (await conn.execute<{ id: number }[]>(`${sql} returning \`id\``, channelIds.flatMap(row), 'all')).length;
    if (inserted > 0) for (const wake of this.wakers) wake();
    return inserted;
  }

  /** Registers a callback run when this process queues a delivery (the worker's wake-up). */
  onQueued(wake: () => void): () => void {
    this.wakers.add(wake);
    return () => this.wakers.delete(wake);
  }

  private remember(id: string): void {
    // Bounded: forgetting only costs one more INSERT IGNORE.
    if (this.recent.size >= 10_000) this.recent.clear();
    this.recent.add(id);
  }
}
