import { Cluster } from 'ioredis';
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
import { GatedConnection, connectRedis, type RedisClient } from './redis-connection.ts';
import {
  ACQUIRE_LEASE_LUA,
  ADMIT_LUA,
  CLAIM_STALE_LUA,
  TRIM_ACKNOWLEDGED_LUA,
  DEL_IF_EQUALS_LUA,
  INCR_LUA,
  LEASE_COUNT_LUA,
  RAISE_TO_LUA,
  PUT_SNAPSHOT_LUA,
  RENEW_LEASES_LUA,
} from './redis-scripts.ts';
import { snapshotKeys } from './snapshot-keys.ts';
import { assertInteger, assertTtl, assertValidCheck } from './validate.ts';

export interface RedisHotStoreOptions {
  /**
   * `redis://[:password@]host:port[/db]` (or `rediss://`), or a Redis Cluster:
   * `redis+cluster://[user:password@]h1:p1,h2:p2` (`rediss+cluster://` with TLS).
   */
  url: string;
  /**
   * Prepended to every key and pub/sub channel, so several deployments or test runs can share
   * one Redis. Must not contain `{` or `}`: the hash tag has to stay in the logical key.
   * @default ''
   */
  prefix?: string;
  /** Connect on the first command instead of at construction. @default false */
  lazyConnect?: boolean;
}

type Arg = string | number;

/** The Lua scripts, as ioredis registers them on the connection (see redis-scripts.ts). */
interface ScriptCommands {
  relayAdmit(numKeys: number, ...args: Arg[]): Promise<number[]>;
  relayAcquireLease(key: string, leaseId: string, limit: number, ttlMs: number, nowMs: Arg): Promise<number>;
  relayLeaseCount(key: string, nowMs: Arg): Promise<number>;
  relayRenewLeases(key: string, ttlMs: number, nowMs: Arg, ...leaseIds: string[]): Promise<number>;
  relayDelIfEquals(key: string, value: string): Promise<number>;
  relayIncr(key: string, amount: number, ttlMs: Arg): Promise<number>;
  relayRaiseTo(key: string, value: number): Promise<number>;
  relayClaimStale(key: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<[string, string, number][]>;
  relayPutSnapshot(jsonKey: string, versionKey: string, version: number, json: string): Promise<number>;
  relayTrimAcknowledged(key: string): Promise<number>;
}
type ScriptedRedis = RedisClient & ScriptCommands;

const SCRIPTS = {
  relayAdmit: { lua: ADMIT_LUA },
  relayAcquireLease: { lua: ACQUIRE_LEASE_LUA, numberOfKeys: 1 },
  relayLeaseCount: { lua: LEASE_COUNT_LUA, numberOfKeys: 1 },
  relayRenewLeases: { lua: RENEW_LEASES_LUA, numberOfKeys: 1 },
  relayDelIfEquals: { lua: DEL_IF_EQUALS_LUA, numberOfKeys: 1 },
  relayIncr: { lua: INCR_LUA, numberOfKeys: 1 },
  relayRaiseTo: { lua: RAISE_TO_LUA, numberOfKeys: 1 },
  relayClaimStale: { lua: CLAIM_STALE_LUA, numberOfKeys: 1 },
  relayPutSnapshot: { lua: PUT_SNAPSHOT_LUA, numberOfKeys: 2 },
  relayTrimAcknowledged: { lua: TRIM_ACKNOWLEDGED_LUA, numberOfKeys: 1 },
};

/** Stream entries carry their payload in this one field. */
const PAYLOAD_FIELD = 'p';

type Handler = (message: string) => void;
interface ChannelSubscription {
  handlers: Set<Handler>;
  /** Settles when Redis confirmed SUBSCRIBE. */
  active: Promise<void>;
}

/**
 * The production hot store on Redis (ioredis 5). Three kinds of connection, so nothing on the
 * request path waits behind something slow: the main one (all request-path commands, one
 * pipeline per settle), a subscriber (created on first subscribe; a subscribed connection can
 * run nothing else) and a pool of blocking readers (XREADGROUP BLOCK holds its connection for
 * the whole wait). All fail fast while Redis is down (see connectionOptions).
 */
export class RedisHotStore implements HotStore {
  private readonly prefix: string;
  private readonly main: GatedConnection;
  private subscriber: GatedConnection | null = null;
  private readonly channels = new Map<string, ChannelSubscription>();
  /** UNSUBSCRIBEs still on their way; a new SUBSCRIBE to the same channel waits for them. */
  private readonly unsubscribing = new Map<string, Promise<void>>();
  private readonly idleBlockers: GatedConnection[] = [];
  private readonly blockers = new Set<GatedConnection>();
  private closed = false;

