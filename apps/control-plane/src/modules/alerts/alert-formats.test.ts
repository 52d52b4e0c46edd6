import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertChannel, AuditLog } from '@relay/db';
import { controlPlaneBackends, startTestControlPlane, startWebhookReceiver, type TestControlPlane, type WebhookReceiver } from '@relay/testkit';
import { clearAlerts, createChannel, CREATE_CHANNEL, deliveries, SEND_TEST, settledDeliveries, UPDATE_CHANNEL } from './alerts.test-support.ts';

const SECRET = 'whsec-0123456789abcdef';
const ALL_EVENTS = ['ACCOUNT_ERROR', 'ACCOUNT_RECOVERED', 'OAUTH_REFRESH_FAILED', 'KEY_BUDGET'];

const hmac = (key: string, msg: string, enc: 'hex' | 'base64') => createHmac('sha256', key).update(msg).digest(enc);

describe.each(controlPlaneBackends())('alert channel formats ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let rx: WebhookReceiver;

  beforeAll(async () => {
    rx = await startWebhookReceiver();
    cp = await startTestControlPlane(opts);
  });
  afterEach(async () => {
    await clearAlerts(cp);
    rx.received.length = 0;
  });
  afterAll(async () => {
    await cp?.close();
    await rx?.close();
  });

  async function sendTest(id: string): Promise<string> {
    const r = await cp.gql<{ sendTestAlert: { eventId: string; status: string } }>(SEND_TEST, { id }, cp.adminToken);
    expect(r.errors).toBeUndefined();
    return r.data!.sendTestAlert.eventId;
  }

  it('sends each channel kind in its own wire format, signed where the kind signs', async () => {
    const kinds = [
      { kind: 'WEBHOOK', path: '/hook', secret: SECRET },
      { kind: 'SLACK', path: '/services/T000/B000/XXXX' },
      { kind: 'FEISHU', path: '/open-apis/bot/v2/hook/plain' },
      { kind: 'FEISHU', path: '/open-apis/bot/v2/hook/signed', secret: 'feishu-secret' },
      { kind: 'DINGTALK', path: '/robot/send', query: '?access_token=ding-token', secret: 'SECdingtalk-secret' },
      { kind: 'DINGTALK', path: '/robot/plain', query: '?access_token=ding-plain' },
      { kind: 'WECOM', path: '/cgi-bin/webhook/send', query: '?key=wecom-key' },
    ];
    const channels = [];
    for (const k of kinds) {
      const c = await createChannel(cp, { name: `${k.kind} ${k.path}`, kind: k.kind, url: `${rx.url}${k.path}${k.query ?? ''}`, secret: k.secret ?? null, events: ALL_EVENTS });
      expect(c.urlHint).toBe(`${rx.url}/…`); // the path and its tokens are never shown
      expect(c.signed).toBe(!!k.secret);
      channels.push({ ...k, id: c.id, eventId: await sendTest(c.id) });
    }
    await rx.waitFor(kinds.length);
    const byPath = (p: string) => rx.received.filter((r) => r.path === p);
    for (const c of channels) expect(byPath(c.path)).toHaveLength(1);

    // Generic webhook: JSON event, event id header, HMAC over "timestamp.body" with the channel secret.
    const hook = byPath('/hook')[0]!;
    const ts = hook.headers['x-relay-timestamp'] as string;
    expect(hook.headers['x-relay-signature']).toBe(`sha256=${hmac(SECRET, `${ts}.${hook.raw}`, 'hex')}`);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
    expect(hook.headers['x-relay-event-id']).toBe(channels[0]!.eventId);
    expect(hook.headers['content-type']).toBe('application/json');
    expect(hook.json).toMatchObject({ id: channels[0]!.eventId, type: 'test', severity: 'info', title: 'Test alert from the relay' });
    expect(hook.json.text).toContain('WEBHOOK /hook');

    // Slack incoming webhook: text fallback plus blocks.
    const slack = byPath('/services/T000/B000/XXXX')[0]!.json;
    expect(slack.text).toContain('Test alert from the relay');
    expect(slack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Test alert from the relay' } });
    expect(slack.blocks[1]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });

    // Feishu: msg_type text; the signed variant adds timestamp (s) and sign = base64(HMAC(key = "timestamp\nsecret", "")).
    const feishuPlain = byPath('/open-apis/bot/v2/hook/plain')[0]!.json;
    expect(feishuPlain).toEqual({ msg_type: 'text', content: { text: expect.stringContaining('Test alert from the relay') } });
    const feishu = byPath('/open-apis/bot/v2/hook/signed')[0]!.json;
    expect(feishu).toMatchObject({ msg_type: 'text', content: { text: expect.stringContaining('Test alert') }, timestamp: expect.stringMatching(/^\d{10}$/) });
    expect(feishu.sign).toBe(hmac(`${feishu.timestamp}\nfeishu-secret`, '', 'base64'));

    // DingTalk: msgtype text; signed with timestamp (ms) and sign = base64(HMAC(secret, "timestamp\nsecret")) in the query.
    const ding = byPath('/robot/send')[0]!;
    expect(ding.json).toEqual({ msgtype: 'text', text: { content: expect.stringContaining('Test alert from the relay') } });
    expect(ding.query.access_token).toBe('ding-token');
    expect(ding.query.timestamp).toMatch(/^\d{13}$/);
    expect(ding.query.sign).toBe(hmac('SECdingtalk-secret', `${ding.query.timestamp}\nSECdingtalk-secret`, 'base64'));
    expect(byPath('/robot/plain')[0]!.query).toEqual({ access_token: 'ding-plain' });

    // WeCom: msgtype text.
    const wecom = byPath('/cgi-bin/webhook/send')[0]!;
    expect(wecom.json).toEqual({ msgtype: 'text', text: { content: expect.stringContaining('Test alert from the relay') } });
    expect(wecom.query.key).toBe('wecom-key');

    for (const c of channels) {
      const [d] = await settledDeliveries(cp, c.id, 1);
      expect(d).toMatchObject({ status: 'DELIVERED', attempts: 1, lastError: null, eventType: 'test', eventId: c.eventId });
    }
  });

  it('treats a vendor error in a 200 answer (Feishu code) as a failed send and retries it', async () => {
    rx.answer('/feishu-bad', () => ({ status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' }));
    const c = await createChannel(cp, { name: 'feishu', kind: 'FEISHU', url: `${rx.url}/feishu-bad`, secret: 'wrong', events: ALL_EVENTS });
    await sendTest(c.id);
    await rx.waitFor(1);
    const d = await vi.waitFor(async () => {
      const [row] = await deliveries(cp, c.id);
      if (!row?.lastError) throw new Error('no error recorded yet');
      return row;
    }, { timeout: 5000, interval: 50 });
    expect(d).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(d.lastError).toContain('feishu error 19021: sign match fail');
  });

  it('keeps the URL and secret encrypted and out of every answer and the audit log', async () => {
    const url = `${rx.url}/services/T1/B1/super-secret-token`;
    const c = await createChannel(cp, { name: 'slack', kind: 'SLACK', url, events: ['ACCOUNT_ERROR'] });
    const hook = await createChannel(cp, { name: 'hook', kind: 'WEBHOOK', url: `${rx.url}/h?token=abc`, secret: SECRET, events: ['KEY_BUDGET'] });
    const upd = await cp.gql(UPDATE_CHANNEL, { id: hook.id, i: { secret: 'another-secret-0123456789', events: ['KEY_BUDGET', 'ACCOUNT_ERROR'] } }, cp.adminToken);
    expect(upd.errors).toBeUndefined();
    const rows = await cp.orm.em.fork().find(AlertChannel, {});
    for (const row of rows) {
      expect(row.target).not.toContain('super-secret-token');
      expect(row.target).not.toContain(SECRET);
    }
    const listed = JSON.stringify(await cp.gql('{ alertChannels { id name kind urlHint signed enabled events createdAt updatedAt } }', {}, cp.adminToken));
    const audit = JSON.stringify(await cp.orm.em.fork().find(AuditLog, { targetType: 'alert_channel' }));
    for (const secret of ['super-secret-token', 'token=abc', SECRET, 'another-secret']) {
      expect(listed).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    expect(JSON.parse(listed).data.alertChannels).toEqual([
      expect.objectContaining({ id: c.id, kind: 'SLACK', signed: false, events: ['ACCOUNT_ERROR'] }),
      expect.objectContaining({ id: hook.id, kind: 'WEBHOOK', signed: true, events: ['KEY_BUDGET', 'ACCOUNT_ERROR'] }),
    ]);
  });

  it('refuses metadata and link-local destinations, unsigned webhooks, and non-admins', async () => {
    const bad = async (input: Record<string, unknown>) => (await cp.gql(CREATE_CHANNEL, { i: { name: 'x', events: ['ACCOUNT_ERROR'], ...input } }, cp.adminToken)).errors?.[0]?.extensions;
    expect(await bad({ kind: 'SLACK', url: 'http://169.254.169.254/latest/meta-data/' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(await bad({ kind: 'SLACK', url: 'http://[fe80::1]/x' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(await bad({ kind: 'SLACK', url: 'http://metadata.google.internal/computeMetadata/v1/' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(await bad({ kind: 'SLACK', url: 'file:///etc/passwd' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(await bad({ kind: 'WEBHOOK', url: `${rx.url}/h` })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'secret' });
    expect(await bad({ kind: 'WEBHOOK', url: `${rx.url}/h`, secret: 'short' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'secret' });
    expect(await cp.orm.em.fork().count(AlertChannel, {})).toBe(0);

    const username = `viewer${Date.now()}`;
    const created = await cp.gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password: 'password-123' } }, cp.adminToken);
    expect(created.errors).toBeUndefined();
    const login = await cp.gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: 'password-123' });
    const token = login.data!.login.token;
    expect((await cp.gql('{ alertChannels { id } }', {}, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await cp.gql('{ alertDeliveries { total } }', {}, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const attempt = await cp.gql(CREATE_CHANNEL, { i: { name: 'x', kind: 'SLACK', url: `${rx.url}/s`, events: ['ACCOUNT_ERROR'] } }, token);
    expect(attempt.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await cp.orm.em.fork().count(AlertChannel, {})).toBe(0);
  });
});
