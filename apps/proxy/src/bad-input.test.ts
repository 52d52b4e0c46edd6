import { cachedDayKey } from './limits/day-key-cache.ts';
import { hotKeys, type WireFormat } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, usageReader, type TestProxy, type UsageReader } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const GOOD = 'sk-relay-good-000000000000000000000000000';
const DISABLED = 'sk-relay-disabled-0000000000000000000000';
const EXPIRED = 'sk-relay-expired-00000000000000000000000';
const NO_MODELS = 'sk-relay-nomodels-0000000000000000000000';
const NO_PLATFORMS = 'sk-relay-noplatforms-0000000000000000000';
const CLAUDE_CODE_ONLY = 'sk-relay-claudecode-00000000000000000000';
const METRICS_TOKEN = 'metrics-token-for-tests-0001';

interface FormatCase {
  format: WireFormat;
  path: string;
  model: string;
  body: (model?: string) => Record<string, unknown>;
  auth: (key: string) => Record<string, string>;
  /** The body with an output maximum of this value in the format's own field. */
  withMax: (v: unknown) => Record<string, unknown>;
  /** The path with a malformed percent-encoding (in the model segment where the path carries one). */
  badEncodingPath: string;
  /** Asserts the error envelope is this format's. */
  envelope: (j: any, status: number) => void;
}

const openaiChat = (path: string, model: string, maxField: string): FormatCase => ({
  format: 'openai', path, model,
  body: (m) => ({ ...(m ? { model: m } : {}), messages: [{ role: 'user', content: 'hi' }] }),
  withMax: (v) => ({ model, [maxField]: v, messages: [{ role: 'user', content: 'hi' }] }),
  badEncodingPath: `${path}%E0%A4%A`,
  auth: (k) => ({ authorization: `Bearer ${k}` }),
  envelope: (j) => expect(j).toEqual({ error: { message: expect.any(String), type: expect.any(String), param: null, code: expect.any(String) } }),
});
const gemini = (method: string, config: string, maxField: string, badEncodingPath: string): FormatCase => ({
  format: 'gemini', path: `/v1beta/models/gemini-2.5-flash:${method}`, model: 'gemini-2.5-flash',
  body: () => ({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
  withMax: (v) => ({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }], [config]: { [maxField]: v } }),
  badEncodingPath,
  auth: (k) => ({ 'x-goog-api-key': k }),
  envelope: (j, status) => expect(j).toEqual({ error: { code: status, message: expect.any(String), status: expect.any(String) } }),
});

/** OpenAI's Responses API: OpenAI's error envelope; `model` picks passthrough (gpt) or translation (claude). */
const responses = (model: string): FormatCase => ({
  ...openaiChat('/v1/responses', model, 'max_output_tokens'),
  body: (m) => ({ ...(m ? { model: m } : {}), input: 'hi' }),
  withMax: (v) => ({ model, max_output_tokens: v, input: 'hi' }),
});

