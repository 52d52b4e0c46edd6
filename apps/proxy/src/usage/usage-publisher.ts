import { DEFAULT_USAGE_STREAM_PARTITIONS, encodeUsageEvent, hotChannels, hotKeys, usageStreamFor, type UsageEvent } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import type { Gauge } from 'prom-client';
import type { Logger } from '../logger.ts';
import { UsageSpool } from './spool.ts';
import { UsageStreamCap } from './stream-cap.ts';

const BATCH_MAX = 256;
const REPLAY_INTERVAL_MS = 1000;
/** How often the stream's length is compared with its cap (one XLEN). */
const CAP_CHECK_MS = 5000;
/** At most one warning this often while the stream stays at its cap. */
const CAP_WARN_EVERY_MS = 60_000;

export interface UsagePublisherOptions {
  spoolMaxEvents: number;
  dataDir?: string;
  /** USAGE_STREAM_MAX_BYTES: the streams' safety cap, shared equally by the partitions (see UsageStreamCap). */
  streamMaxBytes: number;
  /** USAGE_STREAM_PARTITIONS (default DEFAULT_USAGE_STREAM_PARTITIONS): an event goes to the partition its request id hashes to. */
  partitions?: number;
  /** Set to 1 while the stream is at its cap (the ingester is not keeping up), else 0. */
  streamFullGauge?: Gauge;
}

/** The request id inside an encoded event (spooled events are kept encoded); '' when unreadable. */
function requestIdOf(encoded: string): string {
  try {
    const id = (JSON.parse(encoded) as { requestId?: unknown }).requestId;
    return typeof id === 'string' ? id : '';
  } catch {
    return '';
  }
}

/**
 * Publishes usage events to the usage stream partition of each request (usageStreamFor): batched per tick (all stream appends and live-log publishes of a batch
 * are issued together, so the store client pipelines them into one round trip). An event the
 * store refuses goes to the spool and is replayed, in order, once the store answers again.
 */
export class UsagePublisher {
  private queue: UsageEvent[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private replayTimer: NodeJS.Timeout;
  private replaying = false;
  private capTimer: NodeJS.Timeout;
  private lastCapWarning = 0;
  readonly spool: UsageSpool;
  readonly cap: UsageStreamCap;
  readonly partitions: number;

  constructor(private readonly store: HotStore, private readonly opts: UsagePublisherOptions, private readonly logger: Logger) {
    this.spool = new UsageSpool(opts.spoolMaxEvents, opts.dataDir);
    this.partitions = opts.partitions ?? DEFAULT_USAGE_STREAM_PARTITIONS;
    this.cap = new UsageStreamCap(opts.streamMaxBytes, this.partitions);
    // Ingesters read as many partitions as any process announced: announce ours before publishing.
    void this.announcePartitions();
    this.replayTimer = setInterval(() => void this.replay(), REPLAY_INTERVAL_MS);
    this.replayTimer.unref();
    this.capTimer = setInterval(() => void this.checkStreamCap().catch(() => undefined), CAP_CHECK_MS);
    this.capTimer.unref();
  }

  private announcePartitions(): Promise<void> {
    return this.store.raiseTo(hotKeys.usagePartitionCount, this.partitions).then(() => undefined, () => undefined);
  }

  /**
   * Compares each partition's length with its cap: at the cap, the oldest entries are being dropped before
   * the ingester stored them, so it is logged (once a minute) and shown on the gauge. True when one is at the cap.
   * Also announces the partition count again (the store may have restarted empty).
   */
  async checkStreamCap(): Promise<boolean> {
    void this.announcePartitions();
    const lengths = await Promise.all(Array.from({ length: this.partitions }, (_, i) => this.store.streamLength(hotKeys.usagePartition(i))));
    const length = Math.max(...lengths);
    const full = this.cap.reached(length);
    this.opts.streamFullGauge?.set(full ? 1 : 0);
    if (full && Date.now() - this.lastCapWarning >= CAP_WARN_EVERY_MS) {
      this.lastCapWarning = Date.now();
      this.logger.warn({ length, maxLen: this.cap.maxLen, maxBytes: this.cap.maxBytes, partitions: this.partitions }, 'usage stream at its cap (USAGE_STREAM_MAX_BYTES): the ingester is not keeping up, the oldest events are dropped');
    }
    return full;
  }

  publish(event: UsageEvent): void {
    this.queue.push(event);
    if (this.queue.length >= BATCH_MAX) void this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Sends everything queued; resolves when the store answered (or the events were spooled). */
  flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.send(batch));
    return this.flushing;
  }

  private async send(batch: UsageEvent[]): Promise<void> {
    const encoded = batch.map(encodeUsageEvent);
    if (this.spool.size > 0) {
      // Keep order: while older events wait in the spool, new ones queue behind them.
      for (const e of encoded) this.spool.add(e);
      return;
    }
    this.cap.observe(encoded);
    const maxLen = this.cap.maxLen;
    const results = await Promise.allSettled(encoded.map((e, i) => this.store.streamAdd(usageStreamFor(batch[i].requestId, this.partitions), e, maxLen)));
    for (const e of encoded) void this.store.publish(hotChannels.liveLogs, e).catch(() => undefined);
    let failed = 0;
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        failed++;
        this.spool.add(encoded[i]);
      }
    });
    if (failed > 0) this.logger.warn({ failed, spooled: this.spool.size }, 'usage events spooled: hot store unavailable');
  }

  /** Replays spooled events oldest first; stops at the first refusal. Each event is removed only once delivered. */
  async replay(): Promise<void> {
    if (this.replaying || this.spool.size === 0) return;
    this.replaying = true;
    try {
      await this.flushing;
      while (this.spool.size > 0) {
        const batch = this.spool.peek(100);
        let delivered = 0;
        for (const e of batch) {
          try {
            await this.store.streamAdd(usageStreamFor(requestIdOf(e), this.partitions), e, this.cap.maxLen);
          } catch {
            break;
          }
          delivered++;
        }
        this.spool.shift(delivered);
        if (delivered < batch.length) break;
      }
    } finally {
      this.replaying = false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.replayTimer);
    clearInterval(this.capTimer);
    await this.flush();
    await this.replay().catch(() => undefined);
  }
}
