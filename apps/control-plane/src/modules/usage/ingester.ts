import { randomBytes } from 'node:crypto';
import { hotKeys, USAGE_GROUP, type UsageEvent } from '@relay/core';
import type { Logger } from '@relay/core/logger';
import type { HotStore, StreamEntry } from '@relay/hot-store';
import type { MikroORM } from '@mikro-orm/core';
import { parseUsagePayload, persistUsageBatch } from './usage.persist.ts';
import type { IngesterObserver } from '../../metrics.ts';

export interface UsageIngesterOptions {
  orm: MikroORM;
  store: HotStore;
  logger: Logger;
  /** USAGE_TIMEZONE: day of the rollups and counters. */
  timeZone: string;
  /** Consumer name in the group (default: unique per process). */
  consumer?: string;
  /** Entries idle this long in another consumer's pending list are taken over (default 30 s). */
  staleMs?: number;
  batchSize?: number;
  blockMs?: number;
  /** Longest pause between retries while the database is down (default 5 s). */
  maxBackoffMs?: number;
  /** Told about reads, stored and failed batches (the control plane's metrics). */
  observer?: IngesterObserver;
}

/** Counters for monitoring; `deadLetters` are malformed entries that were logged and dropped. */
export interface IngesterStats {
  batches: number;
  inserted: number;
  duplicates: number;
  deadLetters: number;
  failures: number;
}

/**
 * Reads usage events from the proxies' stream with the consumer group USAGE_GROUP (several control
 * planes share the work) and records each request exactly once: request_logs row, daily rollup,
 * API key counters (one transaction, deduplicated by request id), then the Redis counters, then
 * the ack. Entries are acknowledged only after the database committed them, so a crash or an
 * outage loses nothing: unacknowledged entries are retried here, or claimed by another consumer.
 */
export class UsageIngester {
  readonly consumer: string;
  readonly stats: IngesterStats = { batches: 0, inserted: 0, duplicates: 0, deadLetters: 0, failures: 0 };
  private stopped = false;
  private loop: Promise<void> | null = null;
  private lastClaim = 0;
  private wakeSleep: (() => void) | null = null;

  constructor(private readonly opts: UsageIngesterOptions) {
    this.consumer = opts.consumer ?? `cp-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  private get staleMs(): number {
    return this.opts.staleMs ?? 30_000;
  }

  /** Creates the group if missing and starts the loop in the background. */
  async start(): Promise<void> {
    await this.opts.store.ensureGroup(hotKeys.usageStream, USAGE_GROUP);
    this.loop = this.run();
  }

  /** One read: stale entries of crashed consumers first (at most every `staleMs`), else new ones. */
  async readBatch(): Promise<StreamEntry[]> {
    const { store } = this.opts;
    const batch = this.opts.batchSize ?? 500;
    if (Date.now() - this.lastClaim >= Math.min(this.staleMs, 30_000)) {
      this.lastClaim = Date.now();
      const stale = await store.claimStale(hotKeys.usageStream, USAGE_GROUP, this.consumer, this.staleMs, batch);
      if (stale.length) return stale;
    }
    return store.readGroup(hotKeys.usageStream, USAGE_GROUP, this.consumer, batch, this.opts.blockMs ?? 1000);
  }

  private async run(): Promise<void> {
    const { logger } = this.opts;
    let backoff = 250;
    while (!this.stopped) {
      let entries: StreamEntry[];
      try {
        entries = await this.readBatch();
        this.opts.observer?.read(entries);
      } catch (err) {
        if (this.stopped) break;
        logger.warn({ err }, 'usage ingester: hot store unavailable, retrying');
        await this.sleep(1000);
        continue;
      }
      // The same batch is retried until it is stored: its entries stay pending (never acked) meanwhile.
      while (entries.length && !this.stopped) {
        try {
          await this.ingest(entries);
          backoff = 250;
          break;
        } catch (err) {
          this.stats.failures++;
          this.opts.observer?.failed();
          logger.warn({ err, entries: entries.length, retryInMs: backoff }, 'usage ingester: could not store a batch, retrying');
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 5000);
        }
      }
    }
  }

  /**
   * Stores one batch and acknowledges it. Malformed entries are logged and acknowledged (never
   * retried); a database error throws before anything is acknowledged.
   */
  async ingest(entries: StreamEntry[]): Promise<{ inserted: number; duplicates: number; deadLetters: number }> {
    const { orm, store, logger, timeZone } = this.opts;
    const events: UsageEvent[] = [];
    let deadLetters = 0;
    for (const entry of entries) {
      try {
        events.push(parseUsagePayload(entry.payload));
      } catch (err) {
        deadLetters++;
        logger.warn({ id: entry.id, reason: (err as Error).message }, 'usage ingester: dropping a malformed usage event');
      }
    }
    const inserted = (await persistUsageBatch(orm, events, timeZone)).length;
    await store.ack(hotKeys.usageStream, USAGE_GROUP, entries.map((e) => e.id));
    this.stats.batches++;
    this.stats.inserted += inserted;
    this.stats.duplicates += events.length - inserted;
    this.stats.deadLetters += deadLetters;
    this.opts.observer?.stored(entries, { inserted, duplicates: events.length - inserted, deadLetters });
    return { inserted, duplicates: events.length - inserted, deadLetters };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wakeSleep = null;
        resolve();
      }, ms);
      this.wakeSleep = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Stops after the current read (at most one block interval); a batch in flight finishes first. */
  async close(): Promise<void> {
    this.stopped = true;
    this.wakeSleep?.();
    await this.loop;
  }
}
