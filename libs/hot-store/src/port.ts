/**
 * The hot store: everything the proxy touches at request time, and the channels between the
 * planes. Two adapters implement it — Redis (production, many processes) and in-process memory
 * (embedded mode) — and one conformance suite (`conformance.test.ts`) runs against both.
 *
 * Keys passed in are logical names from `@relay/core` `hotKeys`; adapters add their prefix
 * (channels get it too). Every key given to one `admit` call must share one hash tag (Redis
 * Cluster slot).
 *
 * Time: `nowMs` (where accepted) is the time windows and leases are judged at; without it the
 * Redis adapter uses the Redis server clock (so every process agrees) and the memory adapter its
 * clock. Key expiry (`ttlMs`) always runs on the store's own clock.
 *
 * Numbers: counters, amounts, costs and limits are integers (micro-USD, tokens, requests); TTLs
 * are positive integer ms. Both adapters reject anything else with a RangeError.
 *
 * Failure: the Redis adapter never queues commands while disconnected; calls reject at once
 * (see `isReady`), so callers can fall back.
 */

/**
 * Fixed-window counter: admitted when count-in-window + cost ≤ limit; then count += cost.
 * Windows are aligned to multiples of `windowMs`; the key expires when its window ends.
 * A refusal's `retryAfterMs` is the time until the window ends, in (0, windowMs].
 */
export interface WindowCheck {
  kind: 'window';
  key: string;
  windowMs: number;
  limit: number;
  cost: number;
}

/**
 * Concurrency lease: a sorted set of lease ids with expiry; expired ones are dropped first.
 * Re-acquiring a lease id that is still held renews it without taking another slot. A refusal's
 * `retryAfterMs` is the time until the earliest live lease expires.
 */
export interface LeaseCheck {
  kind: 'lease';
  key: string;
  limit: number;
  leaseId: string;
  ttlMs: number;
}

/**
 * Budget reservation: admitted when counter + amount ≤ limit; then counter += amount.
 * The counter is never below `floor` (the spend the database already recorded): a missing counter
 * starts at it, and one that is lower (the store restarted empty, and settlements of requests
 * reserved before that were applied to a fresh counter) is raised to it before the check.
 * A refusal's `retryAfterMs` is 0 (waiting does not help); `current` is the counter (raised to the floor).
 */
export interface BudgetCheck {
  kind: 'budget';
  key: string;
  limit: number;
  amount: number;
  floor?: number;
  /** Expire the counter this long after its last change (daily budgets); none for totals. */
  ttlMs?: number;
}

export type AdmissionCheck = WindowCheck | LeaseCheck | BudgetCheck;

export type AdmissionResult =
  | { ok: true }
  /** `failed` is the index of the first check that did not hold; nothing was changed. */
  | { ok: false; failed: number; current: number; retryAfterMs: number };

/** Settlement ops, run in one round trip after a request (each op atomic on its own). */
export type SettleOp =
  | { kind: 'incr'; key: string; amount: number; ttlMs?: number }
  | { kind: 'release'; key: string; leaseId: string };

export interface StreamEntry {
  id: string;
  payload: string;
  /** How many times this entry has been delivered (1 on first delivery). */
  deliveries: number;
}

export interface HashIncrement {
  key: string;
  fields: Record<string, number>;
  ttlMs?: number;
}

export type Unsubscribe = () => Promise<void>;

export interface HotStore {
  /** Runs all checks atomically: either every check passes and all are applied, or none is. */
  admit(checks: AdmissionCheck[], nowMs?: number): Promise<AdmissionResult>;
  /** Releases leases and applies counter adjustments in one round trip. */
  settle(ops: SettleOp[]): Promise<void>;
  /** Acquires a single lease (account concurrency); true when granted. */
  acquireLease(key: string, leaseId: string, limit: number, ttlMs: number, nowMs?: number): Promise<boolean>;
  /** Number of live (unexpired) leases under a key. */
  leaseCount(key: string, nowMs?: number): Promise<number>;
  /**
   * Heartbeat of a lease owner: moves the expiry of those of `leaseIds` that are still live under
   * `key` to now + `ttlMs` (never earlier than it was). Released or expired leases stay gone, so a
   * renewal racing a release never resurrects a slot. Returns how many were renewed.
   */
  renewLeases(key: string, leaseIds: string[], ttlMs: number, nowMs?: number): Promise<number>;

