// The admin "Proxy test" over graphql-ws: a prompt sent through an account whose answer reaches
// the subscriber piece by piece while the upstream (the mock, streaming slowly) is still writing.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '@relay/db';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends } from '@relay/testkit';

const PROXY_TEST = `subscription($a: ID!, $m: String!, $p: String!) {
  proxyTest(accountId: $a, model: $m, prompt: $p) { kind text status latencyMs firstTokenMs error }
}`;
const TEXT = 'Streaming answers arrive one piece at a time';
const CHUNK_DELAY_MS = 50;

interface TestEvent { kind: string; text: string | null; status: number | null; latencyMs: number | null; firstTokenMs: number | null; error: string | null; at: number }

/** One proxyTest subscription: its events with arrival times, its errors, and when it ended. */
function watch(client: Client, variables: Record<string, unknown>, onEvent?: (e: TestEvent, stop: () => void) => void) {
  const events: TestEvent[] = [];
  const errors: unknown[] = [];
  let stop: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    stop = client.subscribe<{ proxyTest: Omit<TestEvent, 'at'> }>({ query: PROXY_TEST, variables }, {
      next: (msg) => {
        if (msg.errors) errors.push(...msg.errors);
        if (!msg.data) return;
        const e = { ...msg.data.proxyTest, at: performance.now() };
        events.push(e);
        onEvent?.(e, stop);
      },
      error: (err) => {
        errors.push(err);
        resolve();
      },
      complete: resolve,
    });
  });
  return { events, errors, ended };
}

describe.each(controlPlaneBackends())('proxyTest subscription ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let mock: MockUpstream;
  let accountId: string;
  let userToken: string;
  const clients: Client[] = [];

  function ws(token: string): Client {
    const c = createClient({ url: `${cp.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    mock = await startMockUpstream();
    cp = await startTestControlPlane(opts);
    const created = await cp.gql<{ createAccount: { id: string } }>(
      'mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
      { i: { name: 'openai at mock', platform: 'OPENAI', apiKey: 'sk-proxy-test-0001', baseUrl: mock.url } },
      cp.adminToken,
    );
    accountId = created.data!.createAccount.id;
    await cp.gql('mutation { createUser(input: { username: "uma", password: "uma-password-1" }) { id } }', {}, cp.adminToken);
    userToken = (await cp.gql<{ login: { token: string } }>('mutation { login(username: "uma", password: "uma-password-1") { token } }')).data!.login.token;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await cp?.close();
    await mock?.close();
  });
  beforeEach(() => mock.reset());

  it('streams the answer to the admin piece by piece, then DONE with status and timings, and audits the test', async () => {
    mock.enqueue({ text: TEXT, chunks: 4, chunkDelayMs: CHUNK_DELAY_MS });
    const sub = watch(ws(cp.adminToken), { a: accountId, m: 'gpt-4o', p: 'Tell me something.' });
    await sub.ended;
    expect(sub.errors).toEqual([]);
    const kinds = sub.events.map((e) => e.kind);
    expect(kinds[0]).toBe('STARTED');
    expect(kinds.at(-1)).toBe('DONE');
    const texts = sub.events.filter((e) => e.kind === 'TEXT');
    expect(texts.length).toBe(4);
    expect(texts.map((e) => e.text).join('')).toBe(TEXT);
    // The mock waits 50 ms between chunks: had the answer been collected before sending, all four
    // pieces would land together. The first one arrived while three chunks were still to be sent.
    expect(texts[3].at - texts[0].at).toBeGreaterThanOrEqual(3 * CHUNK_DELAY_MS - 10);
    const done = sub.events.at(-1)!;
    expect(done).toMatchObject({ status: 200, text: TEXT, error: null });
    expect(done.firstTokenMs).toBeGreaterThanOrEqual(0);
    expect(done.latencyMs! - done.firstTokenMs!).toBeGreaterThanOrEqual(3 * CHUNK_DELAY_MS - 10);
    expect(mock.requests[0]).toMatchObject({ format: 'openai', stream: true });
    expect(mock.requests[0].body.messages).toEqual([{ role: 'user', content: 'Tell me something.' }]);

    const audit = await cp.orm.em.fork().find(AuditLog, { action: 'account.test', targetId: accountId });
    expect(audit.map((a) => a.after)).toContainEqual(expect.objectContaining({ model: 'gpt-4o', ok: true, status: 200, stream: true }));
  });

  it('reports an upstream error status as ERROR', async () => {
    mock.enqueue({ status: 401, errorMessage: 'invalid x-api-key' });
    const sub = watch(ws(cp.adminToken), { a: accountId, m: 'gpt-4o', p: 'hello' });
    await sub.ended;
    expect(sub.events.map((e) => e.kind)).toEqual(['STARTED', 'ERROR']);
    expect(sub.events[1]).toMatchObject({ status: 401, text: '', error: expect.stringMatching(/^upstream answered 401: authentication failed/) });
    expect(JSON.stringify(sub.events)).not.toContain('invalid x-api-key');
  });

  it('closes the upstream request when the subscriber goes away mid-answer', async () => {
    mock.enqueue({ text: TEXT, chunks: 4, chunkDelayMs: 300 });
    const sub = watch(ws(cp.adminToken), { a: accountId, m: 'gpt-4o', p: 'hello' }, (e, stop) => {
      if (e.kind === 'TEXT') stop();
    });
    await sub.ended;
    const closed = await mock.waitForClose(0);
    expect(closed.clientClosedEarly).toBe(true);
    expect(sub.events.filter((e) => e.kind === 'TEXT')).toHaveLength(1);
    // The audit row of the cancelled test is written before the subscription finishes on the server.
    await expect.poll(async () => (await cp.orm.em.fork().find(AuditLog, { action: 'account.test', targetId: accountId })).map((a) => a.after)).toContainEqual(expect.objectContaining({ cancelled: true }));
  });

  it('is refused to users with FORBIDDEN and checks its input', async () => {
    const refused = watch(ws(userToken), { a: accountId, m: 'gpt-4o', p: 'hello' });
    await refused.ended;
    expect(JSON.stringify(refused.errors)).toContain('FORBIDDEN');
    expect(refused.events).toEqual([]);
    const empty = watch(ws(cp.adminToken), { a: accountId, m: 'gpt-4o', p: '   ' });
    await empty.ended;
    expect(JSON.stringify(empty.errors)).toContain('BAD_USER_INPUT');
    const missing = watch(ws(cp.adminToken), { a: '999999', m: 'gpt-4o', p: 'hello' });
    await missing.ended;
    expect(JSON.stringify(missing.errors)).toContain('NOT_FOUND');
    expect(mock.requests).toEqual([]);
  });
});
