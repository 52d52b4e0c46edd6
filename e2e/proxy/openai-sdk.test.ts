import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectedCost, KEY, startSdkWorld, type SdkWorld } from './fixtures.ts';

const MODEL = 'gpt-4o';

describe('OpenAI SDK through the proxy', () => {
  let w: SdkWorld;
  let client: OpenAI;
  beforeAll(async () => {
    w = await startSdkWorld();
    client = new OpenAI({ apiKey: KEY, baseURL: `${w.proxy.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => w?.close());
  beforeEach(async () => {
    w.mock.reset();
    await w.usage.drain(); // a failed test must not shift the next one's events
  });

  it('chat: text, upstream request and billed usage', async () => {
    w.mock.enqueue({ text: 'Hello there', usage: { input: 30, output: 9, cacheRead: 10 } });
    const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0].message.content).toBe('Hello there');
    const [rec] = w.mock.requests;
    expect(rec.path).toBe('/v1/chat/completions');
    expect(rec.headers.authorization).toBe('Bearer sk-openai-upstream-1');
    expect(rec.rawBody).toBe(JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }));
    const [ev] = await w.usage.next(1);
    const usage = { inputTokens: 30, outputTokens: 9, cacheCreationInputTokens: 0, cacheReadInputTokens: 10 };
    expect(ev).toMatchObject({ ...usage, platform: 'openai', clientFormat: 'openai', status: 200 });
    expect(ev.totalCost).toBe(expectedCost(MODEL, usage));
  });

  it('stream without include_usage: usage is requested upstream, billed, and stripped for the client', async () => {
    w.mock.enqueue({ text: 'a b c', chunks: 3, usage: { input: 8, output: 3 } });
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) sawUsage = true;
    }
    expect(text).toBe('a b c');
    expect(sawUsage).toBe(false);
    expect(w.mock.requests[0].body.stream_options).toEqual({ include_usage: true });
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 8, outputTokens: 3, stream: true });
  });

  it('stream with include_usage: the client gets the usage chunk', async () => {
    w.mock.enqueue({ text: 'x y', chunks: 2, usage: { input: 5, output: 2 } });
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 2 });
    // Passed through byte for byte: the client's own body went upstream unchanged.
    expect(w.mock.requests[0].rawBody).toBe(JSON.stringify({ model: MODEL, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] }));
    await w.usage.next(1);
  });

  it('tool calls (stream): name and arguments as the mock sent them', async () => {
    w.mock.enqueue({ toolCalls: [{ id: 'call_1', name: 'lookup', arguments: { q: 'relay', n: 2 } }], finishReason: 'tool_calls' });
    const stream = await client.chat.completions.create({
      model: MODEL, stream: true, messages: [{ role: 'user', content: 'find' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
    });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const tc = chunk.choices[0]?.delta?.tool_calls?.[0];
      if (tc?.function?.name) name += tc.function.name;
      if (tc?.function?.arguments) args += tc.function.arguments;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('lookup');
    expect(JSON.parse(args)).toEqual({ q: 'relay', n: 2 });
    expect(finish).toBe('tool_calls');
    await w.usage.next(1);
  });

  it('lists the models the key can reach', async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o', 'claude-sonnet-4-20250514', 'gemini-2.5-flash']));
  });
});
