import type { Logger } from '@relay/core/logger';
import type { MikroORM } from '@mikro-orm/core';
import { RequestLog } from '@relay/db';

const DAY_MS = 86_400_000;

export interface PruneOptions {
  /** Rows deleted per statement (default 1000), so no delete holds locks for long. */
  batchSize?: number;
  /** Pause between batches (default 200 ms), leaving the database to the ingester and the API. */
  pauseMs?: number;
  /** Checked between batches: a shutting-down process stops pruning early. */
  shouldStop?: () => boolean;
}

/**
 * Deletes request_logs rows created before `cutoff`, in batches (select a batch of ids, delete
 * them — the same statements on MySQL and SQLite). Rollups (usage_daily) are never touched.
 * Returns the number of rows deleted.
 */
export async function pruneRequestLogs(orm: MikroORM, cutoff: Date, opts: PruneOptions = {}): Promise<number> {
  const batchSize = opts.batchSize ?? 1000;
  let deleted = 0;
  for (;;) {
    const em = orm.em.fork();
    const rows = await em.find(RequestLog, { createdAt: { $lt: cutoff } }, { fields: ['id'], orderBy: { id: 'asc' }, limit: batchSize });
    if (rows.length === 0) return deleted;
    deleted += await em.nativeDelete(RequestLog, { id: { $in: rows.map((r) => r.id) } });
    if (rows.length < batchSize || opts.shouldStop?.()) return deleted;
    await new Promise((r) => setTimeout(r, opts.pauseMs ?? 200));
  }
}

/**
 * Runs `pruneRequestLogs` for RAW_LOG_RETENTION_DAYS shortly after start and then on an interval
 * (hourly). Retention 0 keeps raw logs forever (nothing is scheduled).
 */
export class RequestLogPruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: { orm: MikroORM; logger: Logger; retentionDays: number; intervalMs?: number; pauseMs?: number },
  ) {}

  start(): void {
    if (this.deps.retentionDays <= 0) return;
    const tick = () => {
      if (this.running || this.stopped) return;
      this.running = this.pruneOnce()
        .catch((err) => this.deps.logger.warn({ err }, 'request-log pruning failed; will retry at the next interval'))
        .finally(() => (this.running = null));
    };
    this.timer = setInterval(tick, this.deps.intervalMs ?? 3_600_000);
    this.timer.unref();
    setTimeout(tick, 5_000).unref();
  }

  /** Prunes now; returns how many rows were deleted. */
  async pruneOnce(now = Date.now()): Promise<number> {
    if (this.deps.retentionDays <= 0) return 0; // 0 = keep raw logs forever
    const cutoff = new Date(now - this.deps.retentionDays * DAY_MS);
    const n = await pruneRequestLogs(this.deps.orm, cutoff, { pauseMs: this.deps.pauseMs, shouldStop: () => this.stopped });
    if (n > 0) this.deps.logger.info({ deleted: n, before: cutoff.toISOString() }, 'pruned old request logs');
    return n;
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
