import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHotStore, type HotStore } from '@relay/hot-store';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { publishSnapshot, TEST_API_KEY_SECRET, TEST_ENCRYPTION_KEY, testRedisUrl, uniqueSuffix } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEY = 'sk-relay-xproc-00000000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';
const RPM = 6;
const redisUrl = testRedisUrl();

/** Starts `src/main.ts` as its own process and resolves with its URL once it listens. */
function startProxyProcess(prefix: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['apps/proxy/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, REDIS_URL: redisUrl, HOT_STORE_PREFIX: prefix, PORT: '0', PROXY_ANNOUNCE_PORT: '1', LOG_LEVEL: 'silent',
      API_KEY_SECRET: TEST_API_KEY_SECRET, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, UPSTREAM_ALLOW_PRIVATE: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /PROXY_PORT=(\d+)/.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, child });
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => reject(new Error(`proxy process exited with ${code}: ${err}`)));
  });
}

describe.runIf(redisUrl)('three proxy processes sharing Redis', () => {
  let mock: MockUpstream;
  let store: HotStore;
  const procs: { url: string; child: ChildProcess }[] = [];
  beforeAll(async () => {
    const prefix = `xproc:${uniqueSuffix()}:`;
    mock = await startMockUpstream();
    store = createHotStore({ redisUrl, prefix });
    await publishSnapshot(store, {
      keys: [{ id: `k-${uniqueSuffix()}`, userId: 'u1', key: KEY, rpm: RPM }],
      accounts: [{ id: 'a', platform: 'claude-console', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
      prices: [{ model: SONNET, price: { input: '1', output: '1' } }],
    });
    procs.push(...(await Promise.all([startProxyProcess(prefix), startProxyProcess(prefix), startProxyProcess(prefix)])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(procs.map((p) => new Promise<void>((r) => {
      p.child.once('exit', () => r());
      p.child.kill('SIGTERM');
    })));
    await store?.close();
    await mock?.close();
  });

  it(`admit exactly ${RPM} of ${3 * RPM} concurrent requests for RPM ${RPM}`, async () => {
    for (const p of procs) expect((await fetch(`${p.url}/readyz`)).status).toBe(200);
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 5000) await new Promise((r) => setTimeout(r, left + 50)); // stay inside one fixed window
    const res = await Promise.all(Array.from({ length: 3 * RPM }, (_, i) =>
      fetch(`${procs[i % 3].url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify({ model: SONNET, max_tokens: 5, messages: [] }) })));
    const statuses = res.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(RPM);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * RPM);
    expect(mock.requests).toHaveLength(RPM);
  });
});