  constructor(options: RedisHotStoreOptions) {
    this.prefix = options.prefix ?? '';
    if (/[{}]/.test(this.prefix)) throw new Error('hot-store prefix must not contain { or } (it would break Cluster hash tags)');
    // Auto-pipelining on the main connection: every command issued during one turn of the event
    // loop (admits, settles, usage appends and publishes of all requests in flight) leaves in ONE
    // socket write instead of one write syscall per command — on the proxy those writes were the
    // largest single CPU cost per request. Only the main connection: the subscriber and the
    // blocking readers run commands that must not share a pipeline.
    //
    // On a Redis Cluster (redis+cluster://) the same code runs unchanged: every script declares its
    // keys through KEYS and the keys of one call share a hash tag; auto-pipelining groups the
    // commands of a tick per node; nothing sends one pipeline or MULTI across slots (mget and
    // incrementHashes issue per-key commands there); pub/sub is plain PUBLISH/SUBSCRIBE, which the
    // cluster bus delivers to subscribers on every node.
    const main = connectRedis(options.url, { lazyConnect: options.lazyConnect ?? false, scripts: SCRIPTS, enableAutoPipelining: true });
    this.cluster = main instanceof Cluster;
    this.main = new GatedConnection(main);
  }

  /** Whether this store talks to a Redis Cluster (redis+cluster://). */
  readonly cluster: boolean;

  async admit(checks: AdmissionCheck[], nowMs?: number): Promise<AdmissionResult> {
    if (checks.length === 0) return { ok: true };
    checks.forEach(assertValidCheck);
    const keys = checks.map((c) => this.k(c.key));
    const args: Arg[] = [nowArg(nowMs)];
    for (const check of checks) args.push(...encodeCheck(check));
    const reply = await (await this.conn()).relayAdmit(keys.length, ...keys, ...args);
    if (reply[0] === -1) return { ok: true };
    return { ok: false, failed: Number(reply[0]), current: Number(reply[1]), retryAfterMs: Number(reply[2]) };
  }

  async settle(ops: SettleOp[]): Promise<void> {
    if (ops.length === 0) return;
    for (const op of ops) {
      if (op.kind === 'incr') {
        assertInteger('settle incr amount', op.amount);
        if (op.ttlMs !== undefined) assertTtl('settle incr ttlMs', op.ttlMs);
      }
    }
    // Issued as separate commands in one tick: the auto-pipeline sends them (together with every
    // other request's commands of this tick) in one write, where an explicit pipeline would be a
    // write of its own.
    const redis = (await this.conn()) as ScriptedRedis;
    await Promise.all(
      ops.map((op) => {
        switch (op.kind) {
          case 'incr':
            return redis.relayIncr(this.k(op.key), op.amount, op.ttlMs ?? '');
          case 'release':
            return redis.zrem(this.k(op.key), op.leaseId);
          default: {
            const unknown: never = op;
            throw new TypeError(`unknown settle op ${JSON.stringify(unknown)}`);
          }
        }
      }),
    );
  }

  async acquireLease(key: string, leaseId: string, limit: number, ttlMs: number, nowMs?: number): Promise<boolean> {
    assertInteger('lease limit', limit);
    assertTtl('lease ttlMs', ttlMs);
    return (await (await this.conn()).relayAcquireLease(this.k(key), leaseId, limit, ttlMs, nowArg(nowMs))) === 1;
  }

  async leaseCount(key: string, nowMs?: number): Promise<number> {
    return Number(await (await this.conn()).relayLeaseCount(this.k(key), nowArg(nowMs)));
  }

