import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { parseRedisTarget } from '@relay/core';

const run = promisify(execFile);

/** A local Redis Cluster of three masters (no replicas) started by a test; see startRedisCluster. */
export interface LocalRedisCluster {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`: what REDIS_URL takes. */
  readonly url: string;
  /** The masters' client ports. */
  readonly ports: number[];
  /** The keys matching a glob `pattern` on each master (by port): where the cluster put them. */
  keysByNode(pattern: string): Promise<Map<number, string[]>>;
  /** Deletes every key starting with `prefix` on every master (SCAN per node, DEL per key). */
  deletePrefix(prefix: string): Promise<void>;
  /** Stops the three servers (SIGKILL: there is nothing to save) and removes their temp dir. */
  close(): Promise<void>;
}

/** Whether 127.0.0.1:`port` can be bound right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A port the OS hands out (bind port 0) whose cluster-bus port (+10000) is free too, not one of `taken`. */
async function clusterPort(taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    if (port + 10_000 > 65_535 || taken.includes(port) || taken.includes(port + 10_000)) continue;
    if (await portFree(port + 10_000)) return port;
  }
  throw new Error('no free port pair (port, port + 10000) for a Redis Cluster node');
}

async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

/** Polls `probe` until true (50 ms apart) or throws after `timeoutMs`. */
async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts a Redis Cluster of three masters on spare ports (redis-server with --cluster-enabled, no
 * persistence, config files in a temp dir), joins them with `redis-cli --cluster create` and waits
 * until every node reports cluster_state:ok. redis-server and redis-cli must be on PATH: a missing
 * binary fails the test (never a skip). Call close() at the end.
 */
export async function startRedisCluster(): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) ports.push(await clusterPort(ports));
  const children: ChildProcess[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(children.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    })));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const child = spawn('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout', '5000', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir,
      ], { stdio: 'ignore' });
      children.push(child);
      const spawned = new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', (err) => reject(new Error(`cannot start redis-server: ${err.message}`)));
      });
      await spawned;
    }
    for (const [i, port] of ports.entries()) {
      await waitFor(`node ${port} answering`, async () => {
        if (children[i].exitCode !== null) throw new Error(`redis-server on ${port} exited with ${children[i].exitCode}`);
        return (await redisCli(port, 'PING')).trim() === 'PONG';
      }, 10_000);
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    await waitFor('cluster_state:ok on every node', async () => {
      for (const port of ports) if (!(await redisCli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
      return true;
    }, 30_000);
  } catch (err) {
    await close();
    throw err;
  }
  const url = `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
  return {
    url,
    ports,
    async keysByNode(pattern) {
      const out = new Map<number, string[]>();
      for (const port of ports) out.set(port, (await redisCli(port, '--scan', '--pattern', pattern)).split('\n').filter(Boolean));
      return out;
    },
    async deletePrefix(prefix) {
      await deleteClusterPrefix(ports.map((port) => ({ host: '127.0.0.1', port })), prefix);
    },
    close,
  };
}

/** SCAN on every master (a cluster-wide SCAN does not exist) and DEL each match (keys of many slots). */
export async function deleteClusterPrefix(nodes: { host: string; port: number }[], prefix: string): Promise<void> {
  const cluster = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
  try {
    await cluster.ping(); // queued until the slot map is known: then nodes() lists every master
    for (const node of cluster.nodes('master')) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        await Promise.all(keys.map((key) => cluster.del(key)));
      } while (cursor !== '0');
    }
  } finally {
    cluster.disconnect();
  }
}

/** Deletes every key starting with `prefix` from the hot store at `url` (one Redis or a cluster). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const target = parseRedisTarget(url);
  if (target.cluster) return deleteClusterPrefix(target.nodes, prefix);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
