import { EventEmitter } from 'node:events';
import { hotChannels } from '@relay/core';
import type {
  AdmissionCheck,
  AdmissionResult,
  HashIncrement,
  HotStore,
  SettleOp,
  StreamEntry,
  Unsubscribe,
} from './port.ts';
import { MemoryStreams } from './memory-streams.ts';
import { assertInteger, assertTtl, assertValidCheck } from './validate.ts';

export interface MemoryHotStoreOptions {
  /** Clock for expiry, windows, leases and idle times (tests inject one). @default Date.now */
  now?: () => number;
}

/** Every value kind lives in one keyspace, as in Redis: `del` removes any of them. */
type Value =
  | { type: 'string'; value: string }
  | { type: 'hash'; fields: Map<string, string> }
  | { type: 'window'; start: number; count: number }
  | { type: 'leases'; leases: Map<string, number> };
type Entry = Value & { expiresAt?: number };

/** Expired keys nobody reads again (old rate windows) are dropped this often. */
const SWEEP_INTERVAL_MS = 10_000;

/**
 * The in-process hot store for embedded mode (one process): the same semantics as the Redis
 * adapter — every method runs synchronously inside its promise, which makes each one atomic —
 * with expiry measured by the injected clock. Pub/sub is delivered asynchronously, like Redis.
 */
export class MemoryHotStore implements HotStore {
  private readonly now: () => number;
  private readonly data = new Map<string, Entry>();
  private readonly streams: MemoryStreams;
  private readonly bus = new EventEmitter();
  private readonly sweeper: ReturnType<typeof setInterval>;
  private snapshotSequence = 0;
  private snapshot: { version: number; json: string } | null = null;
  private closed = false;