  /** Plain values with optional expiry (cooldown marks, sticky sessions, locks). */
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Sets only if absent (a lock); true when this caller got it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes only if the value still equals `value` (unlock by owner). */
  delIfEquals(key: string, value: string): Promise<boolean>;
  /** Atomic increment with expiry set on first increment (when the key has none); returns the new value. */
  incr(key: string, amount: number, ttlMs?: number): Promise<number>;
  /**
   * Sets an integer value to `value` unless it already holds a larger one (keeping any expiry);
   * returns what it holds afterwards. Atomic: of racing callers the largest value wins.
   */
  raiseTo(key: string, value: number): Promise<number>;
  /** Reads several plain values in one round trip (cooldowns of many accounts). */
  mget(keys: string[]): Promise<(string | null)[]>;

  /** Increments many hash fields across many keys in one round trip; `ttlMs` is refreshed on each call. */
  incrementHashes(ops: HashIncrement[]): Promise<void>;
  getHash(key: string): Promise<Record<string, string>>;
  /** Replaces a hash entirely (rebuild from the database). */
  replaceHash(key: string, fields: Record<string, number | string>): Promise<void>;
  /** Sets some fields of a hash (creating it), leaving the others; one command (HSET). */
  setHashFields(key: string, fields: Record<string, string>): Promise<void>;
  /** Removes fields from a hash (the hash goes when its last field does); returns how many existed. */
  deleteHashFields(key: string, fields: string[]): Promise<number>;

  /** Appends to a stream; returns the entry id. `maxLen` trims approximately. */
  streamAdd(stream: string, payload: string, maxLen?: number): Promise<string>;
  /** Creates the consumer group (from the start of the stream) if missing. */
  ensureGroup(stream: string, group: string): Promise<void>;
  /**
   * Reads new entries for this consumer, waiting up to `blockMs` when none are there
   * (`blockMs <= 0`: no wait). Entries stay pending until acknowledged. Throws when the group
   * does not exist (call `ensureGroup` first) — except that the Redis adapter re-creates a group
   * that vanished with the store's data (Redis restarted without persistence) and answers no
   * entries, so long-running consumers carry on; `claimStale` does the same.
   */
  readGroup(stream: string, group: string, consumer: string, count: number, blockMs: number): Promise<StreamEntry[]>;
  /** Acknowledges processed entries. */
  ack(stream: string, group: string, ids: string[]): Promise<void>;
  /**
   * Takes over entries another consumer left unacknowledged for at least `minIdleMs`; each one's
   * `deliveries` goes up by one and its idle time restarts.
   */
  claimStale(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<StreamEntry[]>;
  /** Entries delivered but not yet acknowledged, across the group. */
  pendingCount(stream: string, group: string): Promise<number>;
  /** Entries in the stream, acknowledged or not (0 when it does not exist). */
  streamLength(stream: string): Promise<number>;
  /**
   * Removes the entries every consumer group of the stream is done with: for each group, those
   * older than its oldest pending entry and already delivered to it; an entry some group has not
   * read or not acknowledged stays. A stream without groups is left alone. Returns how many went.
   */
  trimAcknowledged(stream: string): Promise<number>;

  publish(channel: string, message: string): Promise<void>;
  /**
   * Resolves once the subscription is active. Delivery is asynchronous (never inside `publish`),
   * in publish order; a handler that throws does not affect the others.
   */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe>;

  /**
   * Stores a new snapshot under the next version, then announces it on
   * `hotChannels.snapshotChanged` (payload: the version); returns the version.
   */
  putSnapshot(build: (version: number) => string): Promise<number>;
  getSnapshot(): Promise<{ version: number; json: string } | null>;
  getSnapshotVersion(): Promise<number>;

  /** Round trip to the store; throws when unreachable. */
  ping(): Promise<void>;
  /** Whether the store is currently reachable (cheap, no round trip). */
  isReady(): boolean;
  close(): Promise<void>;
}
