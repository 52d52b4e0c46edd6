import { ConfigError, redactUrl } from './config.ts';

/** One `host:port` of a Redis Cluster seed list. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where the hot store lives: one Redis (`redis://`, `rediss://`) or a Redis Cluster
 * (`redis+cluster://[user[:password]@]h1:p1,h2:p2,…`, `rediss+cluster://` with TLS). For a
 * cluster, `nodes` are the seeds: the client learns the rest of the cluster from any of them.
 */
export type RedisTarget =
  | { cluster: false; url: string }
  | { cluster: true; nodes: RedisNode[]; username?: string; password?: string; tls: boolean };

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\/(.*)$/;

/** Parses `h1:p1,h2:p2` (a port may be left out: 6379; IPv6 hosts in brackets); throws on anything else. */
export function parseRedisNodes(list: string): RedisNode[] {
  const nodes = list.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/?#@\s]+)(?::(\d{1,5}))?$/.exec(part);
    const port = m ? Number(m[2] ?? 6379) : NaN;
    if (!m || !(port >= 1 && port <= 65535)) throw new Error(`not a host:port: ${part}`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
  if (nodes.length === 0) throw new Error('no host:port given');
  return nodes;
}

/** Parses a hot-store URL (see RedisTarget); throws an Error saying what is wrong (never showing a password). */
export function parseRedisTarget(raw: string): RedisTarget {
  const m = CLUSTER_SCHEME.exec(raw);
  if (!m) return { cluster: false, url: raw };
  let rest = m[2];
  const end = rest.search(/[/?#]/);
  if (end >= 0) {
    if (!/^\/?$/.test(rest.slice(end))) throw new Error('a cluster URL takes no path or query (a cluster has only database 0)');
    rest = rest.slice(0, end);
  }
  const at = rest.lastIndexOf('@');
  const userInfo = at >= 0 ? rest.slice(0, at) : '';
  const colon = userInfo.indexOf(':');
  const username = decodeURIComponent(colon >= 0 ? userInfo.slice(0, colon) : userInfo) || undefined;
  const password = colon >= 0 ? decodeURIComponent(userInfo.slice(colon + 1)) || undefined : undefined;
  return { cluster: true, nodes: parseRedisNodes(rest.slice(at + 1)), username, password, tls: m[1] === 'rediss' };
}

/** Config parser of REDIS_URL: redis://, rediss://, redis+cluster:// or rediss+cluster://. */
export function parseRedisUrlVariable(raw: string, name: string): string {
  const expected = 'a URL (redis://…, rediss://…, or redis+cluster://h1:p1,h2:p2 for Redis Cluster)';
  if (CLUSTER_SCHEME.test(raw)) {
    try {
      parseRedisTarget(raw);
    } catch (err) {
      throw new ConfigError(name, `${expected}; ${(err as Error).message}`, redactUrl(raw));
    }
    return raw;
  }
  let scheme = '';
  try {
    scheme = new URL(raw).protocol;
  } catch {
    // reported below
  }
  if (scheme !== 'redis:' && scheme !== 'rediss:') throw new ConfigError(name, expected, redactUrl(raw));
  return raw;
}

/** Config parser of REDIS_CLUSTER_NODES: `h1:p1,h2:p2,…`. */
export function parseRedisNodesVariable(raw: string, name: string): string {
  try {
    parseRedisNodes(raw);
  } catch (err) {
    throw new ConfigError(name, `a comma-separated host:port list; ${(err as Error).message}`, raw);
  }
  return raw;
}

/**
 * Folds REDIS_CLUSTER_NODES into `redisUrl` (as `redis+cluster://<nodes>`), so every process opens
 * its hot store from the one `redisUrl`. Both set is an error: credentials or TLS for a cluster go
 * in REDIS_URL itself (`rediss+cluster://user:password@h1:p1,h2:p2`).
 */
export function applyRedisClusterNodes(config: { redisUrl?: string; redisClusterNodes?: string }): void {
  if (!config.redisClusterNodes) return;
  if (config.redisUrl) throw new ConfigError('REDIS_CLUSTER_NODES', 'unset while REDIS_URL is set (use REDIS_URL=redis+cluster://h1:p1,h2:p2 for credentials or TLS)');
  config.redisUrl = `redis+cluster://${config.redisClusterNodes}`;
}
