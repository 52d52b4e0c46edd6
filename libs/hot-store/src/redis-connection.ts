import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { parseRedisTarget } from '@relay/core';

/** A connection to one Redis or to a Redis Cluster: the same commands, routed by key slot on a cluster. */
export type RedisClient = Redis | Cluster;

/** How long a command issued before the very first connection waits for it (boot only). */
const STARTUP_WAIT_MS = 1_000;

/**
 * ioredis options for every hot-store connection. The request path must never hang on Redis:
 *
 * - `enableOfflineQueue: false` — while disconnected, a command rejects at once instead of
 *   waiting in an in-memory queue for a reconnect that may take minutes; the proxy then falls
 *   back (serves from its snapshot, spools usage events).
 * - `maxRetriesPerRequest: 0` — a command in flight when the connection drops rejects at once
 *   and is not replayed on the next connection. Replaying is unsafe here anyway: `admit` and
 *   `incr` are not idempotent, and a reply lost after the server applied them would count twice.
 * - `retryStrategy` keeps reconnecting forever, at most a second apart, so service resumes by
 *   itself soon after Redis returns (`isReady()` flips back).
 */
export function connectionOptions(lazyConnect: boolean): RedisOptions {
  return {
    lazyConnect,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
  };
}

/** Extra options of one connection (scripts, auto-pipelining), the same for one Redis or a cluster. */
export interface ConnectOptions {
  lazyConnect?: boolean;
  scripts?: ClusterOptions['scripts'];
  enableAutoPipelining?: boolean;
}

/**
 * Commands the auto-pipeline must not take on a cluster. It groups a tick's commands by the slot of
 * each command's FIRST string argument, which for these is a keyword ('GROUP', 'CREATE'), not the
 * key: pipelined, they would go to the wrong node and come back MOVED. Sent on their own, the
 * cluster client routes them by their real key. (Both spellings: `call()` passes the name as given.)
 */
const CLUSTER_UNPIPELINED = ['xreadgroup', 'XREADGROUP', 'xgroup', 'XGROUP'];

/**
 * THE connection factory of every process: `redis://` / `rediss://` give one ioredis `Redis`,
 * `redis+cluster://h1:p1,h2:p2` / `rediss+cluster://…` an ioredis `Cluster` seeded with those
 * nodes (see parseRedisTarget). Both fail fast the same way (connectionOptions): the cluster client
 * gets no offline queue either, its node connections the same per-request rules, and it keeps
 * re-discovering the cluster forever, at most a second apart.
 */
export function connectRedis(url: string, opts: ConnectOptions = {}): RedisClient {
  const target = parseRedisTarget(url);
  const base = connectionOptions(opts.lazyConnect ?? false);
  if (!target.cluster) return new Redis(url, { ...base, scripts: opts.scripts, enableAutoPipelining: opts.enableAutoPipelining });
  const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = base;
  return new Cluster(target.nodes, {
    lazyConnect,
    enableOfflineQueue,
    clusterRetryStrategy: retryStrategy,
    scripts: opts.scripts,
    enableAutoPipelining: opts.enableAutoPipelining,
    autoPipeliningIgnoredCommands: CLUSTER_UNPIPELINED,
    redisOptions: {
      ...perNode,
      username: target.username,
      password: target.password,
      ...(target.tls ? { tls: {} } : {}),
    },
  });
}

/**
 * One ioredis connection plus the one wait the offline queue used to provide: commands issued
 * right after construction (or on a lazy connection) wait up to STARTUP_WAIT_MS for the outcome
 * of the first connection attempt, so callers need not await a "ready" event. After that first
 * attempt (success or failure) nothing ever waits: commands fail fast while disconnected.
 */
export class GatedConnection {
  private firstAttemptSettled = false;
  private readonly firstAttempt: Promise<void>;

  constructor(readonly redis: RedisClient) {
    // Without a listener ioredis prints every connection error; callers learn of outages from
    // rejected commands and isReady() instead.
    redis.on('error', () => {});
    this.firstAttempt = new Promise<void>((resolve) => {
      const settle = (): void => {
        this.firstAttemptSettled = true;
        for (const event of ['ready', 'error', 'close', 'end']) redis.off(event, settle);
        resolve();
      };
      for (const event of ['ready', 'error', 'close', 'end']) redis.once(event, settle);
    });
  }

  /** The connection, once it is usable or known not to be (then its commands reject at once). */
  async use(): Promise<RedisClient> {
    const redis = this.redis;
    if (redis.status === 'ready' || this.firstAttemptSettled) return redis;
    if (redis.status === 'wait') redis.connect().catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, STARTUP_WAIT_MS)));
    await Promise.race([this.firstAttempt, timeout]);
    clearTimeout(timer);
    return redis;
  }

  /** Closes the connection: politely when it is up, at once otherwise (or when `now`). */
  async close(now = false): Promise<void> {
    const redis = this.redis;
    if (redis.status === 'end') return;
    if (!now && redis.status === 'ready') {
      try {
        await redis.quit();
        return;
      } catch {
        // fall through to a hard disconnect
      }
    }
    redis.disconnect();
  }
}
