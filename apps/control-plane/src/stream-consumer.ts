import { randomBytes } from 'node:crypto';
import type { Logger } from '@relay/core/logger';
import type { HotStore, StreamEntry } from '@relay/hot-store';

export interface StreamConsumerOptions<R> {
  store: HotStore;
  logger: Logger;
  /** Logical stream name (`hotKeys.*Stream`) of a consumer of one stream; or `streams`. */
  stream?: string;
  /**
   * A consumer of several streams (the usage partitions): answers the names to read, asked at
   * start and again at every claim round, so streams that appear later (more partitions) are picked
   * up. One group per stream, all of the same name. Each read is one command per stream, never
   * one XREADGROUP over several (on a Redis Cluster their keys live in different slots).
   */
  streams?: () => Promise<string[]>;
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
  /** One stream: how long a read blocks waiting for entries (default 1 s). */
  blockMs?: number;
  /**
   * Several streams (no blocking read can span them on a cluster): the pause after a round in which
   * every stream was empty (default 100 ms, at most blockMs) — the most an idle consumer adds to an
   * entry's delivery, at one non-blocking read per stream per pause.
   */
  idlePollMs?: number;
  /** Longest pause between retries of a failing batch (default 5 s). */
  maxBackoffMs?: number;
  /** Observers (metrics): every read (empty ones too), each acknowledged batch, each failed attempt. */
  onRead?: (entries: StreamEntry[]) => void;
  onDone?: (entries: StreamEntry[], result: R) => void;
  onFailure?: () => void;
}

/** An entry as the consumer read it: with the stream it came from (acknowledged there). */
export interface SourcedEntry extends StreamEntry {
  stream: string;
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
  /** The streams read, each with its group ensured. */
  private current: string[] = [];

  constructor(private readonly opts: StreamConsumerOptions<R>) {
    if (!opts.stream === !opts.streams) throw new Error('StreamConsumer: give exactly one of stream and streams');
    this.consumer = opts.consumer ?? `cp-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  /** The streams this consumer reads (after start or the first read). */
  get streams(): readonly string[] {
    return this.current;
  }

  private get staleMs(): number {
    return this.opts.staleMs ?? 30_000;
  }

  /** Creates the groups if missing and starts the loop in the background. */
  async start(): Promise<void> {
    await this.refreshStreams();
    this.loop = this.run();
  }

  /** Asks for the streams to read and creates the group on those not seen before. */
  private async refreshStreams(): Promise<void> {
    const names = this.opts.streams ? await this.opts.streams() : [this.opts.stream!];
    const fresh = names.filter((name) => !this.current.includes(name));
    await Promise.all(fresh.map((name) => this.opts.store.ensureGroup(name, this.opts.group)));
    this.current = [...this.current, ...fresh];
  }

  /**
   * One read: stale entries of crashed consumers first (at most every `staleMs`; XAUTOCLAIM on each
   * stream), else new ones. One stream: a blocking read. Several: a read without waiting on each (in
   * one tick, so one round trip per node), their shares of the batch size; when all are empty, a
   * pause of `idlePollMs` (ended early by close()) and no entries.
   */
  async readBatch(): Promise<SourcedEntry[]> {
    const { store, group } = this.opts;
    const batch = this.opts.batchSize ?? 500;
    if (this.current.length === 0 || Date.now() - this.lastClaim >= Math.min(this.staleMs, 30_000)) {
      this.lastClaim = Date.now();
      await this.refreshStreams();
      const stale = await this.fromEach((stream) => store.claimStale(stream, group, this.consumer, this.staleMs, batch));
      if (stale.length) return stale;
    }
    const blockMs = this.opts.blockMs ?? 1000;
    if (this.current.length === 1) {
      const [stream] = this.current;
      return (await store.readGroup(stream, group, this.consumer, batch, blockMs)).map((e) => ({ ...e, stream }));
    }
    const share = Math.max(1, Math.ceil(batch / this.current.length));
    const fresh = await this.fromEach((stream) => store.readGroup(stream, group, this.consumer, share, 0));
    const idleMs = Math.min(this.opts.idlePollMs ?? 100, blockMs);
    if (fresh.length === 0 && idleMs > 0 && !this.stopped) await this.sleep(idleMs);
    return fresh;
  }

  /** Runs `read` on every stream at once and tags the entries with their stream. */
  private async fromEach(read: (stream: string) => Promise<StreamEntry[]>): Promise<SourcedEntry[]> {
    const streams = this.current;
    const results = await Promise.all(streams.map(read));
    return results.flatMap((entries, i) => entries.map((e) => ({ ...e, stream: streams[i] })));
  }

  /**
   * Handles a batch, then acknowledges it (on each entry's stream; an entry without one belongs to
   * the consumer's only stream) and trims what every group is done with.
   */
  async processBatch(entries: StreamEntry[]): Promise<R> {
    const { store, group, logger, label } = this.opts;
    const result = await this.opts.handle(entries);
    const byStream = new Map<string, string[]>();
    for (const e of entries) {
      const stream = (e as Partial<SourcedEntry>).stream ?? this.opts.stream ?? this.current[0];
      const ids = byStream.get(stream);
      if (ids) ids.push(e.id);
      else byStream.set(stream, [e.id]);
    }
    await Promise.all([...byStream].map(([stream, ids]) => store.ack(stream, group, ids)));
    this.stats.batches++;
    this.opts.onDone?.(entries, result);
    try {
      const trimmed = await Promise.all([...byStream.keys()].map((stream) => store.trimAcknowledged(stream)));
      this.stats.trimmed += trimmed.reduce((a, b) => a + b, 0);
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
