// Acceptance of the usage-window issue across the planes: a proxy reads a Claude subscription
// account's unified rate-limit headers from the mock, the control plane shows them
// (Account.usageWindows, read from the shared hot store), a rejection pauses the account until its
// reset with an account.paused alert sent once however many proxies report it, and the account
// serves again by itself after the reset, with account.resumed. Runs on SQLite + the in-memory
// store and, when the service URLs are set, MariaDB + Redis. (The 2-minute pause under a
// controlled clock is apps/proxy/src/relay/usage-windows.test.ts.)
import { hotKeys, type ProxyEvent } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import {
  controlPlaneBackends, startTestControlPlane, startTestProxy, startWebhookReceiver, type TestControlPlane, type TestProxy, type WebhookReceiver,
} from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const SONNET = 'claude-sonnet-4-20250514';
const HOUR = 3600_000;
const WINDOWS = 'usageWindows { status pausedUntil fiveHour { utilizationBp status resetsAt } sevenDay { utilizationBp status resetsAt } }';

function mustData<T>(r: { data: T | null; errors?: unknown }): T {
  if (!r.data) throw new Error(`GraphQL failed: ${JSON.stringify(r.errors)}`);
  return r.data;
}

interface WindowsView {
  status: string | null;
  pausedUntil: string | null;
  fiveHour: { utilizationBp: number; status: string | null; resetsAt: string | null } | null;
  sevenDay: { utilizationBp: number; status: string | null; resetsAt: string | null } | null;
}

/** Epoch ms on a whole second (the headers carry unix seconds). */
const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

