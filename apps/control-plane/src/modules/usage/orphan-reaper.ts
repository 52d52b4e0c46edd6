import { randomBytes } from 'node:crypto';
import {
  completeUsageEvent, decodeCheckpoint, DEFAULT_USAGE_STREAM_PARTITIONS, encodeUsageEvent, hotChannels, hotKeys, totalTokens, usageStreamFor,
  type InflightCheckpoint, type UsageEvent,
} from '@relay/core';
import type { Logger } from '@relay/core/logger';
import type { HotStore, SettleOp } from '@relay/hot-store';

export interface OrphanReaperOptions {
  store: HotStore;
  logger: Logger;
  /** USAGE_STREAM_PARTITIONS: a billed orphan goes to its request's usage partition. @default DEFAULT_USAGE_STREAM_PARTITIONS */
  partitions?: number;
  /** How often dead proxy instances are looked for. @default 2000 */
  intervalMs?: number;
  /** A claim on a dead instance's orphans lapses after this long (the claimant died). @default 60000 */
  claimTtlMs?: number;
  /** This reaper's name in the claim (default: unique per process). */
  reaperId?: string;
}

/** Counters for monitoring and tests. */
export interface ReaperStats {
  runs: number;
  billed: number;
  malformed: number;
}

/** How long a settled request's mark is kept: longer than any claim can lapse and be retried. */
const SETTLED_MARK_TTL_MS = 24 * 3600_000;

/**
 * Bills the requests of proxy instances that died mid-request. A proxy checkpoints each in-flight
 * request in `hotKeys.proxyInflight(instance)` and keeps `hotKeys.proxyAlive(instance)` fresh;
 * once that heartbeat has lapsed, one control plane claims the instance (`setIfAbsent` on
 * `hotKeys.proxyReaper`, so several control planes never work on the same orphans) and, per
 * checkpoint: publishes an `interrupted` usage event with the checkpointed tokens to the usage
 * stream (the ingester records each request id once, so a replay or a late normal event never
 * counts twice), settles the reservations once (guarded by `hotKeys.keySettled`), releases the
 * leases, and only then deletes the checkpoint. A reaper that dies half-way leaves its claim to
 * lapse and the next one redoes the same steps, each of them idempotent.
 */
export class OrphanReaper {
  readonly reaperId: string;
  readonly stats: ReaperStats = { runs: 0, billed: 0, malformed: 0 };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: OrphanReaperOptions) {
    this.reaperId = opts.reaperId ?? `cp-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.runOnce()).catch((err) => this.opts.logger.warn({ err }, 'orphan reaper: run failed'));
    }, this.opts.intervalMs ?? 2000);
    this.timer.unref();
  }

  /** One pass over the known instances; returns how many orphaned requests it billed. */
  async runOnce(): Promise<number> {
    const { store } = this.opts;
    this.stats.runs++;
    let billed = 0;
    for (const instanceId of Object.keys(await store.getHash(hotKeys.proxyInstances))) {
      if ((await store.get(hotKeys.proxyAlive(instanceId))) !== null) continue;
      const claim = hotKeys.proxyReaper(instanceId);
      if (!(await store.setIfAbsent(claim, this.reaperId, this.opts.claimTtlMs ?? 60_000))) continue;
      try {
        billed += await this.reapInstance(instanceId);
      } finally {
        await store.delIfEquals(claim, this.reaperId).catch(() => undefined);
      }
    }
    return billed;
  }

  private async reapInstance(instanceId: string): Promise<number> {
    const { store, logger } = this.opts;
    const inflightKey = hotKeys.proxyInflight(instanceId);
    const checkpoints = await store.getHash(inflightKey);
    let billed = 0;
    for (const [requestId, raw] of Object.entries(checkpoints)) {
      let checkpoint: InflightCheckpoint;
      try {
        checkpoint = decodeCheckpoint(raw);
      } catch (err) {
        this.stats.malformed++;
        logger.warn({ instanceId, requestId, reason: (err as Error).message }, 'orphan reaper: dropping a malformed checkpoint');
        await store.deleteHashFields(inflightKey, [requestId]);
        continue;
      }
      const event = interruptedEvent(checkpoint);
      const encoded = encodeUsageEvent(event);
      await store.streamAdd(usageStreamFor(requestId, this.opts.partitions ?? DEFAULT_USAGE_STREAM_PARTITIONS), encoded);
      void store.publish(hotChannels.liveLogs, encoded).catch(() => undefined);
      await this.settleOnce(checkpoint, event);
      await store.deleteHashFields(inflightKey, [requestId]);
      billed++;
      this.stats.billed++;
    }
    // Forget the instance once nothing of it is left (a proxy that comes back re-announces itself).
    if (Object.keys(await store.getHash(inflightKey)).length === 0) {
      await store.deleteHashFields(hotKeys.proxyInstances, [instanceId]);
    }
    if (billed > 0) logger.info({ instanceId, billed }, 'orphan reaper: billed the requests of a dead proxy as interrupted');
    return billed;
  }

  /** Moves each reserved counter to the actual figure and frees the leases; the counters only once per request. */
  private async settleOnce(c: InflightCheckpoint, event: UsageEvent): Promise<void> {
    const { store } = this.opts;
    const ops: SettleOp[] = c.leases.map((l) => ({ kind: 'release', key: l.key, leaseId: l.leaseId }));
    if (c.reserved.length > 0 && (await store.setIfAbsent(hotKeys.keySettled(event.apiKeyId, event.requestId), '1', SETTLED_MARK_TTL_MS))) {
      const tokens = totalTokens(event);
      for (const r of c.reserved) {
        const delta = (r.unit === 'tokens' ? tokens : event.totalCost) - r.amount;
        if (delta !== 0) ops.push({ kind: 'incr', key: r.key, amount: delta, ...(r.ttlMs ? { ttlMs: r.ttlMs } : {}) });
      }
    }
    await store.settle(ops);
  }

  /** Stops the timer and waits for a pass in progress. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running.catch(() => undefined);
  }
}

/**
 * The usage event of an orphaned request: the checkpointed tokens at the checkpointed price and
 * rate, ended at the checkpoint. A request whose client had not received a status yet is recorded
 * as 502 (what a client sees when the connection breaks behind a gateway).
 */
export function interruptedEvent(c: InflightCheckpoint): UsageEvent {
  const draft = { ...c.draft, status: c.draft.status || 502, errorType: c.draft.errorType ?? 'proxy_interrupted' };
  return completeUsageEvent(draft, Math.max(c.at, c.draft.startedAt), 'interrupted');
}
