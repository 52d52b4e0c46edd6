import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectedCost, KEY, startSdkWorld, type SdkWorld } from './fixtures.ts';

const MODEL = 'claude-sonnet-4-20250514';

describe('Anthropic SDK through the proxy', () => {
  let w: SdkWorld;
  let client: Anthropic;
  beforeAll(async () => {
    w = await startSdkWorld();
    client = new Anthropic({ apiKey: KEY, baseURL: w.proxy.url, maxRetries: 0 });
  });
  afterAll(async () => w?.close());
  beforeEach(async () => {
    w.mock.reset();
    await w.usage.drain(); // a failed test must not shift the next one's events
  });

  it('messages: text and usage equal the mock, body forwarded byte for byte, cost billed', async () => {
    w.mock.enqueue({ text: 'Bonjour le monde', usage: { input: 21, output: 7, cacheCreation: 4, cacheRead: 100 } });
    const msg = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'Hi ✓' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Bonjour le monde' });
    expect(msg.usage).toMatchObject({ input_tokens: 21, output_tokens: 7 });

    const [rec] = w.mock.requests;
    expect(rec.path).toBe('/v1/messages');
    expect(rec.headers['x-api-key']).toBe('sk-ant-upstream-1');
    expect(rec.headers['anthropic-version']).toBe('2023-06-01');
    expect(rec.headers.authorization).toBeUndefined();
    expect(rec.rawBody).toBe(JSON.stringify({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'Hi ✓' }] }));

    const [ev] = await w.usage.next(1);
    const usage = { inputTokens: 21, outputTokens: 7, cacheCreationInputTokens: 4, cacheReadInputTokens: 100 };
    expect(ev).toMatchObject({ ...usage, model: MODEL, accountId: 'anthropic-1', platform: 'claude-console', status: 200, stream: false, clientFormat: 'anthropic', apiKeyId: 'k1', userId: 'u1', attempts: 1 });
    // 21×3 + 4×3.75 + 100×0.3 = 108 µ$ input; 7×15 = 105 µ$ output; ×1.5 → 162 + 157.5→158 (half-up) = 320
    expect(ev.totalCost).toBe(expectedCost(MODEL, usage));
    expect(ev.totalCost).toBe(320);
  });

  it('stream: the SDK sees the mock text and the streamed usage is billed', async () => {
    w.mock.enqueue({ text: 'one two three four', chunks: 4, usage: { input: 12, output: 4 } });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'count' }], metadata: { user_id: 'user_x_account__session_abc' } });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'one two three four' });
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 12, outputTokens: 4, stream: true, status: 200 });
    expect(ev.firstTokenMs).not.toBeNull();
    expect(ev.totalCost).toBe(expectedCost(MODEL, { inputTokens: 12, outputTokens: 4, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 }));
  });

  it('tool use (stream): tool name and arguments arrive as the mock sent them', async () => {
    w.mock.enqueue({ toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } }], finishReason: 'tool_calls' });
    const final = await client.messages
      .stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'weather?' }], tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] })
      .finalMessage();
    const tool = final.content.find((c) => c.type === 'tool_use');
    expect(tool).toMatchObject({ name: 'get_weather', input: { city: 'Paris', unit: 'c' } });
    expect(final.stop_reason).toBe('tool_use');
    await w.usage.next(1);
  });

  it('countTokens is forwarded and not billed', async () => {
    const r = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'hello' }] });
    expect(typeof r.input_tokens).toBe('number');
    expect(w.mock.requests[0].path).toBe('/v1/messages/count_tokens');
    expect(await w.usage.drain()).toEqual([]);
  });
});
