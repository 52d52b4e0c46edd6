/**
 * PROXY_WORKERS=2: one primary and two proxy workers on one port (node:cluster). Requests land on
 * both workers (their pids in /metrics), an RPM limit N admits exactly N across them (the limit is
 * in Redis), a worker killed with SIGKILL is replaced while the port keeps serving, and SIGTERM to
 * the primary drains both workers and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createHotStore, type HotStore } from '@relay/hot-store';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { publishSnapshot, TEST_API_KEY_SECRET, TEST_ENCRYPTION_KEY, testRedisUrl, uniqueSuffix } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FREE_KEY = 'sk-relay-workers-free-0000000000000000000000';
const RPM_KEY = 'sk-relay-workers-rpm-00000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';
const RPM = 8;
const METRICS_TOKEN = 'workers-metrics-token-0123456789';
const redisUrl = testRedisUrl();

/**
 * One request on a fresh connection (no keep-alive): the primary hands each connection to the next
 * worker, and no pooled connection stays pinned to a worker the test kills.
 */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.once('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

const post = async (url: string, key: string): Promise<number> =>
  (await send(`${url}/v1/messages`, 'POST', { 'x-api-key': key, 'content-type': 'application/json' }, JSON.stringify({ model: SONNET, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }))).status;

/** relay_proxy_worker_requests_total per pid, and the primary's own series, from the merged /metrics. */
async function workerMetrics(url: string): Promise<{ perPid: Map<number, number>; workers: number; restarts: number }> {
  const { status, text } = await send(`${url}/metrics`, 'GET', { authorization: `Bearer ${METRICS_TOKEN}` });
  expect(status).toBe(200);
  const perPid = new Map<number, number>();
  for (const m of text.matchAll(/^relay_proxy_worker_requests_total\{worker="\d+",pid="(\d+)"\} (\d+)$/gm)) perPid.set(Number(m[1]), Number(m[2]));
  const one = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { perPid, workers: one('relay_proxy_workers'), restarts: one('relay_proxy_worker_restarts_total') };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(redisUrl)('PROXY_WORKERS=2: two proxy workers on one port', () => {
  let mock: MockUpstream;
  let store: HotStore;
  let primary: ChildProcess;
  let url = '';
  let stderr = '';

  beforeAll(async () => {
    const prefix = `workers:${uniqueSuffix()}:`;
    mock = await startMockUpstream();
    mock.setResponder((req) => (req.rawBody.includes('slow stream') ? { text: Array.from({ length: 10 }, (_, i) => `s${i} `).join(''), chunks: 10, chunkDelayMs: 100 } : undefined));
    store = createHotStore({ redisUrl, prefix });
    await publishSnapshot(store, {
      keys: [{ id: `free-${uniqueSuffix()}`, userId: 'u1', key: FREE_KEY }, { id: `rpm-${uniqueSuffix()}`, userId: 'u1', key: RPM_KEY, rpm: RPM }],
      accounts: [{ id: 'a', platform: 'claude-console', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
      prices: [{ model: SONNET, price: { input: '1', output: '1' } }],
    });
    primary = spawn(process.execPath, ['--import', 'tsx', 'apps/proxy/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env, PROXY_WORKERS: '2', REDIS_URL: redisUrl, HOT_STORE_PREFIX: prefix, PORT: '0', PROXY_ANNOUNCE_PORT: '1', LOG_LEVEL: 'warn',
        API_KEY_SECRET: TEST_API_KEY_SECRET, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, UPSTREAM_ALLOW_PRIVATE: 'true', METRICS_TOKEN, SHUTDOWN_GRACE_MS: '5000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    primary.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      primary.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /PROXY_PORT=(\d+)/.exec(out);
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      });
      primary.once('exit', (code) => reject(new Error(`proxy primary exited with ${code}: ${stderr}`)));
    });
  }, 90_000);

  afterAll(async () => {
    if (primary && primary.exitCode === null && primary.signalCode === null) {
      await new Promise<void>((r) => {
        primary.once('exit', () => r());
        primary.kill('SIGTERM');
      });
    }
    await store?.close();
    await mock?.close();
  });

  it('serves requests from both workers (two pids in /metrics, neither the primary)', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, () => post(url, FREE_KEY)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const { perPid, workers } = await workerMetrics(url);
    expect(workers).toBe(2);
    expect(perPid.size).toBe(2);
    for (const [pid, n] of perPid) {
      expect(pid).not.toBe(primary.pid);
      expect(n).toBeGreaterThan(0);
    }
    expect([...perPid.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(20);
  }, 30_000);

  it(`admits exactly ${RPM} of ${3 * RPM} concurrent requests for RPM ${RPM} across the workers`, async () => {
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 5000) await new Promise((r) => setTimeout(r, left + 50)); // stay inside one fixed window
    const before = await workerMetrics(url);
    const statuses = await Promise.all(Array.from({ length: 3 * RPM }, () => post(url, RPM_KEY)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(RPM);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * RPM);
    const after = await workerMetrics(url);
    // Both workers took part: each accepted some of the 3N connections.
    for (const [pid, n] of after.perPid) expect(n).toBeGreaterThan(before.perPid.get(pid) ?? 0);
  }, 30_000);

  it('replaces a worker killed with SIGKILL and keeps serving on the port', async () => {
    const { perPid } = await workerMetrics(url);
    const [victim, survivor] = [...perPid.keys()];
    process.kill(victim, 'SIGKILL');
    // The primary notices the exit and forks a replacement: a new pid in the merged metrics. A
    // connection the primary hands to the victim before it learns of the exit is never answered,
    // as for any client of a killed process: such an ask times out and is asked again.
    const ask = () => Promise.race([
      workerMetrics(url),
      new Promise<null>((r) => setTimeout(() => r(null), 2_000).unref()),
    ]).catch(() => null);
    let m = await ask();
    for (let i = 0; i < 300 && !(m && m.restarts === 1 && m.perPid.size === 2 && !m.perPid.has(victim)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      m = await ask();
    }
    if (!m) throw new Error('the merged /metrics never answered after the kill');
    expect(alive(victim)).toBe(false);
    expect(m.restarts).toBe(1);
    expect(m.workers).toBe(2);
    expect([...m.perPid.keys()].sort()).toEqual([survivor, [...m.perPid.keys()].find((p) => p !== survivor)].sort());
    const replacement = [...m.perPid.keys()].find((p) => p !== survivor)!;
    expect(replacement).not.toBe(victim);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => post(url, FREE_KEY)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const after = await workerMetrics(url);
    expect(after.perPid.get(replacement)).toBeGreaterThan(0);
  }, 60_000);

  it('SIGTERM to the primary drains both workers (a running stream finishes) and exits 0', async () => {
    const pids = [...(await workerMetrics(url)).perPid.keys()];
    // A stream of 10 chunks 100 ms apart, under way when the SIGTERM arrives.
    let firstChunk!: () => void;
    const started = new Promise<void>((r) => (firstChunk = r));
    const stream = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${url}/v1/messages`, { method: 'POST', agent: false, headers: { 'x-api-key': FREE_KEY, 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => {
          text += c;
          firstChunk();
        });
        res.once('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.once('error', reject);
      req.end(JSON.stringify({ model: SONNET, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'slow stream' }] }));
    });
    await started;
    const exit = new Promise<number | null>((r) => primary.once('exit', (code) => r(code)));
    primary.kill('SIGTERM');
    const done = await stream;
    expect(done.status).toBe(200);
    expect(done.text).toContain('message_stop');
    expect(done.text).toContain('s9');
    expect(await exit, stderr).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 60_000);
});