describe.each(controlPlaneBackends())('usage windows across the planes ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let proxy: TestProxy;
  let mock: MockUpstream;
  let rx: WebhookReceiver;
  let key: string;
  let channelId: string;

  beforeAll(async () => {
    [mock, rx] = await Promise.all([startMockUpstream(), startWebhookReceiver()]);
    cp = await startTestControlPlane({ ...opts, env: { UPSTREAM_ALLOW_PRIVATE: 'true' } });
    const config = { apiKeySecret: cp.config.apiKeySecret!, encryptionKey: cp.config.encryptionKey! };
    proxy = opts.redisUrl ? await startTestProxy({ redisUrl: opts.redisUrl, prefix: cp.hotStorePrefix, config }) : await startTestProxy({ store: cp.store, config });
    mustData(await cp.gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: SONNET, input: '3', output: '15' } }, cp.adminToken));
    key = mustData(await cp.gql<{ createApiKey: { key: string } }>('mutation { createApiKey(input: { name: "windows" }) { key } }', {}, cp.adminToken)).createApiKey.key;
    channelId = mustData(await cp.gql<{ createAlertChannel: { id: string } }>(
      'mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }',
      { i: { name: 'windows', kind: 'WEBHOOK', url: `${rx.url}/windows`, secret: 'windows-secret-0123456789', events: ['ACCOUNT_PAUSED', 'ACCOUNT_RESUMED'] } },
      cp.adminToken,
    )).createAlertChannel.id;
  });
  afterAll(async () => {
    await proxy?.close();
    await cp?.close();
    await Promise.all([mock?.close(), rx?.close()]);
  });

  async function createOAuthAccount(name: string): Promise<string> {
    const id = mustData(await cp.gql<{ createAccount: { id: string } }>(
      'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
      { i: { name, platform: 'CLAUDE_OAUTH', accessToken: `sk-ant-oat01-${name}`, baseUrl: mock.url } },
      cp.adminToken,
    )).createAccount.id;
    // The proxy has the account once it answers with it (the mutation awaited the snapshot rebuild).
    await vi.waitFor(() => expect(proxy.proxy.runtime.snapshots.current().accountsById.has(id)).toBe(true));
    return id;
  }

  async function windowsOf(id: string): Promise<WindowsView | null> {
    return mustData(await cp.gql<{ account: { usageWindows: WindowsView | null } }>(`query($id: ID!) { account(id: $id) { ${WINDOWS} } }`, { id }, cp.adminToken)).account.usageWindows;
  }

  function send() {
    return fetch(`${proxy.url}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ model: SONNET, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
  }

  async function deliveries(): Promise<{ eventId: string; eventType: string; status: string }[]> {
    return mustData(await cp.gql<{ alertDeliveries: { items: { eventId: string; eventType: string; status: string }[] } }>(
      'query($f: AlertDeliveryFilter) { alertDeliveries(filter: $f) { items { eventId eventType status } } }', { f: { channelId } }, cp.adminToken,
    )).alertDeliveries.items;
  }

  it('95 % then rejected with a reset 2 minutes ahead: GraphQL shows the windows and the pause, nothing reaches the account, one account.paused alert', async () => {
    const id = await createOAuthAccount('max-1');
    const now = Date.now();
    const fiveHourReset = wholeSecond(now + 3 * HOUR);
    const sevenDayReset = wholeSecond(now + 96 * HOUR);
    mock.setDefault({ unified: { fiveHour: { utilization: '0.95', status: 'allowed_warning', resetsAt: fiveHourReset }, sevenDay: { utilization: '0.4', resetsAt: sevenDayReset } } });
    expect((await send()).status).toBe(200);
    await vi.waitFor(async () => expect(await windowsOf(id)).toEqual({
      status: 'allowed', pausedUntil: null,
      fiveHour: { utilizationBp: 9500, status: 'allowed_warning', resetsAt: new Date(fiveHourReset).toISOString() },
      sevenDay: { utilizationBp: 4000, status: 'allowed', resetsAt: new Date(sevenDayReset).toISOString() },
    }));

    const resetAt = wholeSecond(Date.now() + 120_000);
    mock.enqueue({ status: 429, unified: { status: 'rejected', resetsAt: resetAt, fiveHour: { utilization: '1.0', status: 'rejected', resetsAt: resetAt }, sevenDay: { utilization: '0.41', resetsAt: sevenDayReset } } });
    const rejected = await send();
    expect(rejected.status).toBe(429);
    expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThan(100);
    expect(Number(rejected.headers.get('retry-after'))).toBeLessThanOrEqual(120);
    await vi.waitFor(async () => expect(await windowsOf(id)).toMatchObject({ status: 'rejected', pausedUntil: new Date(resetAt).toISOString(), fiveHour: { utilizationBp: 10_000, status: 'rejected' } }));
    const before = mock.requests.length;
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(429);
    expect(mock.requests.length).toBe(before);

    // Another proxy reporting the same pause: still one alert (dedup by account and reset).
    const dup: ProxyEvent = { type: 'account.window', accountId: id, state: 'paused', until: resetAt, reason: 'five_hour window used up', at: Date.now() };
    await cp.store.streamAdd(hotKeys.proxyEventStream, JSON.stringify(dup));
    const [paused] = await rx.waitFor(1, (r) => r.path === '/windows');
    expect(paused!.json).toMatchObject({ type: 'account.paused', id: `account.paused:${id}:${resetAt}`, details: { accountId: id, accountName: 'max-1', until: new Date(resetAt).toISOString() } });
    await vi.waitFor(async () => expect((await deliveries()).map((d) => [d.eventType, d.status])).toEqual([['account.paused', 'DELIVERED']]));
  });

  it('a reset a few seconds ahead: the account serves again by itself and account.resumed is sent once', async () => {
    const id = await createOAuthAccount('max-2');
    mock.reset();
    const resetAt = wholeSecond(Date.now()) + 3000;
    mock.enqueue({ status: 429, unified: { status: 'rejected', resetsAt: resetAt, fiveHour: { utilization: '1', status: 'rejected', resetsAt: resetAt } } });
    mock.setDefault({ unified: { fiveHour: { utilization: '0.02', resetsAt: resetAt + 5 * HOUR } } });
    // max-1 is still paused (2 minutes): every account is, so the client waits for max-2's reset.
    const rejected = await send();
    expect(rejected.status).toBe(429);
    expect(Number(rejected.headers.get('retry-after'))).toBeLessThanOrEqual(3);
    expect(mock.requests).toHaveLength(1);
    // Until the reset the proxy answers 429 itself; then max-2 serves again.
    await vi.waitFor(async () => expect((await send()).status).toBe(200), { timeout: 15_000, interval: 200 });
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt);
    expect(mock.requests).toHaveLength(2);
    await vi.waitFor(async () => expect(await windowsOf(id)).toMatchObject({ status: 'allowed', pausedUntil: null, fiveHour: { utilizationBp: 200 } }));
    const resumed = await rx.waitFor(3, (r) => r.path === '/windows');
    expect(resumed.map((r) => (r.json as { id: string }).id)).toEqual(expect.arrayContaining([`account.paused:${id}:${resetAt}`, `account.resumed:${id}:${resetAt}`]));
    await vi.waitFor(async () => expect((await deliveries()).filter((d) => d.eventId.endsWith(`:${id}:${resetAt}`)).map((d) => d.eventType).sort()).toEqual(['account.paused', 'account.resumed']));
    // The stream is read in order, so max-1's duplicate report (added before) has been handled too: still one alert for it.
    expect((await deliveries()).map((d) => d.eventType).sort()).toEqual(['account.paused', 'account.paused', 'account.resumed']);
  });
});
