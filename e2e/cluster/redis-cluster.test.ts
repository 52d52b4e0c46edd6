/**
 * Acceptance of Redis Cluster support: a local three-master Redis Cluster (started here, on spare
 * ports), a control plane on MariaDB whose hot store is that cluster, and three standalone proxy
 * processes with REDIS_URL=redis+cluster://…. A smoke request through each proxy is served and
 * billed; an RPM limit of N admits exactly N of 3N concurrent requests spread over the three
 * proxies; and 10,000 requests (concurrency 50) are each billed exactly once in request_logs,
 * usage_daily and the key's counters, with the usage stream partitions spread over the shards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestControlPlane, testDatabaseUrl, type TestControlPlane } from '@relay/testkit';
import { startRedisCluster, type LocalRedisCluster } from '@relay/testkit/redis-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RPM = 6;
const TOTAL = 10_000;
const CONCURRENCY = 50;
const PARTITIONS = 8;

interface ProxyProcess { url: string; child: ChildProcess }

/** `apps/proxy/src/main.ts` as its own process on the cluster; resolves with its URL once it listens. */
function startProxyProcess(cp: TestControlPlane, redisUrl: string): Promise<ProxyProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/proxy/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, PORT: '0', PROXY_ANNOUNCE_PORT: '1', REDIS_URL: redisUrl, HOT_STORE_PREFIX: cp.hotStorePrefix, USAGE_STREAM_PARTITIONS: String(PARTITIONS),
      API_KEY_SECRET: cp.config.apiKeySecret, ENCRYPTION_KEY: cp.config.encryptionKey, LOG_LEVEL: 'warn', DATA_DIR: '', UPSTREAM_ALLOW_PRIVATE: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /PROXY_PORT=(\d+)/.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`proxy exited with ${code}:\n${out}`)));
  });
}

describe.runIf(!!testDatabaseUrl())('Redis Cluster: three proxy processes and a control plane on a local three-master cluster', () => {
  let cluster: LocalRedisCluster;
  let mock: MockUpstream;
  let cp: TestControlPlane;
  const proxies: ProxyProcess[] = [];
  const keys = { limited: { id: '', key: '' }, bulk: { id: '', key: '' } };
  /** Request ids of every bulk-key request a proxy answered 200: each must be billed once. */
  const billed = new Set<string>();

  async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const r = await cp.gql<T>(query, variables, cp.adminToken);
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data;
  }

  async function chat(proxy: ProxyProcess, key: string): Promise<{ status: number; requestId: string | null }> {
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.arrayBuffer();
    const requestId = res.headers.get('x-request-id');
    if (res.status === 200 && key === keys.bulk.key && requestId) billed.add(requestId);
    return { status: res.status, requestId };
  }

  async function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return cp.orm.em.fork().getConnection().execute(query, params) as Promise<T[]>;
  }

  /** Rows, distinct request ids, rollup requests and key counter of the bulk key, as the database has them. */
  async function bulkBilling(): Promise<{ rows: number; distinct: number; daily: number; counter: number }> {
    const id = Number(keys.bulk.id);
    const [logs] = await sql<{ n: number | string; d: number | string }>('select count(*) n, count(distinct request_id) d from request_logs where api_key_id = ?', [id]);
    const [daily] = await sql<{ n: number | string | null }>('select sum(requests) n from usage_daily where api_key_id = ?', [id]);
    const [key] = await sql<{ n: number | string }>('select request_count n from api_keys where id = ?', [id]);
    return { rows: Number(logs.n), distinct: Number(logs.d), daily: Number(daily.n ?? 0), counter: Number(key.n) };
  }

  /** Waits until the database has billed every request in `billed` (the ingester catches up), then returns the figures. */
  async function settled(timeoutMs: number): Promise<{ rows: number; distinct: number; daily: number; counter: number }> {
    let last = await bulkBilling();
    await expect.poll(async () => (last = await bulkBilling()).rows, { timeout: timeoutMs, interval: 250 }).toBeGreaterThanOrEqual(billed.size);
    return last;
  }

  beforeAll(async () => {
    cluster = await startRedisCluster();
    mock = await startMockUpstream();
    cp = await startTestControlPlane({ db: 'mysql', redisUrl: cluster.url, env: { USAGE_STREAM_PARTITIONS: String(PARTITIONS) } });
    await gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', { i: { name: 'openai at mock', platform: 'OPENAI', apiKey: 'sk-cluster', baseUrl: mock.url } });
    await gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: 'gpt-4o', input: '2.5', output: '10' } });
    for (const [name, rpm] of [['limited', RPM], ['bulk', null]] as const) {
      const { createApiKey } = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
        'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id } } }', { i: { name, rpm } });
      keys[name] = { id: createApiKey.apiKey.id, key: createApiKey.key };
    }
    proxies.push(...(await Promise.all([0, 1, 2].map(() => startProxyProcess(cp, cluster.url)))));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(proxies.map((p) => new Promise<void>((resolve) => {
      if (p.child.exitCode !== null) return resolve();
      p.child.once('exit', () => resolve());
      p.child.kill('SIGTERM');
    })));
    await cp?.close();
    await mock?.close();
    await cluster?.close();
  });

  it('smoke: each proxy is ready on the cluster, serves a request and its usage is billed', async () => {
    for (const p of proxies) {
      expect((await fetch(`${p.url}/readyz`)).status).toBe(200);
      // The proxy may still be loading the snapshot with the keys: repeat until it serves.
      await expect.poll(async () => (await chat(p, keys.bulk.key)).status, { timeout: 20_000, interval: 200 }).toBe(200);
    }
    const figures = await settled(30_000);
    expect(figures).toEqual({ rows: billed.size, distinct: billed.size, daily: billed.size, counter: billed.size });
  });

  it(`an RPM limit of ${RPM} admits exactly ${RPM} of ${3 * RPM} concurrent requests over the three proxies`, async () => {
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 5000) await new Promise((r) => setTimeout(r, left + 50)); // stay inside one fixed window
    const before = mock.requests.length;
    const results = await Promise.all(Array.from({ length: 3 * RPM }, (_, i) => chat(proxies[i % 3], keys.limited.key)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(RPM);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * RPM);
    expect(mock.requests.length - before).toBe(RPM);
  });

  it(`bills each of ${TOTAL.toLocaleString('en')} requests (concurrency ${CONCURRENCY}, three proxies) exactly once`, async () => {
    const before = billed.size;
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < TOTAL; i = next++) {
        const { status } = await chat(proxies[i % 3], keys.bulk.key);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }));
    expect(Object.fromEntries(statuses)).toEqual({ 200: TOTAL });
    expect(billed.size - before).toBe(TOTAL);

    const figures = await settled(180_000);
    expect(figures).toEqual({ rows: billed.size, distinct: billed.size, daily: billed.size, counter: billed.size });
    const stored = await sql<{ request_id: string }>('select request_id from request_logs where api_key_id = ?', [Number(keys.bulk.id)]);
    expect(stored.filter((r) => !billed.has(r.request_id))).toEqual([]);

    // The partitions (one hash tag each) spread over the shards.
    const byNode = await cluster.keysByNode(`${cp.hotStorePrefix}{usage:*}:stream`);
    const perNode = [...byNode.values()].map((k) => k.length);
    expect(perNode.reduce((a, b) => a + b, 0)).toBe(PARTITIONS);
    expect(perNode.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  }, 400_000);
});
