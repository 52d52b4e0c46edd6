import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './index.ts';

describe('OpenAI wire format, judged by the openai SDK', () => {
  let mock: MockUpstream;
  let client: OpenAI;
  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new OpenAI({ apiKey: 'sk-test-openai', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('fails mid-stream with an error chunk when midStreamError is set', async () => {
    mock.enqueue({ text: 'abc', chunks: 3, midStreamError: true });
    let text = '';
    const error = await (async () => {
      for await (const c of await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] })) text += c.choices[0]?.delta?.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('a');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'server_error' });
  });

  it('answers a chat completion with text, usage and finish reason', async () => {
    mock.enqueue({ text: 'Hi there', usage: { input: 7, output: 3, cacheRead: 2 } });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] });
    expect(completion.choices[0].message.content).toBe('Hi there');
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.model).toBe('gpt-4o');
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3, total_tokens: 12, prompt_tokens_details: { cached_tokens: 2 } });
    expect(mock.requests[0]).toMatchObject({ format: 'openai', stream: false, model: 'gpt-4o', apiKey: 'sk-test-openai' });
  });

  it('reports as many output tokens as the largest maximum the request carried (outputEqualsMax)', async () => {
    mock.setDefault({ outputEqualsMax: { whenAbsent: 16_384 } });
    const both = await client.chat.completions.create({ model: 'gpt-4o', max_tokens: 1, max_completion_tokens: 20_000, messages: [{ role: 'user', content: 'hi' }] });
    expect(both.usage?.completion_tokens).toBe(20_000);
    const none = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(none.usage?.completion_tokens).toBe(16_384);
  });

  it('streams text in chunks, then the usage chunk when include_usage is set', async () => {
    mock.enqueue({ text: 'abcdefghij', chunks: 5, usage: { input: 4, output: 5 }, finishReason: 'length' });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let roleSeen = false;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      if (chunk.choices[0]?.delta.role === 'assistant') roleSeen = true;
      if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      if (chunk.choices.length === 0) usage = chunk.usage;
    }
    expect(roleSeen).toBe(true);
    expect(deltas).toEqual(['ab', 'cd', 'ef', 'gh', 'ij']);
    expect(finish).toBe('length');
    expect(usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
    expect(mock.requests[0].stream).toBe(true);
  });

  it('sends no usage chunk without include_usage', async () => {
    const raw = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [], stream: true }),
    }).then((r) => r.text());
    expect(raw).not.toContain('"choices":[]');
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('streams tool calls whose argument fragments the SDK reassembles', async () => {
    mock.enqueue({ text: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', days: 3 } }] });
    const runner = client.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'weather?' }] });
    let argumentDeltas = 0;
    runner.on('chunk', (chunk) => {
      if (chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments) argumentDeltas++;
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0].message.tool_calls![0];
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', days: 3 });
    expect(call.id).toBe('call_1');
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(argumentDeltas).toBeGreaterThan(1);
  });

  it('streams reasoning_content before the answer', async () => {
    mock.enqueue({ thinking: 'let me think', text: 'answer' });
    const stream = await client.chat.completions.create({ model: 'o3', messages: [], stream: true });
    let reasoning = '';
    for await (const chunk of stream) reasoning += (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
    expect(reasoning).toBe('let me think');
  });

  it('surfaces an error status as APIError with the OpenAI error body', async () => {
    mock.enqueue({ status: 429, errorMessage: 'slow down', headers: { 'retry-after': '7' } });
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(429);
    expect(apiError.message).toContain('slow down');
    expect(apiError.code).toBe('rate_limit_exceeded');
    expect(apiError.headers?.get('retry-after')).toBe('7');
  });

  it('serves Azure deployments with the same bodies and records the deployment', async () => {
    const azure = new OpenAI({ apiKey: 'azure-key', baseURL: `${mock.url}/openai/deployments/my-gpt`, defaultQuery: { 'api-version': '2024-10-21' }, maxRetries: 0 });
    const completion = await azure.chat.completions.create({ model: 'gpt-4o', messages: [] });
    expect(completion.choices[0].message.content).toBe('Hello from mock');
    expect(mock.requests[0]).toMatchObject({ format: 'azure-openai', deployment: 'my-gpt', query: { 'api-version': '2024-10-21' } });
  });

  it('rejects an Azure call without api-version', async () => {
    const azure = new OpenAI({ apiKey: 'azure-key', baseURL: `${mock.url}/openai/deployments/my-gpt`, maxRetries: 0 });
    const error = await azure.chat.completions.create({ model: 'gpt-4o', messages: [] }).catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
  });

  it('lists models', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o');
  });
});
