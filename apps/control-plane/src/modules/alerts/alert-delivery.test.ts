import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Account, AlertDelivery, ApiKey, User } from '@relay/db';
import { encodeUsageEvent, hotKeys, micro, USAGE_GROUP, type UsageEvent } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { controlPlaneBackends, startTestControlPlane, startWebhookReceiver, usageEvent, type ReceivedWebhook, type TestControlPlane, type WebhookReceiver } from '@relay/testkit';
import { ClaudeTokenRefresher } from '../oauth/oauth.refresher.ts';
import { alertEvents } from './alert-events.ts';
import { AlertDeliveryWorker } from './alert-delivery.worker.ts';
import { IngesterLagWatcher } from './alert-triggers.ts';
import { clearAlerts, createChannel, deliveries, SEND_TEST, settledDeliveries } from './alerts.test-support.ts';

const SECRET = 'whsec-delivery-tests-0123456789';
const RETRY_BASE_MS = 200;
const MAX_ATTEMPTS = 4;

/** Checks the generic webhook signature the way a receiver would; returns the parsed event. */
function verified(r: ReceivedWebhook): { id: string; type: string; details: Record<string, unknown> } {
  const ts = r.headers['x-relay-timestamp'] as string;
  expect(r.headers['x-relay-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${r.raw}`).digest('hex')}`);
  expect(r.headers['x-relay-event-id']).toBe(r.json.id);
  return r.json;
}

describe.each(controlPlaneBackends())('alert delivery ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let rx: WebhookReceiver;
  let mock: MockUpstream;
  const extraWorkers: AlertDeliveryWorker[] = [];

  beforeAll(async () => {
    rx = await startWebhookReceiver();
    mock = await startMockUpstream();
    cp = await startTestControlPlane({
      ...opts,
      env: {
        ALERT_RETRY_BASE_MS: String(RETRY_BASE_MS), ALERT_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        CLAUDE_OAUTH_AUTHORIZE_URL: `${mock.url}/oauth/authorize`, CLAUDE_OAUTH_TOKEN_URL: `${mock.url}/v1/oauth/token`, CLAUDE_AI_BASE_URL: mock.url,
      },
    });
  });
  beforeEach(() => mock.reset());
  afterEach(async () => {
    await Promise.all(extraWorkers.splice(0).map((w) => w.close()));
    await clearAlerts(cp);
    rx.received.length = 0;
  });
  afterAll(async () => {
    await cp?.close();
    await mock?.close();
    await rx?.close();
  });

  /** A second control plane's delivery worker on the same database. */
  function secondWorker(): AlertDeliveryWorker {
    const w = new AlertDeliveryWorker(cp.controlPlane.services);
    w.start();
    extraWorkers.push(w);
    return w;
  }

  /** A Claude OAuth account (through the real PKCE flow against the fake server) whose token expires inside the refresher's window. */
  async function expiringOAuthAccount(name: string): Promise<string> {
    mock.setTokenLifetime(120);
    const start = await cp.gql<{ startClaudeOAuth: { sessionId: string; authorizeUrl: string } }>('mutation { startClaudeOAuth(kind: OAUTH) { sessionId authorizeUrl } }', {}, cp.adminToken);
    const challenge = new URL(start.data!.startClaudeOAuth.authorizeUrl).searchParams.get('code_challenge')!;
    const created = await cp.gql<{ completeClaudeOAuth: { id: string } }>(
      'mutation($s: String!, $c: String!, $a: ClaudeAccountInput!) { completeClaudeOAuth(sessionId: $s, code: $c, account: $a) { id } }',
      { s: start.data!.startClaudeOAuth.sessionId, c: mock.issueAuthCode(challenge), a: { name } }, cp.adminToken,
    );
    expect(created.errors).toBeUndefined();
    return created.data!.completeClaudeOAuth.id;
  }

  it('retries a failing receiver with growing waits and lists the delivery as failed with its attempts', async () => {
    rx.answer('/down', () => ({ status: 500, body: 'upstream exploded' }));
    const c = await createChannel(cp, { name: 'down', kind: 'WEBHOOK', url: `${rx.url}/down`, secret: SECRET, events: ['ACCOUNT_ERROR'] });
    await cp.gql(SEND_TEST, { id: c.id }, cp.adminToken);
    const hits = await rx.waitFor(MAX_ATTEMPTS);
    const [d] = await settledDeliveries(cp, c.id, 1);
    expect(d).toMatchObject({ status: 'FAILED', attempts: MAX_ATTEMPTS, eventType: 'test' });
    expect(d!.lastError).toBe('HTTP 500: upstream exploded');
    // Same event each time (receivers dedup on the id), and the waits between attempts double.
    expect(new Set(hits.map((h) => h.headers['x-relay-event-id'])).size).toBe(1);
    const gaps = hits.slice(1).map((h, i) => h.at - hits[i]!.at);
    console.log(`[alerts] attempt gaps (ms) with ALERT_RETRY_BASE_MS=${RETRY_BASE_MS}: ${gaps.map(Math.round).join(', ')}`);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(RETRY_BASE_MS * 2 ** i - 5);
      expect(gap).toBeLessThan(RETRY_BASE_MS * 2 ** i + 1000);
    });
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1]!);
    // Nothing more is sent once the delivery failed for good.
    await cp.gql(SEND_TEST, { id: c.id }, cp.adminToken);
    await rx.waitFor(MAX_ATTEMPTS + 1);
    expect(rx.received.filter((r) => r.headers['x-relay-event-id'] === hits[0]!.headers['x-relay-event-id'])).toHaveLength(MAX_ATTEMPTS);
  });

  it('delivers once a receiver recovers, recording the attempts it took', async () => {
    rx.answer('/flaky', (_req, n) => (n < 2 ? { status: 503, body: '' } : { status: 204 }));
    const c = await createChannel(cp, { name: 'flaky', kind: 'SLACK', url: `${rx.url}/flaky`, events: ['ACCOUNT_ERROR'] });
    await cp.gql(SEND_TEST, { id: c.id }, cp.adminToken);
    const [d] = await settledDeliveries(cp, c.id, 1);
    expect(d).toMatchObject({ status: 'DELIVERED', attempts: 3, lastError: null });
    expect(rx.received.filter((r) => r.path === '/flaky')).toHaveLength(3);
  });

  it('emit(): queues a typed event for the channels subscribed to it, once however often it is emitted', async () => {
    const paused = await createChannel(cp, { name: 'paused', kind: 'WEBHOOK', url: `${rx.url}/paused`, secret: SECRET, events: ['ACCOUNT_PAUSED', 'ACCOUNT_RESUMED'] });
    const other = await createChannel(cp, { name: 'other', kind: 'WEBHOOK', url: `${rx.url}/other`, secret: SECRET, events: ['KEY_BUDGET'] });
    const { alerts } = cp.controlPlane.services;
    const event = alertEvents.accountPaused({ accountId: 7, accountName: 'max-7', reason: '5-hour window spent', at: Date.now(), until: Date.now() + 3_600_000 });
    expect(await alerts.emit(event)).toBe(1);
    expect(await alerts.emit(event)).toBe(0);
    // Another control plane (its own AlertService, nothing remembered in memory) emitting the same fact.
    const { AlertService } = await import('./alert.service.ts');
    expect(await new AlertService({ orm: cp.orm, logger: cp.logger }).emit(event)).toBe(0);
    const [got] = await rx.waitFor(1, (r) => r.path === '/paused');
    expect(verified(got!)).toMatchObject({ id: event.id, type: 'account.paused', details: { accountId: '7', accountName: 'max-7', reason: '5-hour window spent' } });
    expect(await settledDeliveries(cp, paused.id, 1)).toEqual([expect.objectContaining({ status: 'DELIVERED', eventType: 'account.paused', title: 'Account max-7 paused' })]);
    expect(await deliveries(cp, other.id)).toEqual([]);
    // A disabled channel gets nothing new.
    await cp.gql('mutation($id: ID!) { updateAlertChannel(id: $id, input: { enabled: false }) { id } }', { id: paused.id }, cp.adminToken);
    expect(await alerts.emit(alertEvents.accountResumed({ accountId: 7, accountName: 'max-7', at: Date.now() }))).toBe(0);
  });

  it('two delivery workers send each of 40 queued alerts exactly once', async () => {
    const c = await createChannel(cp, { name: 'busy', kind: 'WEBHOOK', url: `${rx.url}/busy`, secret: SECRET, events: ['ACCOUNT_ERROR'] });
    secondWorker();
    const events = Array.from({ length: 40 }, (_, i) => alertEvents.accountError({ accountId: 1000 + i, accountName: `acc-${i}`, reason: 'upstream 401', at: Date.now(), source: 'proxy' }));
    await Promise.all(events.map((e) => cp.controlPlane.services.alerts.emit(e)));
    const list = await settledDeliveries(cp, c.id, 40);
    expect(list.every((d) => d.status === 'DELIVERED' && d.attempts === 1)).toBe(true);
    await Promise.all(extraWorkers.splice(0).map((w) => w.close()));
    const ids = rx.received.filter((r) => r.path === '/busy').map((r) => verified(r).id);
    expect(ids.sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('a refused OAuth refresh sends oauth.refresh_failed and account.error once each, signed, with two refreshers and two workers', async () => {
    const c = await createChannel(cp, { name: 'ops', kind: 'WEBHOOK', url: `${rx.url}/ops`, secret: SECRET, events: ['OAUTH_REFRESH_FAILED', 'ACCOUNT_ERROR'] });
    secondWorker();
    const accountId = await expiringOAuthAccount('max-refused');
    // The authorization server now refuses the refresh token (revoked, or rotated elsewhere).
    mock.setResponder((req) => (req.format === 'oauth' && req.body?.grant_type === 'refresh_token' ? { status: 400, errorMessage: 'invalid_grant' } : undefined));

    const [a, b] = [new ClaudeTokenRefresher(cp.controlPlane.services), new ClaudeTokenRefresher(cp.controlPlane.services)];
    await Promise.all([a.runOnce(), b.runOnce()]);
    await a.runOnce(); // the account is in ERROR now: not retried
    expect((await cp.orm.em.fork().findOneOrFail(Account, { id: Number(accountId) })).status).toBe('ERROR');

    const list = await settledDeliveries(cp, c.id, 2);
    expect(list.map((d) => [d.eventType, d.status, d.attempts]).sort()).toEqual([['account.error', 'DELIVERED', 1], ['oauth.refresh_failed', 'DELIVERED', 1]]);
    await Promise.all(extraWorkers.splice(0).map((w) => w.close()));
    const got = rx.received.filter((r) => r.path === '/ops').map(verified);
    expect(got.map((e) => e.type).sort()).toEqual(['account.error', 'oauth.refresh_failed']);
    expect(got.find((e) => e.type === 'oauth.refresh_failed')!.details).toMatchObject({ accountId, accountName: 'max-refused', status: 400 });
    expect(got.find((e) => e.type === 'account.error')!.details).toMatchObject({ accountId, source: 'oauth-refresh' });
    expect(mock.requests.filter((q) => q.body?.grant_type === 'refresh_token')).toHaveLength(1);
  });

  it('an unreachable token endpoint alerts once for the same refresh token, however many passes retry it', async () => {
    const c = await createChannel(cp, { name: 'ops', kind: 'WEBHOOK', url: `${rx.url}/ops2`, secret: SECRET, events: ['OAUTH_REFRESH_FAILED', 'ACCOUNT_ERROR'] });
    const accountId = await expiringOAuthAccount('max-5xx');
    mock.setResponder((req) => (req.format === 'oauth' && req.body?.grant_type === 'refresh_token' ? { status: 502 } : undefined));
    const r = new ClaudeTokenRefresher(cp.controlPlane.services);
    for (let i = 0; i < 3; i++) await r.runOnce();
    expect(mock.requests.filter((q) => q.body?.grant_type === 'refresh_token')).toHaveLength(3);
    expect((await cp.orm.em.fork().findOneOrFail(Account, { id: Number(accountId) })).status).toBe('ACTIVE');
    const list = await settledDeliveries(cp, c.id, 1);
    expect(list.map((d) => [d.eventType, d.status])).toEqual([['oauth.refresh_failed', 'DELIVERED']]);
  });

  it('account status changes reported by proxies send account.error, then account.recovered', async () => {
    const c = await createChannel(cp, { name: 'acc', kind: 'WEBHOOK', url: `${rx.url}/acc`, secret: SECRET, events: ['ACCOUNT_ERROR', 'ACCOUNT_RECOVERED'] });
    const em = cp.orm.em.fork();
    const account = em.create(Account, { name: 'console-1', platform: 'claude-console', credentials: cp.controlPlane.services.secretBox.encryptJson({ kind: 'api-key', apiKey: 'sk-ant-x' }), credentialHint: '••••x' });
    await em.flush();
    const report = (status: string, reason: string) =>
      cp.store.streamAdd(hotKeys.proxyEventStream, JSON.stringify({ type: 'account.status', accountId: String(account.id), status, reason, at: Date.now() + 5 }));
    await report('ERROR', 'upstream answered 401 three times');
    const [first] = await rx.waitFor(1, (r) => r.path === '/acc');
    expect(verified(first!)).toMatchObject({ type: 'account.error', details: { accountId: String(account.id), reason: 'upstream answered 401 three times', source: 'proxy' } });
    await report('ACTIVE', 'requests succeed again');
    const got = await rx.waitFor(2, (r) => r.path === '/acc');
    expect(verified(got[1]!)).toMatchObject({ type: 'account.recovered', details: { accountId: String(account.id) } });
    expect((await settledDeliveries(cp, c.id, 2)).every((d) => d.status === 'DELIVERED')).toBe(true);
  });

  it('a key crossing 80 % then 100 % of its daily limit, through the ingester, alerts once per threshold', async () => {
    const c = await createChannel(cp, { name: 'budget', kind: 'WEBHOOK', url: `${rx.url}/budget`, secret: SECRET, events: ['KEY_BUDGET'] });
    const em = cp.orm.em.fork();
    const user = em.create(User, { username: `budget-${randomBytes(3).toString('hex')}`, passwordHash: 'x' });
    const key = em.create(ApiKey, { user, name: 'team-key', keyHash: randomBytes(32).toString('hex'), keyPrefix: 'sk-relay-bud', dailyCostLimit: 1_000_000 });
    await em.flush();
    let spent = 0;
    const spend = async (microUsd: number, again?: UsageEvent) => {
      const e = again ?? usageEvent({ userId: String(user.id), apiKeyId: String(key.id), inputCost: micro(microUsd), outputCost: micro(0), totalCost: micro(microUsd) });
      if (!again) spent += microUsd;
      await cp.store.streamAdd(hotKeys.usageStream, encodeUsageEvent(e));
      // Ingested and acknowledged (the ack follows the after-commit alert check).
      await vi.waitFor(async () => {
        const row = await cp.orm.em.fork().findOneOrFail(ApiKey, { id: key.id });
        if (row.costUsed !== spent || (await cp.store.pendingCount(hotKeys.usageStream, USAGE_GROUP)) !== 0) throw new Error('not ingested yet');
      }, { timeout: 10_000, interval: 20 });
      return e;
    };
    const keyAlerts = async () => (await cp.orm.em.fork().find(AlertDelivery, { eventType: 'key.budget' }, { orderBy: { id: 'asc' } })).map((d) => d.eventId);
    await spend(500_000);
    expect(await keyAlerts()).toEqual([]);
    const crossing = await spend(350_000); // 85 %
    await spend(100_000); // 95 %: still only the 80 % alert
    await spend(0, crossing); // a redelivered event changes nothing
    const [eighty] = await rx.waitFor(1, (r) => r.path === '/budget');
    expect(verified(eighty!)).toMatchObject({ type: 'key.budget', details: { apiKeyId: String(key.id), limit: 'daily', percent: 80, usedMicroUsd: 850_000, limitMicroUsd: 1_000_000 } });
    await spend(100_000); // 105 %
    await spend(100_000); // 115 %
    const got = await rx.waitFor(2, (r) => r.path === '/budget');
    expect(verified(got[1]!)).toMatchObject({ details: { percent: 100, usedMicroUsd: 1_050_000 } });
    const day = (eighty!.json.details as { period: string }).period;
    expect(await keyAlerts()).toEqual([`key.budget:${key.id}:daily:${day}:80`, `key.budget:${key.id}:daily:${day}:100`]);
    expect((await settledDeliveries(cp, c.id, 2)).map((d) => d.status)).toEqual(['DELIVERED', 'DELIVERED']);
    expect(rx.received.filter((r) => r.path === '/budget')).toHaveLength(2);
  });

  it('a total limit passed in one jump sends the 80 % and the 100 % alert once each', async () => {
    await createChannel(cp, { name: 'budget-total', kind: 'WEBHOOK', url: `${rx.url}/total`, secret: SECRET, events: ['KEY_BUDGET'] });
    const em = cp.orm.em.fork();
    const user = em.create(User, { username: `total-${randomBytes(3).toString('hex')}`, passwordHash: 'x' });
    const key = em.create(ApiKey, { user, name: 'capped-key', keyHash: randomBytes(32).toString('hex'), keyPrefix: 'sk-relay-tot', totalCostLimit: 2_000_000 });
    await em.flush();
    const e = usageEvent({ userId: String(user.id), apiKeyId: String(key.id), inputCost: micro(2_400_000), outputCost: micro(0), totalCost: micro(2_400_000) });
    await cp.store.streamAdd(hotKeys.usageStream, encodeUsageEvent(e));
    await cp.store.streamAdd(hotKeys.usageStream, encodeUsageEvent(usageEvent({ userId: String(user.id), apiKeyId: String(key.id), inputCost: micro(100_000), outputCost: micro(0), totalCost: micro(100_000) })));
    const got = await rx.waitFor(2, (r) => r.path === '/total');
    expect(got.map((r) => verified(r).details).sort((a, b) => Number(a.percent) - Number(b.percent))).toEqual([
      expect.objectContaining({ limit: 'total', percent: 80, limitMicroUsd: 2_000_000, period: '2000000' }),
      expect.objectContaining({ limit: 'total', percent: 100, limitMicroUsd: 2_000_000, period: '2000000' }),
    ]);
    await vi.waitFor(async () => {
      if ((await cp.orm.em.fork().findOneOrFail(ApiKey, { id: key.id })).costUsed !== 2_500_000 || (await cp.store.pendingCount(hotKeys.usageStream, USAGE_GROUP)) !== 0) throw new Error('not ingested yet');
    }, { timeout: 10_000, interval: 20 });
    expect(await cp.orm.em.fork().count(AlertDelivery, { eventType: 'key.budget' })).toBe(2);
  });

  it('ingester.lagging fires once the pending usage entries stay above the threshold long enough', async () => {
    const c = await createChannel(cp, { name: 'lag', kind: 'WEBHOOK', url: `${rx.url}/lag`, secret: SECRET, events: ['INGESTER_LAGGING'] });
    const s = cp.controlPlane.services;
    // The ingester of this control plane drains the real stream, so the watcher is pointed at a
    // stream of its own where a consumer reads and never acknowledges: the pending list grows.
    const stream = `{usage}:lag-test-${randomBytes(3).toString('hex')}`;
    const watcher = new IngesterLagWatcher({
      alerts: s.alerts, logger: s.logger, config: { ...s.config.alerts, ingesterLagEntries: 2, ingesterLagSeconds: 30 },
      pending: () => cp.store.pendingCount(stream, USAGE_GROUP),
    });
    await cp.store.ensureGroup(stream, USAGE_GROUP);
    for (let i = 0; i < 3; i++) await cp.store.streamAdd(stream, `entry ${i}`);
    const taken = await cp.store.readGroup(stream, USAGE_GROUP, 'stuck-consumer', 10, 0);
    expect(taken).toHaveLength(3);
    const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 + 60_000; // one hour, one alert: stay inside it
    await watcher.check(t0);
    await watcher.check(t0 + 29_000);
    expect(await deliveries(cp, c.id)).toEqual([]);
    await watcher.check(t0 + 30_000);
    await watcher.check(t0 + 45_000);
    const [got] = await rx.waitFor(1, (r) => r.path === '/lag');
    expect(verified(got!)).toMatchObject({ type: 'ingester.lagging', details: { pending: 3, threshold: 2, seconds: 30 } });
    expect(await settledDeliveries(cp, c.id, 1)).toHaveLength(1);
    await cp.store.del(stream);
  });
});
