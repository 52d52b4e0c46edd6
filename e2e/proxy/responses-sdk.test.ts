// The OpenAI Responses API through the proxy, judged by the openai SDK: passed through to OpenAI and
// Azure OpenAI accounts, translated for Anthropic and Gemini accounts, JSON and streamed, text and
// tool calls; the usage event carries the mock's token counts and is published exactly once.
import OpenAI from 'openai';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, testRedisUrl, usageReader, type TestProxy, type UsageReader } from '@relay/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectedCost, KEY, sdkSpec } from './fixtures.ts';

const AZURE_KEY = 'sk-relay-e2e-azure-000000000000000000000000';
const CLAUDE = 'claude-sonnet-4-20250514';
const GEMINI = 'gemini-2.5-flash';
const GPT = 'gpt-4o';
const TOOLS: OpenAI.Responses.Tool[] = [{ type: 'function', name: 'exec_command', description: 'Run a command', strict: false, parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] } }];

const redisUrl = testRedisUrl();
/** The in-memory hot store always; Redis (own key prefix) when the run has one. */
const STORES = [{ store: 'memory', redisUrl: undefined }, ...(redisUrl ? [{ store: 'redis', redisUrl }] : [])];

describe.each(STORES)('Responses API through the proxy (openai SDK), $store hot store', ({ redisUrl: storeUrl }) => {
  let mock: MockUpstream;
  let proxy: TestProxy;
  let usage: UsageReader;
  let client: OpenAI;
  beforeAll(async () => {
    mock = await startMockUpstream();
    const spec = sdkSpec(mock.url);
    spec.keys!.push({ id: 'k-azure', userId: 'u1', key: AZURE_KEY, allowedPlatforms: ['azure-openai'] });
    spec.accounts!.push({ id: 'azure-1', platform: 'azure-openai', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'az-upstream-1' }, settings: { deployment: 'gpt4o-prod' } });
    proxy = await startTestProxy({ spec, redisUrl: storeUrl });
    usage = await usageReader(proxy.store);
    client = new OpenAI({ apiKey: KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await proxy?.close();
    await mock?.close();
  });
  beforeEach(async () => {
    mock.reset();
    await usage.drain();
  });

  /** The one usage event of the request: its tokens and cost, and no second event. */
  async function billedOnce(model: typeof CLAUDE | typeof GEMINI | typeof GPT, tokens: { input: number; output: number; cacheRead?: number }) {
    const [ev] = await usage.next(1);
    const u = { inputTokens: tokens.input, outputTokens: tokens.output, cacheCreationInputTokens: 0, cacheReadInputTokens: tokens.cacheRead ?? 0 };
    expect(ev).toMatchObject({ ...u, endpoint: '/v1/responses', status: 200 });
    expect(ev.totalCost).toBe(expectedCost(model, u));
    expect(await usage.drain()).toEqual([]);
    return ev;
  }

  describe('OpenAI account (passthrough)', () => {
    it('responses.create: the body goes to /v1/responses as sent, the answer and usage come back', async () => {
      mock.enqueue({ text: 'Hello from OpenAI', usage: { input: 30, output: 9, cacheRead: 10 } });
      const body = { model: GPT, input: 'hi', store: false, max_output_tokens: 200 };
      const r = await client.responses.create(body);
      expect(r.output_text).toBe('Hello from OpenAI');
      expect(r.usage).toMatchObject({ input_tokens: 40, output_tokens: 9, input_tokens_details: { cached_tokens: 10 } });
      const [rec] = mock.requests;
      expect(rec.path).toBe('/v1/responses');
      expect(rec.headers.authorization).toBe('Bearer sk-openai-upstream-1');
      expect(rec.rawBody).toBe(JSON.stringify(body));
      const ev = await billedOnce(GPT, { input: 30, output: 9, cacheRead: 10 });
      expect(ev).toMatchObject({ platform: 'openai', stream: false });
    });

    it('stream: text and a function call with its arguments; usage read from response.completed', async () => {
      mock.enqueue({ text: 'Running it', toolCalls: [{ id: 'call_9', name: 'exec_command', arguments: { cmd: 'ls -la' } }], usage: { input: 12, output: 7 } });
      const stream = client.responses.stream({ model: GPT, input: 'list files', tools: TOOLS });
      const final = await stream.finalResponse();
      expect(final.output_text).toBe('Running it');
      expect(final.output.find((o) => o.type === 'function_call')).toMatchObject({ call_id: 'call_9', name: 'exec_command', arguments: '{"cmd":"ls -la"}' });
      expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 7 });
      expect(mock.requests[0].stream).toBe(true);
      await billedOnce(GPT, { input: 12, output: 7 });
    });

    it('Azure OpenAI: /openai/v1/responses with the deployment as model and the api-key header', async () => {
      mock.enqueue({ text: 'From Azure', usage: { input: 5, output: 2 } });
      const azure = new OpenAI({ apiKey: AZURE_KEY, baseURL: `${proxy.url}/openai/v1`, maxRetries: 0 });
      const r = await azure.responses.create({ model: GPT, input: 'hi' });
      expect(r.output_text).toBe('From Azure');
      expect(mock.requests[0]).toMatchObject({ path: '/openai/v1/responses', format: 'azure-openai', model: 'gpt4o-prod' });
      expect(mock.requests[0].headers['api-key']).toBe('az-upstream-1');
      const ev = await billedOnce(GPT, { input: 5, output: 2 });
      expect(ev.platform).toBe('azure-openai');
    });
  });

  describe.each([
    { name: 'Anthropic', model: CLAUDE, path: '/v1/messages', platform: 'claude-console' },
    { name: 'Gemini', model: GEMINI, path: `/v1beta/models/${GEMINI}:generateContent`, platform: 'gemini' },
  ] as const)('$name account (translated)', ({ model, path, platform }) => {
    it('responses.create: text and usage, instructions and input translated', async () => {
      mock.enqueue({ text: 'Translated hello', usage: { input: 21, output: 4 } });
      const r = await client.responses.create({ model, instructions: 'Be brief.', input: 'hi', max_output_tokens: 100, store: false });
      expect(r.output_text).toBe('Translated hello');
      expect(r).toMatchObject({ object: 'response', status: 'completed', model });
      expect(r.usage).toMatchObject({ input_tokens: 21, output_tokens: 4, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } });
      const [rec] = mock.requests;
      expect(rec.path).toBe(path);
      expect(JSON.stringify(rec.body)).toContain('Be brief.');
      expect(rec.body.store).toBeUndefined();
      const ev = await billedOnce(model, { input: 21, output: 4 });
      expect(ev.platform).toBe(platform);
    });

    it('stream: a function call round trip — the call arrives, its output reaches the upstream in its own format', async () => {
      mock.enqueue({ text: '', toolCalls: [{ id: 'toolu_1', name: 'exec_command', arguments: { cmd: 'echo hi' } }], usage: { input: 15, output: 6 } });
      const first = await client.responses.stream({ model, input: 'run echo', tools: TOOLS }).finalResponse();
      const found = first.output.find((o) => o.type === 'function_call');
      expect(found).toMatchObject({ name: 'exec_command', arguments: '{"cmd":"echo hi"}' });
      const call = found as OpenAI.Responses.ResponseFunctionToolCall;
      await billedOnce(model, { input: 15, output: 6 });

      mock.enqueue({ text: 'It printed hi', usage: { input: 25, output: 3 } });
      const second = await client.responses.stream({
        model, tools: TOOLS,
        input: [
          { role: 'user', content: 'run echo' },
          { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: 'function_call_output', call_id: call.call_id, output: 'hi\n' },
        ],
      }).finalResponse();
      expect(second.output_text).toBe('It printed hi');
      const sent = JSON.stringify(mock.requests[1].body);
      expect(sent).toContain('hi\\n');
      expect(sent).toContain(platform === 'gemini' ? 'functionResponse' : 'tool_result');
      await billedOnce(model, { input: 25, output: 3 });
    });
  });

  it.each([
    { model: GPT, platform: 'openai' },
    { model: CLAUDE, platform: 'claude-console' },
    { model: GEMINI, platform: 'gemini' },
  ] as const)('responses.create with stream: true — $platform: deltas, then response.completed with the usage', async ({ model, platform }) => {
    mock.enqueue({ text: 'one two three', chunks: 3, usage: { input: 14, output: 3 } });
    const stream = await client.responses.create({ model, input: 'count', stream: true });
    let text = '';
    let completed: OpenAI.Responses.Response | null = null;
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.completed') completed = ev.response;
    }
    expect(text).toBe('one two three');
    expect(completed).toMatchObject({ status: 'completed', usage: { input_tokens: 14, output_tokens: 3, total_tokens: 17 } });
    const ev = await billedOnce(model, { input: 14, output: 3 });
    expect(ev).toMatchObject({ platform, stream: true });
  });

  it('a Claude stream that breaks midway reaches the SDK as an error, billed once for what was produced', async () => {
    mock.enqueue({ text: 'abcdef', chunks: 3, midStreamError: true, usage: { input: 9, output: 3 } });
    const events: { type: string; message?: string }[] = [];
    const stream = client.responses.stream({ model: CLAUDE, input: 'hi' });
    for await (const ev of stream) events.push({ type: ev.type, ...(ev.type === 'error' ? { message: ev.message } : {}) });
    // The SDK ends the stream at the `error` event (as it does for OpenAI's own) and finalResponse rejects.
    expect(events.map((e) => e.type)).toContain('response.output_text.delta');
    expect(events.at(-1)).toEqual({ type: 'error', message: expect.stringMatching(/overloaded/i) });
    await expect(stream.finalResponse()).rejects.toThrow();
    const [ev] = await usage.next(1);
    expect(ev).toMatchObject({ platform: 'claude-console', inputTokens: 9 });
    expect(await usage.drain()).toEqual([]);
  });

  it('refuses previous_response_id for a Claude model with a 400 naming the field, nothing billed', async () => {
    const err = await client.responses.create({ model: CLAUDE, input: 'hi', previous_response_id: 'resp_123' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('previous_response_id');
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'invalid_request_error' });
    expect(mock.requests).toHaveLength(0);
  });

  it('refuses a built-in tool for a Gemini model, and a bad max_output_tokens for any model', async () => {
    const tool = await client.responses.create({ model: GEMINI, input: 'hi', tools: [{ type: 'web_search' }] }).catch((e: unknown) => e);
    expect(tool).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tool as Error).message).toContain('web_search');
    const max = await client.responses.create({ model: GPT, input: 'hi', max_output_tokens: -3 }).catch((e: unknown) => e);
    expect(max).toBeInstanceOf(OpenAI.BadRequestError);
    expect((max as Error).message).toContain('max_output_tokens');
    expect(mock.requests).toHaveLength(0);
  });
});
