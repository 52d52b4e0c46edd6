import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { ApiKey } from '@relay/db';
import type { HotStore } from '@relay/hot-store';
import type { Logger } from '@relay/core/logger';
import { compileSnapshot } from './snapshot.compile.ts';

const RETRY_MS = 1000;

/**
 * When a key with a cost limit last had usage recorded (0 when never): the budget floors in the
 * snapshot are current as long as this has not moved since it was compiled.
 */
async function lastLimitedSpend(em: EntityManager): Promise<number> {
  const k = await em.findOne(
    ApiKey,
    { lastUsedAt: { $ne: null }, $or: [{ dailyCostLimit: { $ne: null } }, { totalCostLimit: { $ne: null } }] },
    { fields: ['lastUsedAt'], orderBy: { lastUsedAt: 'desc' } },
  );
  return k?.lastUsedAt?.getTime() ?? 0;
}

/**
 * Compiles the proxies' ConfigSnapshot from the database and stores it in the hot store (the
 * store announces the new version on pub/sub). Bursts of changes coalesce: at most one rebuild
 * runs and at most one waits behind it, and every caller's promise resolves only once a snapshot
 * read *after* its change was published — so a mutation that awaits it is in force on every proxy
 * when it returns.
 */
export class SnapshotPublisher {
  private inFlight: Promise<number> | null = null;
  private queued: Promise<number> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private floorTimer: NodeJS.Timeout | null = null;
  /** lastLimitedSpend() read just before the last successful compile. */
  private floorsMark = 0;
  private closed = false;
  /** Version of the last snapshot this publisher stored (0 before the first). */
  lastVersion = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly store: HotStore,
    private readonly logger: Logger,
    /** USAGE_TIMEZONE: the day of the daily budget floors. */
    private readonly timeZone: string,
    /** Called for each failed build or publish (the control plane's metrics count them). */
    private readonly onFailure: () => void = () => undefined,
  ) {}

  /**
   * Asks for a rebuild reflecting everything committed so far. Resolves with the published
   * version, or -1 when publishing failed (logged, retried in the background): the database change
   * itself stands, and proxies pick it up with the retry.
   */
  requestRebuild(): Promise<number> {
    if (this.closed) return Promise.resolve(-1);
    if (this.queued) return this.queued;
    if (this.inFlight) {
      // The running build may have read the database before the caller's change: queue one more.
      this.queued = this.inFlight.then(() => {
        this.queued = null;
        return this.start();
      });
      return this.queued;
    }
    return this.start();
  }

  private start(): Promise<number> {
    const run = this.publish().finally(() => {
      if (this.inFlight === run) this.inFlight = null;
    });
    this.inFlight = run;
    return run;
  }

  private async publish(): Promise<number> {
    try {
      const em = this.orm.em.fork();
      // Read before compiling: usage recorded meanwhile moves it past the mark and triggers a refresh.
      const mark = await lastLimitedSpend(em);
      const body = await compileSnapshot(em, this.timeZone);
      this.floorsMark = mark;
      const version = await this.store.putSnapshot((v) => JSON.stringify({ version: v, ...body }));
      this.lastVersion = version;
      this.logger.debug({ version, keys: Object.keys(body.keys).length, accounts: body.accounts.length }, 'config snapshot published');
      return version;
    } catch (err) {
      this.logger.error({ err }, 'publishing the config snapshot failed; retrying');
      this.onFailure();
      this.scheduleRetry();
      return -1;
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.requestRebuild();
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  /**
   * Republishes when the store lost the snapshot (Redis restarted without persistence, or was
   * flushed): otherwise a proxy started afterwards would find no configuration until the next
   * change — and budgets would restart from floors only as fresh as the proxies' snapshot. The
   * republished snapshot carries the database's spend as floors, which raise the recreated counters.
   * Checks the stored version every `intervalMs`.
   */
  startWatchdog(intervalMs = 1000): void {
    if (this.watchdog || this.closed) return;
    this.watchdog = setInterval(() => {
      if (this.inFlight || this.lastVersion === 0) return;
      this.store.getSnapshotVersion().then(
        (stored) => {
          if (stored < this.lastVersion && !this.closed) {
            this.logger.warn({ stored, published: this.lastVersion }, 'config snapshot missing from the hot store; republishing');
            void this.requestRebuild();
          }
        },
        () => undefined, // store down: the next tick checks again
      );
    }, intervalMs);
    this.watchdog.unref();
  }

  /**
   * Keeps the budget floors in the snapshot recent: every `intervalMs`, when a key with a cost limit
   * had usage recorded since the last compile, republishes. A store that restarts empty then resets
   * no budget by more than what was spent in the last interval (plus the ingester's lag).
   */
  startFloorRefresh(intervalMs = 10_000): void {
    if (this.floorTimer || this.closed) return;
    this.floorTimer = setInterval(() => {
      if (this.inFlight || this.lastVersion === 0) return;
      lastLimitedSpend(this.orm.em.fork()).then(
        (last) => {
          if (last > this.floorsMark && !this.closed) void this.requestRebuild();
        },
        () => undefined, // database down: the next tick checks again
      );
    }, intervalMs);
    this.floorTimer.unref();
  }

  /** Stops retries and waits for a running build. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.floorTimer) clearInterval(this.floorTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await Promise.allSettled([this.inFlight, this.queued]);
  }
}
