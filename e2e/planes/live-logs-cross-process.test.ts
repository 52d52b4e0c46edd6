// Acceptance of the usage issue: a graphql-ws client subscribed to `requestLogged` on a control plane
// receives, within one second, the event of a request served by a SEPARATE proxy process sharing
// Redis; a user's subscription never receives another user's requests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestControlPlane, testRedisUrl, uniqueSuffix, type TestControlPlane } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const redisUrl = testRedisUrl();
const root = fileURLToPath(new URL('../..', import.meta.url));
const LIVE = 'subscription { requestLogged { requestId apiKeyId model status } }';

interface LiveEvent { requestId: string; apiKeyId: string; model: string; status: number; at: number }

/** Collects a subscription's events with their arrival time; `next()` awaits the next one. */
function collect(client: Client) {
  const events: LiveEvent[] = [];
  const waiters: ((e: LiveEvent) => void)[] = [];
  let error: unknown = null;
  client.subscribe<{ requestLogged: Omit<LiveEvent, 'at'> }>({ query: LIVE }, {
    next: (msg) => {
      if (msg.errors) error = msg.errors;
      if (!msg.data) return;
      const e = { ...msg.data.requestLogged, at: Date.now() };
      events.push(e);
      waiters.shift()?.(e);
    },
    error: (e) => (error = e),
    complete: () => undefined,
  });
  let taken = 0;
  return {
    events,
    error: () => error,
    next(timeoutMs = 5000): Promise<LiveEvent> {
      if (taken < events.length) return Promise.resolve(events[taken++]);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no live event within ${timeoutMs} ms (error: ${JSON.stringify(error)})`)), timeoutMs);
        waiters.push((e) => {
          clearTimeout(t);
          taken++;
          resolve(e);
        });
      });
    },
  };
}

async function startProxyProcess(cp: TestControlPlane): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/proxy/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env, PORT: '0', PROXY_ANNOUNCE_PORT: '1', REDIS_URL: redisUrl, HOT_STORE_PREFIX: cp.hotStorePrefix,
      API_KEY_SECRET: cp.config.apiKeySecret, ENCRYPTION_KEY: cp.config.encryptionKey, LOG_LEVEL: 'warn', DATA_DIR: '', UPSTREAM_ALLOW_PRIVATE: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`proxy did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /PROXY_PORT=(\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`proxy exited with ${code}:\n${out}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

describe.runIf(redisUrl)('live request logs across processes', () => {
  let mock: MockUpstream;
  let cp: TestControlPlane;
  let proxy: { url: string; child: ChildProcess };
  const clients: Client[] = [];
  const users: Record<'alice' | 'bob', { token: string; key: string; keyId: string }> = {} as never;

  async function gql<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
    const r = await cp.gql<T>(query, variables, token);
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data;
  }

  async function chat(key: string, marker: string): Promise<number> {
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: marker }] }),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    return Date.now();
  }

  beforeAll(async () => {
    mock = await startMockUpstream();
    cp = await startTestControlPlane({ db: 'sqlite', redisUrl });
    await gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', { i: { name: 'openai at mock', platform: 'OPENAI', apiKey: 'sk-live-logs', baseUrl: mock.url } }, cp.adminToken);
    await gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: 'gpt-4o', input: '2.5', output: '10' } }, cp.adminToken);
    for (const name of ['alice', 'bob'] as const) {
      const username = `${name}-${uniqueSuffix()}`;
      await gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password: 'live-logs-pass-1', role: 'USER' } }, cp.adminToken);
      const { login } = await gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: 'live-logs-pass-1' });
      const { createApiKey } = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>('mutation { createApiKey(input: { name: "live" }) { key apiKey { id } } }', {}, login.token);
      users[name] = { token: login.token, key: createApiKey.key, keyId: createApiKey.apiKey.id };
    }
    proxy = await startProxyProcess(cp);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    if (proxy?.child.exitCode === null) {
      const exited = new Promise((r) => proxy.child.once('exit', r));
      proxy.child.kill('SIGTERM');
      await exited;
    }
    await cp?.close();
    await mock?.close();
  });

  it('an admin receives a request served by another process within one second; a user only their own', async () => {
    const ws = (token: string) => {
      const c = createClient({ url: `${cp.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
      clients.push(c);
      return c;
    };
    const admin = collect(ws(cp.adminToken));
    const bob = collect(ws(users.bob.token));

    // Warm-up: the server registers a subscription a moment after the client's subscribe frame, so
    // Bob's request is repeated until BOTH subscriptions have delivered one (the proxy may also still
    // be loading the snapshot); none of this is timed.
    await expect.poll(async () => {
      if (bob.events.length === 0 || admin.events.length === 0) await chat(users.bob.key, 'bob warm-up');
      return bob.events.length > 0 && admin.events.length > 0;
    }, { timeout: 20_000, interval: 250 }).toBe(true);
    /** The admin's next event of Alice's (late warm-up events of Bob's are passed over). */
    const nextOfAlice = async () => {
      for (;;) {
        const e = await admin.next();
        if (e.apiKeyId !== users.bob.keyId) return e;
      }
    };

    for (let i = 0; i < 3; i++) {
      const servedAt = await chat(users.alice.key, `timed ${i}`);
      const e = await nextOfAlice();
      expect(e).toMatchObject({ apiKeyId: users.alice.keyId, model: 'gpt-4o', status: 200 });
      expect(e.at - servedAt).toBeLessThan(1000);
    }

    // Bob's own request reaches him; events arrive in publish order, so had any of Alice's three
    // reached him, it would be among his events by the time this one arrives.
    const before = bob.events.length;
    await chat(users.bob.key, 'bob');
    await expect.poll(() => bob.events.length, { timeout: 5000, interval: 50 }).toBeGreaterThan(before);
    expect(bob.events.length).toBeGreaterThan(0);
    expect(bob.events.filter((e) => e.apiKeyId !== users.bob.keyId)).toEqual([]);
    expect(bob.error()).toBeNull();
  });
});
