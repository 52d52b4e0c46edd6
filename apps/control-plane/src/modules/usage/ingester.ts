import { USAGE_GROUP, type UsageEvent } from '@relay/core';
import type { Logger } from '@relay/core/logger';
import type { HotStore, StreamEntry } from '@relay/hot-store';
import type { MikroORM } from '@mikro-orm/core';
import { parseUsagePayload, persistUsageBatch } from './usage.persist.ts';
import { usageStreams } from './ingester-streams.ts';
import { StreamConsumer, type SourcedEntry, type StreamConsumerStats } from '../../stream-consumer.ts';
import type { IngesterObserver } from '../../metrics.ts';

export interface UsageIngesterOptions {
  orm: MikroORM;
  store: HotStore;
  logger: Logger;
  /** USAGE_TIMEZONE: day of the rollups and counters. */
  timeZone: string;
  /** USAGE_STREAM_PARTITIONS (default DEFAULT_USAGE_STREAM_PARTITIONS); more are read when a process announced more. */
  partitions?: number;
  /** Consumer name in the group (default: unique per process). */
  consumer?: string;
  /** Entries idle this long in another consumer's pending list are taken over (default 30 s). */
  staleMs?: number;
  batchSize?: number;
  blockMs?: number;
  /** Longest pause between retries while the database is down (default 5 s). */
  maxBackoffMs?: number;
  /** Metrics: reads, stored batches, failed attempts (the control plane's /metrics). */
  observer?: IngesterObserver;
  /** Runs after a batch committed, with its new events (alerts on key budgets); its errors are logged, never retried. */
  afterCommit?: (fresh: UsageEvent[]) => Promise<void>;
}

/** Counters for monitoring; `deadLetters` are malformed entries that were logged and dropped. */
export interface IngesterStats extends StreamConsumerStats {
  inserted: number;
  duplicates: number;
  deadLetters: number;
}

/** What one stored batch added. */
export interface IngestResult {
  inserted: number;
  duplicates: number;
  deadLetters: number;
}

/**
 * Reads usage events from the proxies' streams (every partition, see usageStreams) with the
 * consumer group USAGE_GROUP (several control planes share the work, each partition's group
 * hands every entry to one of them) and records each request exactly once: request_logs row, daily rollup,
 * API key counters (one transaction, deduplicated by request id), then the after-commit hook
 * (alerts), then the ack and the trim (the shared StreamConsumer loop). Entries are acknowledged only after the
 * database committed them, so a crash or an outage loses nothing: unacknowledged entries are
 * retried here, or claimed by another consumer.
 */
export class UsageIngester {
  private readonly loop: StreamConsumer<IngestResult>;
  private readonly counts = { inserted: 0, duplicates: 0, deadLetters: 0 };

  constructor(private readonly opts: UsageIngesterOptions) {
    const obs = opts.observer;
    this.loop = new StreamConsumer({
      store: opts.store, logger: opts.logger, streams: () => usageStreams(opts.store, opts.partitions), group: USAGE_GROUP, label: 'usage ingester',
      consumer: opts.consumer, staleMs: opts.staleMs, batchSize: opts.batchSize ?? 500, blockMs: opts.blockMs, maxBackoffMs: opts.maxBackoffMs,
      handle: (entries) => this.storeBatch(entries),
      onRead: obs ? (entries) => obs.read(entries) : undefined,
      onDone: obs ? (entries, r) => obs.stored(entries, r) : undefined,
      onFailure: obs ? () => obs.failed() : undefined,
    });
  }

  get consumer(): string {
    return this.loop.consumer;
  }

  /** The streams read (every partition and the pre-partition stream), once started or after a read. */
  get streams(): readonly string[] {
    return this.loop.streams;
  }

  get stats(): IngesterStats {
    const { batches, failures, trimmed } = this.loop.stats;
    return { batches, failures, trimmed, ...this.counts };
  }

  /** Creates the group if missing and starts the loop in the background. */
  start(): Promise<void> {
    return this.loop.start();
  }

  /** One read: stale entries of crashed consumers first (at most every `staleMs`), else new ones. */
  readBatch(): Promise<SourcedEntry[]> {
    return this.loop.readBatch();
  }

  /**
   * Stores one batch, acknowledges it and trims the stream. Malformed entries are logged and
   * acknowledged (never retried); a database error throws before anything is acknowledged.
   */
  ingest(entries: StreamEntry[]): Promise<IngestResult> {
    return this.loop.processBatch(entries);
  }

  private async storeBatch(entries: StreamEntry[]): Promise<IngestResult> {
    const { orm, logger, timeZone } = this.opts;
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
    const fresh = await persistUsageBatch(orm, events, timeZone);
    const inserted = fresh.length;
    if (inserted) await this.opts.afterCommit?.(fresh).catch((err: unknown) => logger.warn({ err }, 'usage ingester: after-commit hook failed'));
    this.counts.inserted += inserted;
    this.counts.duplicates += events.length - inserted;
    this.counts.deadLetters += deadLetters;
    return { inserted, duplicates: events.length - inserted, deadLetters };
  }

  /** Stops after the current read (at most one block interval); a batch in flight finishes first. */
  close(): Promise<void> {
    return this.loop.close();
  }
}
