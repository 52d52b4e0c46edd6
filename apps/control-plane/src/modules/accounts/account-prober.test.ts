import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hotChannels, hotKeys, type ConfigSnapshot } from '@relay/core';
import { Account } from '@relay/db';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { refreshFailedKey } from '@relay/upstreams';
import { controlPlaneBackends, liveRefreshToken, startTestControlPlane, startWebhookReceiver, type TestControlPlane, type WebhookReceiver } from '@relay/testkit';
import { AccountProber } from './account-prober.ts';

const FIELDS = 'id status statusReason probeIntervalSeconds lastProbeAt lastProbeOk lastProbeError lastProbeLatencyMs';
type Health = { id: string; status: string; statusReason: string | null; probeIntervalSeconds: number | null; lastProbeAt: string | null; lastProbeOk: boolean | null; lastProbeError: string | null; lastProbeLatencyMs: number | null };

describe.each(controlPlaneBackends())('scheduled account probes ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let mock: MockUpstream;
  let rx: WebhookReceiver;
  let failing = true;
  const ids: Record<'probed' | 'off' | 'disabled' | 'paused', string> = { probed: '', off: '', disabled: '', paused: '' };

  async function create(name: string, extra: Record<string, unknown>): Promise<string> {
    const r = await cp.gql<{ createAccount: { id: string } }>('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', {
      i: { name, platform: 'OPENAI', apiKey: `sk-test-${name}`, baseUrl: mock.url, ...extra },
    }, cp.adminToken);
    expect(r.errors).toBeUndefined();
    return r.data!.createAccount.id;
  }

  async function health(id: string): Promise<Health> {
    const r = await cp.gql<{ account: Health }>(`query($id: ID!) { account(id: $id) { ${FIELDS} } }`, { id }, cp.adminToken);
    expect(r.errors).toBeUndefined();
    return r.data!.account;
  }

  async function snapshotStatus(id: string): Promise<string | undefined> {
    const snap = JSON.parse((await cp.store.getSnapshot())!.json) as ConfigSnapshot;
    return snap.accounts.find((a) => a.id === id)?.status;
  }

  beforeAll(async () => {
    mock = await startMockUpstream();
    // The mock fails every request of the probed account while `failing` holds.
    mock.setResponder((r) => {
      if (r.format === 'anthropic') return r.headers.authorization === `Bearer ${mock.oauthTokens.at(-1)?.accessToken}` ? undefined : { status: 401 };
      return failing && r.headers.authorization === 'Bearer sk-test-probed' ? { status: 500, errorMessage: 'upstream down' } : undefined;
    });
    rx = await startWebhookReceiver();
    // The background prober only runs its boot pass (no accounts yet): the test drives passes itself.
    cp = await startTestControlPlane({ ...opts, env: { ACCOUNT_PROBE_TICK_MS: '600000', ALERT_POLL_MS: '100', CLAUDE_OAUTH_TOKEN_URL: `${mock.url}/v1/oauth/token` } });
    const ch = await cp.gql('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', {
      i: { name: 'ops', kind: 'WEBHOOK', url: `${rx.url}/ops`, secret: 'probe-secret-0123456789', events: ['ACCOUNT_ERROR', 'ACCOUNT_RECOVERED'] },
    }, cp.adminToken);
    expect(ch.errors).toBeUndefined();
    ids.probed = await create('probed', { probeIntervalSeconds: 60 });
    ids.off = await create('off', {});
    ids.disabled = await create('disabled', { probeIntervalSeconds: 60 });
    ids.paused = await create('paused', { probeIntervalSeconds: 60, schedulable: false });
    expect((await cp.gql('mutation($id: ID!) { updateAccount(id: $id, input: { status: DISABLED }) { id } }', { id: ids.disabled }, cp.adminToken)).errors).toBeUndefined();
  });
  afterAll(async () => {
    await cp?.close();
    await rx?.close();
    await mock?.close();
  });

  it('the interval is set and cleared through GraphQL; new accounts have none', async () => {
    expect((await health(ids.off)).probeIntervalSeconds).toBeNull();
    expect((await health(ids.probed)).probeIntervalSeconds).toBe(60);
    const bad = await cp.gql('mutation($id: ID!) { updateAccount(id: $id, input: { probeIntervalSeconds: 5 }) { id } }', { id: ids.off }, cp.adminToken);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const set = `mutation($id: ID!, $s: Int) { updateAccount(id: $id, input: { probeIntervalSeconds: $s }) { probeIntervalSeconds } }`;
    expect((await cp.gql(set, { id: ids.off, s: 300 }, cp.adminToken)).data).toEqual({ updateAccount: { probeIntervalSeconds: 300 } });
    expect((await cp.gql(set, { id: ids.off, s: null }, cp.adminToken)).data).toEqual({ updateAccount: { probeIntervalSeconds: null } });
  });

  it('a pass probes only due accounts with an interval, never disabled or paused ones; a failed probe puts the account in ERROR with one account.error alert', async () => {
    const prober = new AccountProber(cp.controlPlane.services);
    const results = await prober.runOnce();
    expect(Object.fromEntries(results)).toEqual({ [ids.probed]: 'failed' });
    expect(mock.requests.filter((r) => r.headers.authorization !== 'Bearer sk-test-probed')).toHaveLength(0);
    const h = await health(ids.probed);
    expect(h).toMatchObject({ status: 'ERROR', lastProbeOk: false, probeIntervalSeconds: 60 });
    expect(h.lastProbeError).toMatch(/500/);
    expect(h.statusReason).toMatch(/health probe failed/);
    expect(h.lastProbeAt).not.toBeNull();
    expect(h.lastProbeLatencyMs).toBeGreaterThanOrEqual(0);
    expect(await snapshotStatus(ids.probed)).toBe('ERROR');
    const [hook] = await rx.waitFor(1, (r) => r.json?.type === 'account.error');
    expect(hook.json.details).toMatchObject({ accountId: ids.probed, source: 'probe' });
    // Not due again before its interval.
    expect((await prober.runOnce()).size).toBe(0);
  });

  it('one control plane probes an account per interval: a second one finds the lease taken', async () => {
    const [a, b] = [new AccountProber(cp.controlPlane.services), new AccountProber(cp.controlPlane.services)];
    await cp.store.del(hotKeys.accountProbeLease(ids.probed));
    const before = mock.requests.length;
    const results = await Promise.all([a.probe(Number(ids.probed), 60_000), b.probe(Number(ids.probed), 60_000)]);
    expect(results.sort()).toEqual(['failed', 'leased']);
    expect(mock.requests.length - before).toBe(1);
    // Even when the database says it is due, the lease still holds for the rest of the interval.
    expect(Object.fromEntries(await b.runOnce(Date.now() + 61_000))).toEqual({ [ids.probed]: 'leased' });
  });

  it('a successful probe of an ERROR account recovers it (one account.recovered alert) and clears the proxies\' cooldown', async () => {
    failing = false;
    const id = ids.probed;
    await cp.store.set(hotKeys.accountCooldown(id), String(Date.now() + 3_600_000), 3_600_000);
    const heard: string[] = [];
    const unsubscribe = await cp.store.subscribe(hotChannels.cooldowns, (m) => heard.push(m));
    await cp.store.del(hotKeys.accountProbeLease(id));
    const results = await new AccountProber(cp.controlPlane.services).runOnce(Date.now() + 61_000);
    expect(results.get(Number(id))).toBe('ok');
    expect(await health(id)).toMatchObject({ status: 'ACTIVE', statusReason: null, lastProbeOk: true, lastProbeError: null });
    expect(await snapshotStatus(id)).toBe('ACTIVE');
    expect(await cp.store.get(hotKeys.accountCooldown(id))).toBeNull();
    await vi.waitFor(() => expect(heard.map((m) => JSON.parse(m))).toContainEqual({ accountId: id, cleared: true }), { timeout: 5000, interval: 20 });
    await unsubscribe();
    const [hook] = await rx.waitFor(1, (r) => r.json?.type === 'account.recovered');
    expect(hook.json.details).toMatchObject({ accountId: id });
    expect(rx.received.filter((r) => r.json?.type === 'account.error')).toHaveLength(1);
  });

  it('the probe of a Claude OAuth account in ERROR whose token is refused refreshes it and, answered, recovers the account', async () => {
    const refreshToken = await liveRefreshToken(mock);
    const r = await cp.gql<{ createAccount: { id: string } }>('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', {
      i: { name: 'max-probed', platform: 'CLAUDE_OAUTH', accessToken: 'sk-ant-oat01-refused-token', refreshToken, expiresAt: new Date(Date.now() + 86_400_000).toISOString(), baseUrl: mock.url, probeIntervalSeconds: 60 },
    }, cp.adminToken);
    expect(r.errors).toBeUndefined();
    const id = r.data!.createAccount.id;
    // As a proxy's refresh after a 401 leaves it when the token endpoint was unreachable.
    await cp.orm.em.fork().nativeUpdate(Account, { id: Number(id) }, { status: 'ERROR', statusReason: 'OAuth refresh after an upstream 401 failed' });
    await cp.store.set(refreshFailedKey(id), 'tag', 3_600_000);
    const refreshes = () => mock.requests.filter((q) => q.format === 'oauth' && q.body?.refresh_token === refreshToken).length;

    const results = await new AccountProber(cp.controlPlane.services).runOnce();
    expect(results.get(Number(id))).toBe('ok');
    expect(refreshes()).toBe(1);
    expect(await health(id)).toMatchObject({ status: 'ACTIVE', lastProbeOk: true });
    expect(await cp.store.get(refreshFailedKey(id))).toBeNull();
    const probes = mock.requests.filter((q) => q.format === 'anthropic').map((q) => q.headers.authorization);
    expect(probes).toEqual(['Bearer sk-ant-oat01-refused-token', `Bearer ${mock.oauthTokens.at(-1)!.accessToken}`]);
  });
});
