/**
 * Acceptance of the graceful drain: SIGTERM to a proxy process carrying 50 open streams turns
 * /readyz to 503 while they still run, refuses new API requests, lets all 50 finish with their full
 * text and bills each once (MariaDB control plane, rows in request_logs), then exits 0. With a short
 * SHUTDOWN_GRACE_MS the streams still open at the deadline end with an error event in the client's
 * format and are billed for the tokens they produced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestControlPlane, testDatabaseUrl, testRedisUrl, uniqueSuffix, type TestControlPlane } from '@relay/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyProcess, until, type AppProcess } from './processes.ts';

const MODEL = 'claude-sonnet-4-20250514';
const STREAMS = 50;
const INPUT_TOKENS = 25;
/** "drain" streams: 40 chunks 100 ms apart (4 s); "endless" ones: 400 chunks (40 s). */
const SHORT_CHUNKS = 40;
const LONG_CHUNKS = 400;

const redisUrl = testRedisUrl();
const enabled = !!(redisUrl && testDatabaseUrl());

/** What one client stream saw. */
interface StreamResult {
  text: string;
  deltas: number;
  stopped: boolean;
  error: { status?: number; message: string } | null;
}

type Client = 'anthropic' | 'openai' | 'gemini';

/** Streams an "endless" answer with the client's official SDK, counting text chunks, until the stream ends or the SDK throws. */
async function streamEndless(proxyUrl: string, r: { client: Client; text: string; deltas: number; error: unknown }, apiKey: string): Promise<void> {
  const seen = (t: string | null | undefined) => {
    if (!t) return;
    r.text += t;
    r.deltas++;
  };
  try {
    if (r.client === 'anthropic') {
      const sdk = new Anthropic({ apiKey, baseURL: proxyUrl, maxRetries: 0 });
      for await (const ev of await sdk.messages.create({ model: MODEL, max_tokens: 1024, stream: true, messages: [{ role: 'user', content: 'endless' }] })) {
        if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') seen(ev.delta.text);
      }
    } else if (r.client === 'openai') {
      const sdk = new OpenAI({ apiKey, baseURL: `${proxyUrl}/v1`, maxRetries: 0 });
      for await (const c of await sdk.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'endless' }] })) {
        seen(c.choices[0]?.delta?.content);
      }
    } else {
      const sdk = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: proxyUrl } });
      for await (const c of await sdk.models.generateContentStream({ model: MODEL, contents: 'endless' })) {
        seen(c.text);
      }
    }
  } catch (error) {
    r.error = error;
  }
}