  constructor(options: MemoryHotStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.streams = new MemoryStreams(this.now);
    this.bus.setMaxListeners(0);
    this.sweeper = setInterval(() => this.sweepExpired(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async admit(checks: AdmissionCheck[], nowMs?: number): Promise<AdmissionResult> {
    this.assertOpen();
    checks.forEach(assertValidCheck);
    const now = nowMs ?? this.now();
    // Phase 1 reads only; phase 2 applies every check. Nothing in between can interleave.
    for (const [index, check] of checks.entries()) {
      const refusal = this.refusal(check, now);
      if (refusal) return { ok: false, failed: index, ...refusal };
    }
    for (const check of checks) this.apply(check, now);
    return { ok: true };
  }

  async settle(ops: SettleOp[]): Promise<void> {
    this.assertOpen();
    // Validate everything first, so a bad op leaves nothing half-applied (as the Redis pipeline).
    for (const op of ops) {
      if (op.kind !== 'incr') continue;
      assertInteger('settle incr amount', op.amount);
      if (op.ttlMs !== undefined) assertTtl('settle incr ttlMs', op.ttlMs);
    }
    for (const op of ops) {
      if (op.kind === 'incr') this.incrNow(op.key, op.amount, op.ttlMs);
      else this.typed(op.key, 'leases')?.leases.delete(op.leaseId);
    }
  }

  async acquireLease(key: string, leaseId: string, limit: number, ttlMs: number, nowMs?: number): Promise<boolean> {
    const check: AdmissionCheck = { kind: 'lease', key, leaseId, limit, ttlMs };
    return (await this.admit([check], nowMs)).ok;
  }

  async leaseCount(key: string, nowMs?: number): Promise<number> {
    this.assertOpen();
    const now = nowMs ?? this.now();
    let live = 0;
    for (const expiry of this.typed(key, 'leases')?.leases.values() ?? []) if (expiry > now) live += 1;
    return live;
  }

  async renewLeases(key: string, leaseIds: string[], ttlMs: number, nowMs?: number): Promise<number> {
    this.assertOpen();
    assertTtl('renewLeases ttlMs', ttlMs);
    const now = nowMs ?? this.now();
    const entry = this.typed(key, 'leases');
    if (!entry) return 0;
    let renewed = 0;
    for (const leaseId of leaseIds) {
      const expiry = entry.leases.get(leaseId);
      if (expiry === undefined || expiry <= now) continue;
      entry.leases.set(leaseId, Math.max(expiry, now + ttlMs));
      renewed += 1;
    }
    // Key expiry on the store clock follows the latest lease, as PEXPIRE does in the Redis script.
    if (renewed > 0) entry.expiresAt = this.now() + (Math.max(...entry.leases.values()) - now);
    return renewed;
  }

  async get(key: string): Promise<string | null> {
    this.assertOpen();
    return this.typed(key, 'string')?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.assertOpen();
    if (ttlMs !== undefined) assertTtl('set ttlMs', ttlMs);
    this.data.set(key, { type: 'string', value, expiresAt: ttlMs === undefined ? undefined : this.now() + ttlMs });
  }

  async del(key: string): Promise<void> {
    this.assertOpen();
    this.data.delete(key);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    assertTtl('setIfAbsent ttlMs', ttlMs);
    if (this.live(key)) return false;
    this.data.set(key, { type: 'string', value, expiresAt: this.now() + ttlMs });
    return true;
  }

  async delIfEquals(key: string, value: string): Promise<boolean> {
    this.assertOpen();
    const entry = this.live(key);
    if (entry?.type !== 'string' || entry.value !== value) return false;
    this.data.delete(key);
    return true;
  }

  async incr(key: string, amount: number, ttlMs?: number): Promise<number> {
    this.assertOpen();
    return this.incrNow(key, amount, ttlMs);
  }

  async raiseTo(key: string, value: number): Promise<number> {
    this.assertOpen();
    assertInteger('raiseTo value', value);
    const existing = this.typed(key, 'string');
    const current = existing ? parseInteger(existing.value) : undefined;
    if (current !== undefined && current >= value) return current;
    this.data.set(key, { type: 'string', value: String(value), expiresAt: existing?.expiresAt });
    return value;
  }

  async mget(keys: string[]): Promise<(string | null)[]> {
    this.assertOpen();
    return keys.map((key) => {
      const entry = this.live(key);
      return entry?.type === 'string' ? entry.value : null;
    });
  }

  /** Field increments are integers; `ttlMs` is refreshed on every increment of the hash. */
  async incrementHashes(ops: HashIncrement[]): Promise<void> {
    this.assertOpen();
    for (const op of ops) {
      for (const [field, amount] of Object.entries(op.fields)) assertInteger(`hash field ${field}`, amount);
      if (op.ttlMs !== undefined) assertTtl('hash ttlMs', op.ttlMs);
    }
    for (const op of ops) {
      let entry = this.typed(op.key, 'hash');
      if (!entry) {
        entry = { type: 'hash', fields: new Map() };
        this.data.set(op.key, entry);
      }
      for (const [field, amount] of Object.entries(op.fields)) {
        entry.fields.set(field, String(parseInteger(entry.fields.get(field) ?? '0') + amount));
      }
      if (op.ttlMs !== undefined) entry.expiresAt = this.now() + op.ttlMs;
    }
  }

  async getHash(key: string): Promise<Record<string, string>> {
    this.assertOpen();
    return Object.fromEntries(this.typed(key, 'hash')?.fields ?? []);
  }

  async replaceHash(key: string, fields: Record<string, number | string>): Promise<void> {
    this.assertOpen();
    this.data.delete(key);
    const entries = Object.entries(fields);
    if (entries.length > 0) this.data.set(key, { type: 'hash', fields: new Map(entries.map(([f, v]) => [f, String(v)])) });
  }

  async setHashFields(key: string, fields: Record<string, string>): Promise<void> {
    this.assertOpen();
    const entries = Object.entries(fields);
    if (entries.length === 0) return;
    let entry = this.typed(key, 'hash');
    if (!entry) {
      entry = { type: 'hash', fields: new Map() };
      this.data.set(key, entry);
    }
    for (const [field, value] of entries) entry.fields.set(field, value);
  }

  async deleteHashFields(key: string, fields: string[]): Promise<number> {
    this.assertOpen();
    const entry = this.typed(key, 'hash');
    if (!entry) return 0;
    let removed = 0;
    for (const field of fields) if (entry.fields.delete(field)) removed += 1;
    if (entry.fields.size === 0) this.data.delete(key);
    return removed;
  }

  async streamAdd(stream: string, payload: string, maxLen?: number): Promise<string> {
    this.assertOpen();
    return this.streams.add(stream, payload, maxLen);
  }

  async ensureGroup(stream: string, group: string): Promise<void> {
    this.assertOpen();
    this.streams.ensureGroup(stream, group);
  }

  /** `blockMs <= 0` reads without waiting. */
  async readGroup(stream: string, group: string, consumer: string, count: number, blockMs: number): Promise<StreamEntry[]> {
    this.assertOpen();
    return this.streams.read(stream, group, consumer, count, blockMs);
  }

  async ack(stream: string, group: string, ids: string[]): Promise<void> {
    this.assertOpen();
    this.streams.ack(stream, group, ids);
  }

  async claimStale(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<StreamEntry[]> {
    this.assertOpen();
    return this.streams.claimStale(stream, group, consumer, minIdleMs, count);
  }

  async pendingCount(stream: string, group: string): Promise<number> {
    this.assertOpen();
    return this.streams.pendingCount(stream, group);
  }

  async streamLength(stream: string): Promise<number> {
    this.assertOpen();
    return this.streams.length(stream);
  }

  async trimAcknowledged(stream: string): Promise<number> {
    this.assertOpen();
    return this.streams.trimAcknowledged(stream);
  }

  async publish(channel: string, message: string): Promise<void> {
    this.assertOpen();
    // Delivered on a later turn, as from Redis: publishers never run subscriber code inline.
    setImmediate(() => this.bus.emit(channel, message));
  }

  /** Handlers run in the order they subscribed; one that throws does not stop the others. */
  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    this.assertOpen();
    const handler = (message: string): void => {
      try {
        onMessage(message);
      } catch {
        // A subscriber's failure is its own; the others still get the message.
      }
    };
    this.bus.on(channel, handler);
    return async () => {
      this.bus.off(channel, handler);
    };
  }

  async putSnapshot(build: (version: number) => string): Promise<number> {
    this.assertOpen();
    const version = ++this.snapshotSequence;
    const json = build(version);
    if (!this.snapshot || version > this.snapshot.version) {
      this.snapshot = { version, json };
      await this.publish(hotChannels.snapshotChanged, String(version));
    }
    return version;
  }

  async getSnapshot(): Promise<{ version: number; json: string } | null> {
    this.assertOpen();
    return this.snapshot ? { ...this.snapshot } : null;
  }

  async getSnapshotVersion(): Promise<number> {
    this.assertOpen();
    return this.snapshot?.version ?? 0;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  isReady(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.streams.close();
    this.bus.removeAllListeners();
  }

  /** Why `check` would not hold at `now`, or null when it holds. Changes nothing live. */
  private refusal(check: AdmissionCheck, now: number): { current: number; retryAfterMs: number } | null {
    switch (check.kind) {
      case 'window': {
        const start = now - (now % check.windowMs);
        const entry = this.typed(check.key, 'window');
        const count = entry && entry.start === start ? entry.count : 0;
        return count + check.cost > check.limit ? { current: count, retryAfterMs: start + check.windowMs - now } : null;
      }
      case 'lease': {
        const leases = this.liveLeases(check.key, now);
        if (leases.has(check.leaseId) || leases.size + 1 <= check.limit) return null;
        const earliest = Math.min(...leases.values());
        return { current: leases.size, retryAfterMs: leases.size > 0 ? Math.max(earliest - now, 1) : 0 };
      }
      case 'budget': {
        const current = this.counterValue(check.key, check.floor ?? 0);
        return current + check.amount > check.limit ? { current, retryAfterMs: 0 } : null;
      }
    }
  }

  private apply(check: AdmissionCheck, now: number): void {
    switch (check.kind) {
      case 'window': {
        const start = now - (now % check.windowMs);
        const entry = this.typed(check.key, 'window');
        const count = (entry && entry.start === start ? entry.count : 0) + check.cost;
        // Key expiry runs on the store clock, like PEXPIRE on the Redis server's.
        this.data.set(check.key, { type: 'window', start, count, expiresAt: this.now() + (start + check.windowMs - now) });
        return;
      }
      case 'lease': {
        const leases = this.liveLeases(check.key, now);
        leases.set(check.leaseId, now + check.ttlMs);
        const last = Math.max(...leases.values());
        this.data.set(check.key, { type: 'leases', leases, expiresAt: this.now() + (last - now) });
        return;
      }
      case 'budget': {
        const existing = this.typed(check.key, 'string');
        const value = String(this.counterValue(check.key, check.floor ?? 0) + check.amount);
        const expiresAt = check.ttlMs !== undefined ? this.now() + check.ttlMs : existing?.expiresAt;
        this.data.set(check.key, { type: 'string', value, expiresAt });
        return;
      }
    }
  }

  /** The live leases of a key (expired ones dropped), as a fresh map. */
  private liveLeases(key: string, now: number): Map<string, number> {
    const live = new Map<string, number>();
    for (const [id, expiry] of this.typed(key, 'leases')?.leases ?? []) if (expiry > now) live.set(id, expiry);
    return live;
  }

  /** A budget counter's value, never below `floor` (a missing counter is at the floor). */
  private counterValue(key: string, floor: number): number {
    const entry = this.typed(key, 'string');
    return entry ? Math.max(parseInteger(entry.value), floor) : floor;
  }

  /** INCRBY with expiry set only when the key has none (its first increment). */
  private incrNow(key: string, amount: number, ttlMs?: number): number {
    assertInteger('incr amount', amount);
    if (ttlMs !== undefined) assertTtl('incr ttlMs', ttlMs);
    const existing = this.typed(key, 'string');
    const value = (existing ? parseInteger(existing.value) : 0) + amount;
    const expiresAt = existing?.expiresAt ?? (ttlMs === undefined ? undefined : this.now() + ttlMs);
    this.data.set(key, { type: 'string', value: String(value), expiresAt });
    return value;
  }

  /** The unexpired entry of `key`, or undefined; drops it when expired. */
  private live(key: string): Entry | undefined {
    const entry = this.data.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The live entry when it has `type`; a different type is Redis' WRONGTYPE error. */
  private typed<T extends Entry['type']>(key: string, type: T): Extract<Entry, { type: T }> | undefined {
    const entry = this.live(key);
    if (!entry) return undefined;
    if (entry.type !== type) throw new Error(`WRONGTYPE Operation against a key holding the wrong kind of value (${key})`);
    return entry as Extract<Entry, { type: T }>;
  }

  private sweepExpired(): void {
    for (const key of this.data.keys()) this.live(key);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('hot store is closed');
  }
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error('ERR value is not an integer or out of range');
  return n;
}
