import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { encodeCheckpoint, hotKeys, type HeldLease, type InflightCheckpoint, type ModelPrice, type ReservedCounter } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import { EMBEDDING_ENDPOINTS, type ProxyState } from '../context.ts';
import { DAY_TTL_MS, TPM_TTL_MS, type Reservation } from '../limits/admission.ts';
import type { Logger } from '../logger.ts';
import type { UsageCollector } from '@relay/upstreams';
import { billedPrice, usageDraft, type RequestMeta, type RequestOutcome } from './build-event.ts';

/**
 * Concurrency leases live this long past their owner's last heartbeat: a proxy that dies frees
 * its slots within this time (the heartbeat renews them every HEARTBEAT_MS while it lives).
 */
export const LEASE_TTL_MS = 10_000;
/** How often an instance proves it is alive and renews its leases. */
export const HEARTBEAT_MS = 2_000;
/** The heartbeat key's TTL: once it lapses the control plane bills the instance's orphans. */
export const HEARTBEAT_TTL_MS = 10_000;
/** In-flight usage is checkpointed at least this often (plus when a stream first reports usage). */
export const CHECKPOINT_MS = 1_000;

interface Tracked {
  s: ProxyState;
  reserved: ReservedCounter[];
  /** The key's concurrency lease, when the key has a limit. */
  keyLease: HeldLease | null;
  /** The serving account's lease, while one is held. */
  accountLease: HeldLease | null;
  estimatePrice: ModelPrice;
  meta: RequestMeta;
  outcome: RequestOutcome | null;
  collector: UsageCollector | null;
  /** What the last checkpoint written said (tokens, status, account); null until one was written. */
  written: string | null;
}

/**
 * The in-flight requests of this proxy instance, and its heartbeat. Leases and budget reservations
 * belong to this instance: every HEARTBEAT_MS it refreshes `hotKeys.proxyAlive(instanceId)` and
 * renews the leases of its requests; every CHECKPOINT_MS it writes the usage of its changed
 * requests to `hotKeys.proxyInflight(instanceId)` in ONE command. Nothing here runs per SSE chunk.
 * When the process dies, its leases expire within LEASE_TTL_MS and the control plane's orphan
 * reaper bills the checkpoints once the heartbeat has lapsed.
 */
export class InflightRegistry {
  readonly instanceId: string;
  private readonly requests = new Map<string, Tracked>();
  /** Account leases of requests that are never billed (count_tokens): renewed only. */
  private readonly leaseOnly = new Map<string, HeldLease>();
  private readonly inflightKey: string;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private flushScheduled = false;

