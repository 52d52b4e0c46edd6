import { encodeUsageEvent, hotChannels, hotKeys, type UsageEvent } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import type { Logger } from '../logger.ts';
import { UsageSpool } from './spool.ts';

const BATCH_MAX = 256;
const REPLAY_INTERVAL_MS = 1000;
const STREAM_MAX_LEN = 1_000_000;

/**
 * Publishes usage events: batched per tick (all stream appends and live-log publishes of a batch
 * are issued together, so the store client pipelines them into one round trip). An event the
 * store refuses goes to the spool and is replayed, in order, once the store answers again.
 */
export class UsagePublisher {
  private queue: UsageEvent[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private replayTimer: NodeJS.Timeout;
  private replaying = false;
  readonly spool: UsageSpool;

  constructor(private readonly store: HotStore, opts: { spoolMaxEvents: number; dataDir?: string }, private readonly logger: Logger) {
    this.spool = new UsageSpool(opts.spoolMaxEvents, opts.dataDir);
    this.replayTimer = setInterval(() => void this.replay(), REPLAY_INTERVAL_MS);
    this.replayTimer.unref();
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
    const results = await Promise.allSettled(encoded.map((e) => this.store.streamAdd(hotKeys.usageStream, e, STREAM_MAX_LEN)));
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
            await this.store.streamAdd(hotKeys.usageStream, e, STREAM_MAX_LEN);
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
    await this.flush();
    await this.replay().catch(() => undefined);
  }
}