const cases: FormatCase[] = [
  responses('gpt-4o'),
  responses('claude-sonnet-4-20250514'),
  openaiChat('/v1/chat/completions', 'gpt-4o', 'max_completion_tokens'),
  {
    format: 'anthropic', path: '/v1/messages', model: 'claude-sonnet-4-20250514',
    body: (model) => ({ ...(model ? { model } : {}), max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    withMax: (v) => ({ model: 'claude-sonnet-4-20250514', max_tokens: v, messages: [{ role: 'user', content: 'hi' }] }),
    badEncodingPath: '/v1/messages%E0%A4%A',
    auth: (k) => ({ 'x-api-key': k, 'anthropic-version': '2023-06-01' }),
    envelope: (j) => expect(j).toEqual({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } }),
  },
  gemini('generateContent', 'generationConfig', 'maxOutputTokens', '/v1beta/models/gemini-2.5-flash%E0%A4%A:generateContent'),
  gemini('streamGenerateContent', 'generation_config', 'max_output_tokens', '/v1beta/models/%E0%A4%A:streamGenerateContent'),
  // An OpenAI body for a Gemini model: translated, so the one reading decides what Gemini receives.
  openaiChat('/gemini/v1/chat/completions', 'gemini-2.5-flash', 'max_tokens'),
];

/** The good key's counters a request could touch (RPM windows around now, today's cost). */
async function goodKeyCounters(proxy: TestProxy): Promise<(string | null)[]> {
  const window = Math.floor(Date.now() / 60_000);
  const day = cachedDayKey(Date.now(), proxy.proxy.runtime.config.usageTimezone);
  return proxy.store.mget([hotKeys.keyRpm('good', window), hotKeys.keyRpm('good', window + 1), hotKeys.keyCostDay('good', day)]);
}

describe('bad input per client format', () => {
  const fiveHundreds: string[] = [];
  let mock: MockUpstream;
  let proxy: TestProxy;
  let usage: UsageReader;
  beforeAll(async () => {
    mock = await startMockUpstream();
    const acc = (id: string, platform: 'claude-console' | 'openai' | 'gemini') => ({ id, platform, baseUrl: mock.url, credentials: { kind: 'api-key' as const, apiKey: 'sk-ant-upstream' } });
    proxy = await startTestProxy({
      config: { maxBodyBytes: 64 * 1024, metricsToken: METRICS_TOKEN },
      spec: {
        keys: [
          { id: 'good', userId: 'u1', key: GOOD, rpm: 1000, dailyCostLimit: '100' },
          { id: 'disabled', userId: 'u1', key: DISABLED, enabled: false },
          { id: 'expired', userId: 'u1', key: EXPIRED, expiresAt: Date.now() - 1000 },
          { id: 'nomodels', userId: 'u1', key: NO_MODELS, allowedModels: ['some-other-model'] },
          { id: 'noplatforms', userId: 'u1', key: NO_PLATFORMS, allowedPlatforms: ['bedrock'] },
          { id: 'claudecode', userId: 'u1', key: CLAUDE_CODE_ONLY, allowedClients: ['claude-code'] },
        ],
        accounts: [acc('a', 'claude-console'), acc('o', 'openai'), acc('g', 'gemini')],
        prices: [{ model: 'gpt-4o', price: { input: '1', output: '1' } }, { model: 'claude-sonnet-4-20250514', price: { input: '1', output: '1' } }, { model: 'gemini-2.5-flash', price: { input: '1', output: '1' } }],
      },
    });
    usage = await usageReader(proxy.store);
  });
  afterAll(async () => {
    await proxy.close();
    await mock.close();
  });

  describe.each(cases)('$format $path', (c) => {
    const bad: { name: string; status: number; send: () => Promise<Response>; skip?: boolean }[] = [
      { name: 'malformed JSON', status: 400, send: () => fetch(proxy.url + c.path, { method: 'POST', headers: c.auth(GOOD), body: '{"model": ' }) },
      { name: 'missing model', status: 400, skip: c.format === 'gemini', send: () => post(c.path, c.body(), GOOD) },
      { name: 'body over the limit', status: 413, send: () => post(c.path, { ...c.body(c.model), pad: 'x'.repeat(70 * 1024) }, GOOD) },
      { name: 'wrong key', status: 401, send: () => post(c.path, c.body(c.model), 'sk-relay-nope') },
      { name: 'missing key', status: 401, send: () => fetch(proxy.url + c.path, { method: 'POST', body: JSON.stringify(c.body(c.model)) }) },
      { name: 'disabled key', status: 401, send: () => post(c.path, c.body(c.model), DISABLED) },
      { name: 'expired key', status: 401, send: () => post(c.path, c.body(c.model), EXPIRED) },
      { name: 'model not allowed', status: 403, send: () => post(c.path, c.body(c.model), NO_MODELS) },
      { name: 'platform not allowed', status: 403, send: () => post(c.path, c.body(c.model), NO_PLATFORMS) },
      { name: 'client not allowed (key limited to Claude Code)', status: 403, send: () => post(c.path, c.body(c.model), CLAUDE_CODE_ONLY) },
      ...[1.5, 1e20, 1e300, 'abc', -5, 0].map((v) => ({ name: `output maximum ${JSON.stringify(v)}`, status: 400, send: () => post(c.path, c.withMax(v), GOOD) })),
      { name: 'malformed percent-encoding in the path', status: 400, send: () => post(c.badEncodingPath, c.body(c.model), GOOD) },
      { name: 'previous_response_id across formats', status: 400, skip: c.path !== '/v1/responses' || c.model.startsWith('gpt'), send: () => post(c.path, { ...c.body(c.model), previous_response_id: 'resp_1' }, GOOD) },
      { name: 'unknown path', status: 404, send: () => post(c.path.replace(/(messages|completions|responses|generateContent|streamGenerateContent)$/, 'nope').replace(':nope', '/nope'), c.body(c.model), GOOD) },
    ];
    function post(path: string, body: unknown, key: string) {
      return fetch(proxy.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...c.auth(key) }, body: JSON.stringify(body) });
    }

    it.each(bad.filter((b) => !b.skip))('$name → $status in the client format, nothing billed, next request served', async (b) => {
      const before = mock.requests.length;
      const counters = await goodKeyCounters(proxy);
      const res = await b.send();
      if (res.status >= 500) fiveHundreds.push(`${c.path} ${b.name}`);
      expect(res.status).toBe(b.status);
      c.envelope(await res.json(), b.status);
      expect(mock.requests.length).toBe(before);
      expect(await usage.drain()).toEqual([]);
      expect(await goodKeyCounters(proxy)).toEqual(counters);
      const ok = await post(c.path, c.body(c.model), GOOD);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-request-id')).toMatch(/^req_/);
      await ok.text();
      expect(await usage.next(1)).toHaveLength(1);
    });
  });

  it('answered no request of the matrix with a 5xx', async () => {
    expect(fiveHundreds).toEqual([]);
    const m = await (await fetch(`${proxy.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(m).not.toMatch(/relay_proxy_requests_total\{[^}]*status_class="5xx"\}/);
  });

  it('health, readiness and metrics (metrics only with the operator token)', async () => {
    expect((await fetch(`${proxy.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${proxy.url}/readyz`)).status).toBe(200);
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token-0000000000' }, { authorization: `Bearer ${GOOD}` }]) {
      const refused = await fetch(`${proxy.url}/metrics`, { headers });
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toMatch(/relay_proxy/);
    }
    const m = await (await fetch(`${proxy.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(m).toMatch(/relay_proxy_requests_total\{format="openai",status_class="2xx"\} \d+/);
    expect(m).toMatch(/relay_proxy_requests_total\{format="anthropic",status_class="4xx"\} \d+/);
    expect(proxy.proxy.handles('/v1/messages')).toBe(true);
    expect(proxy.proxy.handles('/graphql')).toBe(false);
  });

  it('model lists in the client format, filtered by the key', async () => {
    const openai = await (await fetch(`${proxy.url}/v1/models`, { headers: { authorization: `Bearer ${GOOD}` } })).json();
    expect(openai.object).toBe('list');
    expect(openai.data.map((m: { id: string }) => m.id)).toEqual(['claude-sonnet-4-20250514', 'gemini-2.5-flash', 'gpt-4o']);
    const anthropic = await (await fetch(`${proxy.url}/v1/models`, { headers: { 'x-api-key': GOOD, 'anthropic-version': '2023-06-01' } })).json();
    expect(anthropic.data[0]).toMatchObject({ type: 'model', id: 'claude-sonnet-4-20250514' });
    const gemini = await (await fetch(`${proxy.url}/v1beta/models?key=${GOOD}`)).json();
    expect(gemini.models.map((m: { name: string }) => m.name)).toContain('models/gemini-2.5-flash');
    const restricted = await (await fetch(`${proxy.url}/v1/models`, { headers: { authorization: `Bearer ${NO_MODELS}` } })).json();
    expect(restricted.data).toEqual([]);
    expect((await fetch(`${proxy.url}/v1/models`)).status).toBe(401);
  });
});