  async renewLeases(key: string, leaseIds: string[], ttlMs: number, nowMs?: number): Promise<number> {
    assertTtl('renewLeases ttlMs', ttlMs);
    if (leaseIds.length === 0) return 0;
    return Number(await (await this.conn()).relayRenewLeases(this.k(key), ttlMs, nowArg(nowMs), ...leaseIds));
  }

  async get(key: string): Promise<string | null> {
    return (await this.conn()).get(this.k(key));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const redis = await this.conn();
    if (ttlMs === undefined) {
      await redis.set(this.k(key), value);
    } else {
      assertTtl('set ttlMs', ttlMs);
      await redis.set(this.k(key), value, 'PX', ttlMs);
    }
  }

  async del(key: string): Promise<void> {
    await (await this.conn()).del(this.k(key));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertTtl('setIfAbsent ttlMs', ttlMs);
    return (await (await this.conn()).set(this.k(key), value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async delIfEquals(key: string, value: string): Promise<boolean> {
    return (await (await this.conn()).relayDelIfEquals(this.k(key), value)) === 1;
  }

  async incr(key: string, amount: number, ttlMs?: number): Promise<number> {
    assertInteger('incr amount', amount);
    if (ttlMs !== undefined) assertTtl('incr ttlMs', ttlMs);
    return Number(await (await this.conn()).relayIncr(this.k(key), amount, ttlMs ?? ''));
  }

  async raiseTo(key: string, value: number): Promise<number> {
    assertInteger('raiseTo value', value);
    return Number(await (await this.conn()).relayRaiseTo(this.k(key), value));
  }

  /** One MGET on one Redis; on a cluster (keys of many slots) one GET per key, auto-pipelined per node. */
  async mget(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    const redis = await this.conn();
    if (this.cluster) return Promise.all(keys.map((key) => redis.get(this.k(key))));
    return redis.mget(keys.map((key) => this.k(key)));
  }

  /**
   * Field increments are integers; `ttlMs` is refreshed on every increment of the hash. The commands
   * are issued in one tick, so the auto-pipeline sends them in one write (per node on a cluster,
   * where one explicit pipeline could not span the slots of several hashes).
   */
  async incrementHashes(ops: HashIncrement[]): Promise<void> {
    if (ops.length === 0) return;
    for (const op of ops) {
      for (const [field, amount] of Object.entries(op.fields)) assertInteger(`hash field ${field}`, amount);
      if (op.ttlMs !== undefined) assertTtl('hash ttlMs', op.ttlMs);
    }
    const redis = await this.conn();
    const commands: Promise<unknown>[] = [];
    for (const op of ops) {
      const key = this.k(op.key);
      for (const [field, amount] of Object.entries(op.fields)) commands.push(redis.hincrby(key, field, amount));
      if (op.ttlMs !== undefined) commands.push(redis.pexpire(key, op.ttlMs));
    }
    await Promise.all(commands);
  }

  async getHash(key: string): Promise<Record<string, string>> {
    return (await this.conn()).hgetall(this.k(key));
  }

  async replaceHash(key: string, fields: Record<string, number | string>): Promise<void> {
    const transaction = (await this.conn()).multi().del(this.k(key));
    const entries = Object.entries(fields);
    if (entries.length > 0) transaction.hset(this.k(key), Object.fromEntries(entries.map(([f, v]) => [f, String(v)])));
    throwFirstError(await transaction.exec());
  }

  async setHashFields(key: string, fields: Record<string, string>): Promise<void> {
    if (Object.keys(fields).length === 0) return;
    await (await this.conn()).hset(this.k(key), fields);
  }

  async deleteHashFields(key: string, fields: string[]): Promise<number> {
    if (fields.length === 0) return 0;
    return (await this.conn()).hdel(this.k(key), ...fields);
  }

  async streamAdd(stream: string, payload: string, maxLen?: number): Promise<string> {
    const trim: Arg[] = maxLen === undefined ? [] : ['MAXLEN', '~', maxLen];
    return (await (await this.conn()).call('XADD', this.k(stream), ...trim, '*', PAYLOAD_FIELD, payload)) as string;
  }

  async ensureGroup(stream: string, group: string): Promise<void> {
    try {
      await (await this.conn()).call('XGROUP', 'CREATE', this.k(stream), group, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
    }
  }

  /**
   * `blockMs <= 0` reads without waiting (Redis' BLOCK 0 would wait forever). A missing group (Redis
   * restarted without persistence; producers re-created the stream but not the group) is re-created
   * and the read answers no entries, so consumers carry on instead of failing until restarted.
   */
  async readGroup(stream: string, group: string, consumer: string, count: number, blockMs: number): Promise<StreamEntry[]> {
    const args: Arg[] = ['GROUP', group, consumer, 'COUNT', count];
    if (blockMs <= 0) {
      try {
        return parseReadReply(await (await this.conn()).call('XREADGROUP', ...args, 'STREAMS', this.k(stream), '>'));
      } catch (err) {
        return this.recreateMissingGroup(err, stream, group);
      }
    }
    const blocker = this.takeBlocker();
    try {
      const redis = await blocker.use();
      return parseReadReply(await redis.call('XREADGROUP', ...args, 'BLOCK', blockMs, 'STREAMS', this.k(stream), '>'));
    } catch (err) {
      if (this.closed) return [];
      return this.recreateMissingGroup(err, stream, group);
    } finally {
      if (this.closed) await blocker.close(true);
      else this.idleBlockers.push(blocker);
    }
  }

  async ack(stream: string, group: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await (await this.conn()).xack(this.k(stream), group, ...ids);
  }

  async claimStale(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<StreamEntry[]> {
    try {
      const claimed = await (await this.conn()).relayClaimStale(this.k(stream), group, consumer, minIdleMs, count);
      return claimed.map(([id, payload, deliveries]) => ({ id, payload, deliveries: Number(deliveries) }));
    } catch (err) {
      return this.recreateMissingGroup(err, stream, group);
    }
  }

  /** Rethrows anything but NOGROUP; for NOGROUP re-creates the group (from the stream's start) and answers no entries. */
  private async recreateMissingGroup(err: unknown, stream: string, group: string): Promise<StreamEntry[]> {
    if (!(err instanceof Error && err.message.includes('NOGROUP'))) throw err;
    await this.ensureGroup(stream, group);
    return [];
  }

  async pendingCount(stream: string, group: string): Promise<number> {
    const summary = (await (await this.conn()).call('XPENDING', this.k(stream), group)) as [number, ...unknown[]];
    return Number(summary[0]);
  }

  async streamLength(stream: string): Promise<number> {
    return (await this.conn()).xlen(this.k(stream));
  }

  async trimAcknowledged(stream: string): Promise<number> {
    return Number(await (await this.conn()).relayTrimAcknowledged(this.k(stream)));
  }

  async publish(channel: string, message: string): Promise<void> {
    await (await this.conn()).publish(this.prefix + channel, message);
  }

  /** Handlers run in the order they subscribed; one that throws does not stop the others. */
  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    const fullChannel = this.prefix + channel;
    let subscription = this.channels.get(fullChannel);
    if (!subscription) {
      // Without the wait, an UNSUBSCRIBE still in flight could reach Redis after this SUBSCRIBE and
      // silently cut the new subscription off.
      const pending = this.unsubscribing.get(fullChannel);
      const active = pending ? pending.catch(() => {}).then(() => this.subscribeOnServer(fullChannel)) : this.subscribeOnServer(fullChannel);
      const created: ChannelSubscription = { handlers: new Set(), active };
      this.channels.set(fullChannel, created);
      created.active.catch(() => {
        if (this.channels.get(fullChannel) === created) this.channels.delete(fullChannel);
      });
      subscription = created;
    }
    // A fresh function per call, so subscribing one function twice gives two independent handles.
    const handler: Handler = (message) => onMessage(message);
    subscription.handlers.add(handler);
    try {
      await subscription.active;
    } catch (err) {
      subscription.handlers.delete(handler);
      throw err;
    }
    const current = subscription;
    return async () => {
      current.handlers.delete(handler);
      if (current.handlers.size > 0 || this.channels.get(fullChannel) !== current) return;
      this.channels.delete(fullChannel);
      if (!this.subscriber || this.closed) return;
      const subscriber = this.subscriber;
      const done = (async () => {
        await (await subscriber.use()).unsubscribe(fullChannel);
      })();
      this.unsubscribing.set(fullChannel, done);
      try {
        await done;
      } finally {
        if (this.unsubscribing.get(fullChannel) === done) this.unsubscribing.delete(fullChannel);
      }
    };
  }

  async putSnapshot(build: (version: number) => string): Promise<number> {
    const redis = await this.conn();
    const version = await redis.incr(this.k(snapshotKeys.sequence));
    const json = build(version);
    const stored = await redis.relayPutSnapshot(this.k(snapshotKeys.json), this.k(snapshotKeys.version), version, json);
    // A newer version was stored meanwhile by another writer; announcing this one would be noise.
    if (stored === 1) await redis.publish(this.prefix + hotChannels.snapshotChanged, String(version));
    return version;
  }

  async getSnapshot(): Promise<{ version: number; json: string } | null> {
    const [json, version] = await (await this.conn()).mget(this.k(snapshotKeys.json), this.k(snapshotKeys.version));
    if (json === null || version === null) return null;
    return { version: Number(version), json };
  }

  async getSnapshotVersion(): Promise<number> {
    return Number((await (await this.conn()).get(this.k(snapshotKeys.version))) ?? 0);
  }

  async ping(): Promise<void> {
    await (await this.conn()).ping();
  }

  isReady(): boolean {
    return !this.closed && this.main.redis.status === 'ready';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing: Promise<void>[] = [this.main.close()];
    if (this.subscriber) closing.push(this.subscriber.close());
    // Blocked readers hold their connection until the BLOCK ends; cut them off.
    for (const blocker of this.blockers) closing.push(blocker.close(true));
    await Promise.all(closing);
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  private async conn(): Promise<ScriptedRedis> {
    if (this.closed) throw new Error('hot store is closed');
    return (await this.main.use()) as ScriptedRedis;
  }

  private takeBlocker(): GatedConnection {
    if (this.closed) throw new Error('hot store is closed');
    const idle = this.idleBlockers.pop();
    if (idle) return idle;
    const blocker = new GatedConnection(this.main.redis.duplicate());
    this.blockers.add(blocker);
    return blocker;
  }

  private async subscribeOnServer(fullChannel: string): Promise<void> {
    if (this.closed) throw new Error('hot store is closed');
    if (!this.subscriber) {
      const subscriber = new GatedConnection(this.main.redis.duplicate());
      subscriber.redis.on('message', (channel: string, message: string) => this.dispatch(channel, message));
      this.subscriber = subscriber;
    }
    await (await this.subscriber.use()).subscribe(fullChannel);
  }

  private dispatch(fullChannel: string, message: string): void {
    const subscription = this.channels.get(fullChannel);
    if (!subscription) return;
    for (const handler of [...subscription.handlers]) {
      try {
        handler(message);
      } catch {
        // A subscriber's failure is its own; the others still get the message.
      }
    }
  }
}

function nowArg(nowMs: number | undefined): Arg {
  if (nowMs === undefined) return '';
  assertInteger('nowMs', nowMs);
  return nowMs;
}

/** ADMIT_SLOTS (redis-scripts.ts) values per check, in the order ADMIT_LUA reads them. */
function encodeCheck(check: AdmissionCheck): Arg[] {
  switch (check.kind) {
    case 'window':
      return ['w', check.windowMs, check.limit, check.cost, ''];
    case 'lease':
      return ['l', check.limit, check.leaseId, check.ttlMs, ''];
    case 'budget':
      return ['b', check.limit, check.amount, check.floor ?? 0, check.ttlMs ?? ''];
  }
}

function parseReadReply(reply: unknown): StreamEntry[] {
  if (!reply) return [];
  const entries: StreamEntry[] = [];
  for (const [, streamEntries] of reply as [string, [string, string[] | null][]][]) {
    for (const [id, fields] of streamEntries) {
      if (!fields) continue;
      entries.push({ id, payload: fieldValue(fields, PAYLOAD_FIELD), deliveries: 1 });
    }
  }
  return entries;
}

function fieldValue(fields: string[], name: string): string {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return '';
}

function throwFirstError(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('hot-store transaction was aborted');
  for (const [err] of results) if (err) throw err;
}
