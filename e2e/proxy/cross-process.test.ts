import { createHotStore, type HotStore } from '@relay/hot-store';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { publishSnapshot, testRedisUrl, uniqueSuffix } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyProcess, stopProxyProcesses, type ProxyProcess } from './proxy-process.ts';

const KEY = 'sk-relay-xproc-00000000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';
const RPM = 6;
const redisUrl = testRedisUrl();

describe.runIf(redisUrl)('three proxy processes sharing Redis', () => {
  let mock: MockUpstream;
  let store: HotStore;
  const procs: ProxyProcess[] = [];
  beforeAll(async () => {
    const prefix = `xproc:${uniqueSuffix()}:`;
    mock = await startMockUpstream();
    store = createHotStore({ redisUrl, prefix });
    await publishSnapshot(store, {
      keys: [{ id: `k-${uniqueSuffix()}`, userId: 'u1', key: KEY, rpm: RPM }],
      accounts: [{ id: 'a', platform: 'claude-console', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
      prices: [{ model: SONNET, price: { input: '1', output: '1' } }],
    });
    procs.push(...(await Promise.all([startProxyProcess(redisUrl!, prefix), startProxyProcess(redisUrl!, prefix), startProxyProcess(redisUrl!, prefix)])));
  }, 60_000);
  afterAll(async () => {
    await stopProxyProcesses(procs);
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