  constructor(private readonly store: HotStore, private readonly logger: Logger, instanceId?: string) {
    this.instanceId = instanceId ?? `${hostname().slice(0, 24)}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.inflightKey = hotKeys.proxyInflight(this.instanceId);
  }

  /** Announces the instance and starts the heartbeat and checkpoint timers. */
  async start(): Promise<void> {
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    this.checkpointTimer = setInterval(() => void this.checkpoint(), CHECKPOINT_MS);
    this.checkpointTimer.unref();
  }

  /** How many requests are in flight on this instance. */
  get size(): number {
    return this.requests.size + this.leaseOnly.size;
  }

  /** An admitted request: from now on it is checkpointed and its key lease renewed. */
  begin(s: ProxyState, reservation: Reservation, estimatePrice: ModelPrice, meta: RequestMeta): void {
    const reserved: ReservedCounter[] = [];
    if (reservation.tpmKey) reserved.push({ key: reservation.tpmKey, unit: 'tokens', amount: reservation.estimatedTokens, ttlMs: TPM_TTL_MS });
    if (reservation.dayCostKey) reserved.push({ key: reservation.dayCostKey, unit: 'cost', amount: reservation.estimatedCost, ttlMs: DAY_TTL_MS });
    if (reservation.totalCostKey) reserved.push({ key: reservation.totalCostKey, unit: 'cost', amount: reservation.estimatedCost });
    const keyLease = reservation.leaseKey ? { key: reservation.leaseKey, leaseId: reservation.leaseId } : null;
    this.requests.set(s.requestId, { s, reserved, keyLease, accountLease: null, estimatePrice, meta, outcome: null, collector: null, written: null });
  }

  /**
   * The account attempt now serving the request: its outcome record and usage collector are read
   * at each checkpoint. Returns the collector to use, which asks for an early checkpoint at the
   * stream's first event — Anthropic's `message_start`, the event that reports the prompt's usage —
   * so even a crash within the first second bills the prompt. Later events cost one comparison.
   */
  attempt(requestId: string, outcome: RequestOutcome, collector: UsageCollector): UsageCollector {
    const t = this.requests.get(requestId);
    if (!t) return collector;
    t.outcome = outcome;
    t.collector = collector;
    let first = true;
    return {
      event: (ev) => {
        collector.event(ev);
        if (first) {
          first = false;
          this.checkpointSoon();
        }
      },
      json: (body) => collector.json(body),
      streamError: () => collector.streamError(),
      usage: () => collector.usage(),
    };
  }

  /** The account lease the request holds now (null once released), renewed with the heartbeat. */
  holdAccountLease(requestId: string, lease: HeldLease | null): void {
    const t = this.requests.get(requestId);
    if (t) t.accountLease = lease;
    else if (lease) this.leaseOnly.set(requestId, lease);
    else this.leaseOnly.delete(requestId);
  }

  /**
   * The request finished (its own usage event and settlement go out in this same tick). The
   * checkpoint's deletion is issued first, so the pipelined write carries it ahead of the
   * settlement: a crash in between can leave a reservation unsettled (too much reserved), never
   * settled twice.
   */
  end(requestId: string): void {
    this.leaseOnly.delete(requestId);
    const t = this.requests.get(requestId);
    if (!t) return;
    this.requests.delete(requestId);
    if (t.written !== null) void this.store.deleteHashFields(this.inflightKey, [requestId]).catch(() => undefined);
  }

  /** Writes the checkpoints of new and changed requests in one command. */
  async checkpoint(now = Date.now()): Promise<void> {
    this.flushScheduled = false;
    const fields: Record<string, string> = {};
    const written: [Tracked, string | null][] = [];
    for (const [requestId, t] of this.requests) {
      const cp = this.checkpointOf(t, now);
      const d = cp.draft;
      const signature = `${d.status}|${d.accountId}|${d.attempts}|${d.inputTokens}|${d.outputTokens}|${d.cacheCreationInputTokens}|${d.cacheReadInputTokens}|${cp.leases.length}`;
      if (signature === t.written) continue;
      fields[requestId] = encodeCheckpoint(cp);
      written.push([t, t.written]);
      // Marked before the write lands: a request ending meanwhile then issues its HDEL, which the
      // connection delivers after this HSET, so no checkpoint of a finished request is left behind.
      t.written = signature;
    }
    if (written.length === 0) return;
    try {
      await this.store.setHashFields(this.inflightKey, fields);
    } catch (err) {
      for (const [t, previous] of written) t.written = previous;
      this.logger.debug({ err: (err as Error).message }, 'in-flight checkpoint not written');
    }
  }

  /** Proves the instance alive and renews every lease its requests hold (one pipelined write). */
  async heartbeat(now = Date.now()): Promise<void> {
    const byKey = new Map<string, string[]>();
    const add = (lease: HeldLease | null) => {
      if (!lease) return;
      const ids = byKey.get(lease.key);
      if (ids) ids.push(lease.leaseId);
      else byKey.set(lease.key, [lease.leaseId]);
    };
    for (const t of this.requests.values()) {
      add(t.keyLease);
      add(t.accountLease);
    }
    for (const lease of this.leaseOnly.values()) add(lease);
    const writes: Promise<unknown>[] = [
      this.store.set(hotKeys.proxyAlive(this.instanceId), String(now), HEARTBEAT_TTL_MS),
      this.store.setHashFields(hotKeys.proxyInstances, { [this.instanceId]: String(now) }),
    ];
    for (const [key, ids] of byKey) writes.push(this.store.renewLeases(key, ids, LEASE_TTL_MS, now));
    const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
    if (failed) this.logger.debug({ err: String((failed as PromiseRejectedResult).reason) }, 'heartbeat not written');
  }

  /**
   * Stops the timers. With nothing in flight the instance leaves no trace; otherwise its last
   * checkpoints are written and its heartbeat is left to lapse, so requests still finishing settle
   * themselves first and the control plane bills only what never finished.
   */
  async close(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    if (this.size > 0) {
      await this.checkpoint().catch(() => undefined);
      return;
    }
    await Promise.all([
      this.store.del(hotKeys.proxyAlive(this.instanceId)),
      this.store.deleteHashFields(hotKeys.proxyInstances, [this.instanceId]),
    ]).catch(() => undefined);
  }

  private checkpointSoon(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.checkpoint());
  }

  private checkpointOf(t: Tracked, now: number): InflightCheckpoint {
    const outcome: RequestOutcome = t.outcome
      ? { ...t.outcome, usage: t.collector ? countedUsage(t.collector, t.s) : t.outcome.usage }
      : { status: 0, errorType: null, accountId: null, platform: null, upstreamModel: t.s.model, usage: ZERO, attempts: 0, firstTokenMs: null };
    const draft = usageDraft(t.s, outcome, billedPrice(t.s, outcome, t.estimatePrice), t.meta);
    const leases = [t.keyLease, t.accountLease].filter((l): l is HeldLease => l !== null);
    return { v: 1, at: now, draft, reserved: t.reserved, leases };
  }
}

const ZERO = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

/** Usage to bill so far; when the upstream has not reported input tokens yet, the prompt estimate stands in once output began. */
export function countedUsage(c: UsageCollector, s: Pick<ProxyState, 'limits' | 'endpoint'>): RequestOutcome['usage'] {
  const u = c.usage();
  // An embedding has no output; the Gemini API may report no token count for it at all, so the estimate is billed.
  const produced = u.outputTokens > 0 || EMBEDDING_ENDPOINTS.has(s.endpoint);
  const inputTokens = u.inputKnown ? u.inputTokens : produced ? s.limits.inputTokens : 0;
  const counted: RequestOutcome['usage'] = { inputTokens, outputTokens: u.outputTokens, cacheCreationInputTokens: u.cacheCreationInputTokens, cacheReadInputTokens: u.cacheReadInputTokens };
  if (u.cacheCreation1hInputTokens) counted.cacheCreation1hInputTokens = u.cacheCreation1hInputTokens;
  return counted;
}
