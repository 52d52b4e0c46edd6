import { randomBytes } from 'node:crypto';
import type { Logger } from '@relay/core/logger';
import type { HotStore, StreamEntry } from '@relay/hot-store';

export interface StreamConsumerOptions<R> {
  store: HotStore;
  logger: Logger;
  /** Logical stream name (`hotKeys.*Stream`). */
  stream: string;
  group: string;
  /** Names the consumer in log lines ("usage ingester"). */
  label: string;
  /**
   * Handles one batch. Resolving means the batch is done for good: its entries are acknowledged
   * and trimmed. Throwing leaves them pending; the same batch is retried with backoff.
   */
  handle: (entries: StreamEntry[]) => Promise<R>;
  /** Consumer name in the group (default: unique per process). */
  consumer?: string;
  /** Entries idle this long in another consumer's pending list are taken over (default 30 s). */
  staleMs?: number;
  batchSize?: number;
  blockMs?: number;
  /** Longest pause between retries of a failing batch (default 5 s). */
  maxBackoffMs?: number;
  /** Observers (metrics): every read (empty ones too), each acknowledged batch, each failed attempt. */
  onRead?: (entries: StreamEntry[]) => void;
  onDone?: (entries: StreamEntry[], result: R) => void;
  onFailure?: () => void;
}

/** Loop counters: `trimmed` counts stream entries removed once every group had acknowledged them. */
export interface StreamConsumerStats {
  batches: number;
  failures: number;
  trimmed: number;
}

const FIRST_BACKOFF_MS = 250;
const STORE_DOWN_PAUSE_MS = 1000;

/**
 * The one claim → read → handle → ack → trim loop behind every control-plane stream consumer (the
 * usage ingester, the proxy-events consumer): stale entries of crashed consumers first (at most
 * every `staleMs`), else new ones; a failing batch is retried with doubling backoff and never
 * acknowledged meanwhile. After each acknowledged batch, entries every group is done with are trimmed
 * from the stream, so an ingested event does not sit in Redis (or in the embedded store) until a cap.
 */
export class StreamConsumer<R> {
  readonly consumer: string;
  readonly stats: StreamConsumerStats = { batches: 0, failures: 0, trimmed: 0 };
  private stopped = false;
  private loop: Promise<void> | null = null;
  private lastClaim = 0;
  private wakeSleep: (() => void) | null = null;

  constructor(private readonly opts: StreamConsumerOptions<R>) {
    this.consumer = opts.consumer ?? `cp-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  private get staleMs(): number {
    return this.opts.staleMs ?? 30_000;
  }

  /** Creates the group if missing and starts the loop in the background. */
  async start(): Promise<void> {
    await this.opts.store.ensureGroup(this.opts.stream, this.opts.group);
    this.loop = this.run();
  }

  /** One read: stale entries of crashed consumers first (at most every `staleMs`), else new ones. */
  async readBatch(): Promise<StreamEntry[]> {
    const { store, stream, group } = this.opts;
    const batch = this.opts.batchSize ?? 500;
    if (Date.now() - this.lastClaim >= Math.min(this.staleMs, 30_000)) {
      this.lastClaim = Date.now();
      const stale = await store.claimStale(stream, group, this.consumer, this.staleMs, batch);
      if (stale.length) return stale;
    }
    return store.readGroup(stream, group, this.consumer, batch, this.opts.blockMs ?? 1000);
  }

  /** Handles a batch, then acknowledges it and trims what every group is done with. */
  async processBatch(entries: StreamEntry[]): Promise<R> {
    const { store, stream, group, logger, label } = this.opts;
    const result = await this.opts.handle(entries);
    await store.ack(stream, group, entries.map((e) => e.id));
    this.stats.batches++;
    this.opts.onDone?.(entries, result);
    try {
      this.stats.trimmed += await store.trimAcknowledged(stream);
    } catch (err) {
      // The batch is done; the next one trims what this one could not.
      logger.warn({ err }, `${label}: could not trim the stream`);
    }
    return result;
  }

  private async run(): Promise<void> {
    const { logger, label } = this.opts;
    let backoff = FIRST_BACKOFF_MS;
    while (!this.stopped) {
      let entries: StreamEntry[];
      try {
        entries = await this.readBatch();
        this.opts.onRead?.(entries);
      } catch (err) {
        if (this.stopped) break;
        logger.warn({ err }, `${label}: hot store unavailable, retrying`);
        await this.sleep(STORE_DOWN_PAUSE_MS);
        continue;
      }
      // The same batch is retried until it is handled: its entries stay pending (never acked) meanwhile.
      // A batch read just before close() is still handled once: left pending under this consumer's
      // name, it would hold back the trim until another consumer claimed it as stale.
      while (entries.length) {
        try {
          await this.processBatch(entries);
          backoff = FIRST_BACKOFF_MS;
          break;
        } catch (err) {
          this.stats.failures++;
          this.opts.onFailure?.();
          if (this.stopped) break;
          logger.warn({ err, entries: entries.length, retryInMs: backoff }, `${label}: could not handle a batch, retrying`);
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 5000);
        }
      }
    }
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
