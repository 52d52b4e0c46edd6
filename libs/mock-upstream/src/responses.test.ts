import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './index.ts';

describe('OpenAI Responses API wire format, judged by the openai SDK', () => {
  let mock: MockUpstream;
  let client: OpenAI;
  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new OpenAI({ apiKey: 'sk-test-openai', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('answers responses.create with text and usage, and records the request', async () => {
    mock.enqueue({ text: 'Hi there', usage: { input: 7, output: 3, cacheRead: 2 } });
    const res = await client.responses.create({ model: 'gpt-5', input: 'hello', max_output_tokens: 50 });
    expect(res.object).toBe('response');
    expect(res.status).toBe('completed');
    expect(res.output_text).toBe('Hi there');
    expect(res.usage).toMatchObject({ input_tokens: 9, output_tokens: 3, total_tokens: 12, input_tokens_details: { cached_tokens: 2 } });
    expect(mock.requests[0]).toMatchObject({ path: '/v1/responses', format: 'openai', stream: false, model: 'gpt-5', apiKey: 'sk-test-openai' });
    expect(mock.requests[0].body.input).toBe('hello');
  });

  it('streams reasoning, text and a function call in OpenAI event order; the SDK assembles the final response', async () => {
    mock.enqueue({
      thinking: 'let me think', text: 'calling', chunks: 2,
      toolCalls: [{ id: 'call_1', name: 'exec_command', arguments: { cmd: 'echo hi' } }], usage: { input: 11, output: 6 },
    });
    const stream = client.responses.stream({ model: 'gpt-5', input: [{ role: 'user', content: 'hi' }] });
    const types: string[] = [];
    const argDeltas: string[] = [];
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.function_call_arguments.delta') argDeltas.push(ev.delta);
    }
    const final = await stream.finalResponse();
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.reasoning_summary_text.delta');
    expect(types.indexOf('response.output_text.done')).toBeLessThan(types.indexOf('response.content_part.done'));
    expect(argDeltas.length).toBeGreaterThan(1);
    expect(argDeltas.join('')).toBe('{"cmd":"echo hi"}');
    expect(final.output.map((o) => o.type)).toEqual(['reasoning', 'message', 'function_call']);
    const call = final.output[2] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"echo hi"}' });
    expect(final.output_text).toBe('calling');
    expect(final.usage).toMatchObject({ input_tokens: 11, output_tokens: 6 });
    expect(mock.requests[0].stream).toBe(true);
  });

  it('serves Azure deployments at /openai/v1/responses, recorded as azure-openai', async () => {
    const azure = new OpenAI({ apiKey: 'az-key', baseURL: `${mock.url}/openai/v1`, maxRetries: 0, defaultHeaders: { 'api-key': 'az-key' } });
    const res = await azure.responses.create({ model: 'my-deployment', input: 'x' });
    expect(res.output_text).toBe('Hello from mock');
    expect(mock.requests[0]).toMatchObject({ path: '/openai/v1/responses', format: 'azure-openai', model: 'my-deployment' });
  });

  it('ends a stream with error and response.failed on midStreamError; errors use OpenAI envelopes', async () => {
    mock.enqueue({ text: 'abcdef', chunks: 3, midStreamError: true });
    const raw = await fetch(`${mock.url}/v1/responses`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-5', input: 'x', stream: true }),
    }).then((r) => r.text());
    const events = [...raw.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events.slice(-2)).toEqual(['error', 'response.failed']);
    expect(events).not.toContain('response.completed');
    mock.enqueue({ status: 429 });
    await expect(client.responses.create({ model: 'gpt-5', input: 'x' })).rejects.toMatchObject({ status: 429 });
  });
});
