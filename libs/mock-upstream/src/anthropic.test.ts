import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './index.ts';

const params = { model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('Anthropic wire format, judged by @anthropic-ai/sdk', () => {
  let mock: MockUpstream;
  let client: Anthropic;
  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: mock.url, maxRetries: 0 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('answers messages.create with a message JSON', async () => {
    mock.enqueue({ text: 'Bonjour', usage: { input: 12, output: 4, cacheCreation: 3, cacheRead: 5 }, finishReason: 'length' });
    const message = await client.messages.create(params);
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour' }]);
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 4, cache_creation_input_tokens: 3, cache_read_input_tokens: 5 });
    expect(mock.requests[0]).toMatchObject({ format: 'anthropic', stream: false, model: 'claude-sonnet-5-5', apiKey: 'sk-ant-test' });
    expect(mock.requests[0].headers['anthropic-version']).toBeTruthy();
  });

  it('streams text with ping and usage including cache tokens', async () => {
    mock.enqueue({ text: 'one two three', chunks: 3, usage: { input: 20, output: 9, cacheCreation: 6, cacheRead: 11 } });
    const stream = client.messages.stream(params);
    const eventTypes: string[] = [];
    const texts: string[] = [];
    stream.on('streamEvent', (event) => eventTypes.push(event.type));
    stream.on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts).toHaveLength(3);
    expect(message.content).toMatchObject([{ type: 'text', text: 'one two three' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 9, cache_creation_input_tokens: 6, cache_read_input_tokens: 11 });
    expect(eventTypes[0]).toBe('message_start');
    expect(eventTypes.at(-1)).toBe('message_stop');
    expect(mock.requests[0].stream).toBe(true);
  });

  it('sends `event: ping` by default and omits it with ping: false', async () => {
    const rawStream = async () => fetch(`${mock.url}/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...params, stream: true }),
    }).then((r) => r.text());
    expect(await rawStream()).toContain('event: ping\n');
    mock.enqueue({ ping: false });
    expect(await rawStream()).not.toContain('event: ping');
  });

  it('streams tool_use input as json fragments that the SDK parses', async () => {
    mock.enqueue({ text: 'Checking.', toolCalls: [{ name: 'lookup', arguments: { query: 'relay', limit: 2, nested: { ok: true } } }] });
    const stream = client.messages.stream(params);
    let fragments = 0;
    stream.on('inputJson', () => fragments++);
    const message = await stream.finalMessage();
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'lookup', input: { query: 'relay', limit: 2, nested: { ok: true } } });
    expect(toolUse && toolUse.type === 'tool_use' && toolUse.id).toMatch(/^toolu_/);
    expect(message.stop_reason).toBe('tool_use');
    expect(fragments).toBeGreaterThan(1);
  });

  it('streams a thinking block before the text', async () => {
    mock.enqueue({ thinking: 'pondering', text: 'done' });
    const message = await client.messages.stream(params).finalMessage();
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'pondering' });
    expect(message.content[1]).toMatchObject({ type: 'text', text: 'done' });
  });

  it('ends the stream with an overloaded error event when midStreamError is set', async () => {
    mock.enqueue({ midStreamError: true });
    const error = await client.messages.stream(params).finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String((error as Error).message)).toContain('overloaded_error');
  });

  it('counts tokens', async () => {
    mock.enqueue({ usage: { input: 42, output: 0 } });
    const counted = await client.messages.countTokens({ model: params.model, messages: params.messages });
    expect(counted.input_tokens).toBe(42);
    expect(mock.requests[0].path).toBe('/v1/messages/count_tokens');
  });

  it('returns the Anthropic error shape with reply headers', async () => {
    mock.enqueue({ status: 529, errorMessage: 'Overloaded', headers: { 'anthropic-ratelimit-unified-reset': '1700000000' } });
    const error = await client.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(529);
    expect(apiError.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(apiError.headers?.get('anthropic-ratelimit-unified-reset')).toBe('1700000000');
  });

  it('answers a spent Claude subscription with 429 and the reset only in the body', async () => {
    mock.enqueue({ usageLimitResetsAt: 1_760_000_400_000 });
    const apiError = (await client.messages.create(params).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(429);
    expect(apiError.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: 'Claude AI usage limit reached|1760000400' } });
    expect(apiError.headers?.get('anthropic-ratelimit-unified-status')).toBeNull();
  });
});