describe.runIf(enabled)('SIGTERM drains a proxy process (MariaDB control plane, proxies on Redis)', () => {
  let mock: MockUpstream;
  let cp: TestControlPlane;
  let keyId: string;
  let apiKey: string;
  let env: Record<string, string>;
  const dirs: string[] = [];
  const procs: AppProcess[] = [];

  const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
    cp.orm.em.fork().getConnection().execute<T[]>(query, params, 'all');

  beforeAll(async () => {
    mock = await startMockUpstream();
    mock.setResponder((req) => {
      const text = JSON.stringify(req.body?.messages ?? '');
      if (text.includes('endless')) return { text: 'tok '.repeat(LONG_CHUNKS), chunks: LONG_CHUNKS, chunkDelayMs: 100, usage: { input: INPUT_TOKENS, output: LONG_CHUNKS } };
      return { text: 'tok '.repeat(SHORT_CHUNKS), chunks: SHORT_CHUNKS, chunkDelayMs: 100, usage: { input: INPUT_TOKENS, output: SHORT_CHUNKS } };
    });
    cp = await startTestControlPlane({ db: 'mysql', redisUrl });
    const gql = async <T>(q: string, v: Record<string, unknown>, token = cp.adminToken): Promise<T> => {
      const r = await cp.gql<T>(q, v, token);
      if (!r.data) throw new Error(JSON.stringify(r.errors));
      return r.data;
    };
    await gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: MODEL, input: '3', output: '15', cacheWrite: '3.75', cacheRead: '0.3' } });
    await gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', { i: { name: 'console at mock', platform: 'CLAUDE_CONSOLE', apiKey: 'sk-ant-drain', baseUrl: mock.url } });
    const username = `drain-${uniqueSuffix()}`;
    await gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password: 'drain-pass-1', priceRate: '1', role: 'USER' } });
    const { login } = await gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: 'drain-pass-1' });
    const { createApiKey } = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id } } }', { i: { name: 'drain', totalCostLimit: '100' } }, login.token);
    keyId = createApiKey.apiKey.id;
    apiKey = createApiKey.key;
    env = { HOT_STORE_PREFIX: cp.hotStorePrefix, API_KEY_SECRET: cp.config.apiKeySecret!, ENCRYPTION_KEY: cp.config.encryptionKey! };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.close()));
    await cp?.close();
    await mock?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A proxy process that knows the key. */
  const startProxy = async (label: string, extra: Record<string, string> = {}) => {
    const dataDir = mkdtempSync(join(tmpdir(), `relay-drain-${label}-`));
    dirs.push(dataDir);
    const proc = await proxyProcess(label, { redisUrl: redisUrl!, dataDir, env: { ...env, ...extra } });
    procs.push(proc);
    await until(`${label} to know the key`, 15_000, async () => ((await fetch(`${proc.url}/v1/models`, { headers: { 'x-api-key': apiKey } })).ok ? true : undefined));
    return proc;
  };

  /** Opens `n` streams and consumes them in the background; resolves once each has delivered a token. */
  const openStreams = async (proxy: AppProcess, marker: string, n: number) => {
    const client = new Anthropic({ apiKey, baseURL: proxy.url, maxRetries: 0 });
    const results: StreamResult[] = Array.from({ length: n }, () => ({ text: '', deltas: 0, stopped: false, error: null }));
    const ids: string[] = [];
    const done = Promise.all(results.map(async (r) => {
      try {
        const { data: stream, response } = await client.messages.create({ model: MODEL, max_tokens: 1024, stream: true, messages: [{ role: 'user', content: marker }] }).withResponse();
        ids.push(response.headers.get('x-request-id')!);
        for await (const ev of stream) {
          if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') {
            r.text += ev.delta.text;
            r.deltas++;
          }
          if (ev.type === 'message_stop') r.stopped = true;
        }
      } catch (e) {
        r.error = { status: (e as { status?: number }).status, message: (e as Error).message };
      }
    }));
    await until(`${n} streams to deliver tokens`, 20_000, async () => (results.every((r) => r.deltas >= 1) ? true : undefined), 20);
    return { results, ids, done };
  };

  /** The key's rows for the given request ids. */
  const rowsFor = (ids: string[]) =>
    sql<{ request_id: string; input_tokens: number; output_tokens: number; status: number }>(
      `select request_id, input_tokens, output_tokens, status from request_logs where api_key_id = ? and request_id in (${ids.map(() => '?').join(',')})`, [Number(keyId), ...ids]);

  /** Sends SIGTERM and resolves with the exit code. */
  const terminate = (proc: AppProcess) => {
    const child = proc.child!;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  };

  it('50 open streams: /readyz 503 while they run, all 50 finish in full and are billed once, exit 0', async () => {
    const proxy = await startProxy('drain-a');
    expect((await fetch(`${proxy.url}/readyz`)).status).toBe(200);
    const { results, ids, done } = await openStreams(proxy, 'drain', STREAMS);
    const startedAt = Date.now();
    const exited = terminate(proxy);

    // Readiness turns unready first, while every stream is still running.
    await until('/readyz to answer 503', 5_000, async () => ((await fetch(`${proxy.url}/readyz`)).status === 503 ? true : undefined), 20);
    const stillRunning = results.filter((r) => !r.stopped && !r.error).length;
    console.info(`/readyz 503 after ${Date.now() - startedAt} ms with ${stillRunning} of ${STREAMS} streams still running`);
    expect(stillRunning).toBe(STREAMS);
    // A new API request is refused in the client's format; it is not billed.
    const refused = await fetch(`${proxy.url}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'late' }] }),
    });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });

    await done;
    expect(await exited).toBe(0);
    console.info(`drained and exited 0 after ${Date.now() - startedAt} ms`);
    for (const r of results) expect(r).toEqual({ text: 'tok '.repeat(SHORT_CHUNKS), deltas: SHORT_CHUNKS, stopped: true, error: null });

    const rows = await until('50 billed rows', 30_000, async () => {
      const r = await rowsFor(ids);
      return r.length === STREAMS ? r : undefined;
    });
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(STREAMS);
    for (const row of rows) expect(row).toMatchObject({ input_tokens: INPUT_TOKENS, output_tokens: SHORT_CHUNKS, status: 200 });
    const [{ n }] = await sql<{ n: number | string }>('select count(*) as n from request_logs where api_key_id = ?', [Number(keyId)]);
    expect(Number(n)).toBe(STREAMS);
  }, 120_000);

  it('a short SHUTDOWN_GRACE_MS: streams open at the deadline end with an error event in their client\'s format and are billed for what they produced, exit 0', async () => {
    const proxy = await startProxy('drain-b', { SHUTDOWN_GRACE_MS: '1500' });
    // Anthropic streams as they are; OpenAI and Gemini clients through translation.
    const clients: Client[] = ['anthropic', 'anthropic', 'anthropic', 'anthropic', 'openai', 'openai', 'openai', 'gemini', 'gemini', 'gemini'];
    const results = clients.map((client) => ({ client, text: '', deltas: 0, error: null as unknown }));
    const done = Promise.all(results.map((r) => streamEndless(proxy.url, r, apiKey)));
    await until('each stream to deliver tokens', 20_000, async () => (results.every((r) => r.deltas >= 1) ? true : undefined), 20);
    const exited = terminate(proxy);
    await done;
    expect(await exited).toBe(0);
    for (const r of results) {
      expect(r.deltas).toBeGreaterThan(0);
      expect(r.deltas).toBeLessThan(LONG_CHUNKS);
      expect(String((r.error as Error)?.message)).toContain('The proxy shut down before the response was complete');
      if (r.client === 'anthropic') {
        expect(r.error).toBeInstanceOf(Anthropic.APIError);
        expect(r.error).not.toBeInstanceOf(Anthropic.APIConnectionError);
        expect((r.error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
      } else if (r.client === 'openai') {
        expect(r.error).toBeInstanceOf(OpenAI.APIError);
        expect(r.error).not.toBeInstanceOf(OpenAI.APIConnectionError);
        expect((r.error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'server_error' });
      } else {
        expect(r.error).toBeInstanceOf(ApiError);
        expect((r.error as ApiError).status).toBe(503);
      }
    }
    const rows = await until('10 rows of cut streams', 30_000, async () => {
      const r = await sql<{ input_tokens: number; output_tokens: number }>('select input_tokens, output_tokens from request_logs where api_key_id = ? and status = 503', [Number(keyId)]);
      return r.length === clients.length ? r : undefined;
    });
    const delivered = results.map((r) => r.deltas).sort((a, b) => a - b);
    console.info('cut streams: deltas received', delivered, 'output tokens billed', rows.map((r) => r.output_tokens).sort((a, b) => a - b));
    for (const row of rows) {
      expect(row.input_tokens).toBe(INPUT_TOKENS);
      expect(row.output_tokens).toBeGreaterThanOrEqual(delivered[0]);
      expect(row.output_tokens).toBeLessThan(LONG_CHUNKS);
    }
  }, 120_000);
});
