import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { expectedCost, KEY, useSdkWorld } from './fixtures.ts';

describe('cross-format traffic (translated by the proxy)', () => {
  const w = useSdkWorld();

  it('OpenAI SDK asking for a Claude model is served by the Anthropic account', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${w.proxy.url}/v1`, maxRetries: 0 });
    w.mock.enqueue({ text: 'translated hello', usage: { input: 14, output: 3 } });
    const r = await client.chat.completions.create({ model: 'claude-sonnet-4-20250514', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0].message.content).toBe('translated hello');
    expect(w.mock.requests[0].path).toBe('/v1/messages');
    expect(JSON.stringify(w.mock.requests[0].body.messages)).toContain('"hi"');
    expect(w.mock.requests[0].body.model).toBe('claude-sonnet-4-20250514');
    const [ev] = await w.usage.next(1);
    const usage = { inputTokens: 14, outputTokens: 3, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
    expect(ev).toMatchObject({ ...usage, clientFormat: 'openai', platform: 'claude-console' });
    expect(ev.totalCost).toBe(expectedCost('claude-sonnet-4-20250514', usage));
  });

  it('OpenAI SDK stream from the Anthropic account', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${w.proxy.url}/v1`, maxRetries: 0 });
    w.mock.enqueue({ text: 'a b c', chunks: 3, usage: { input: 6, output: 3 } });
    const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-20250514', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe('a b c');
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 6, outputTokens: 3, stream: true });
  });

  it('Anthropic SDK stream asking for gpt-4o is served by the OpenAI account', async () => {
    const client = new Anthropic({ apiKey: KEY, baseURL: w.proxy.url, maxRetries: 0 });
    w.mock.enqueue({ text: 'from openai', chunks: 2, usage: { input: 9, output: 2 } });
    const final = await client.messages.stream({ model: 'gpt-4o', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'from openai' });
    expect(w.mock.requests[0].path).toBe('/v1/chat/completions');
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 9, outputTokens: 2, platform: 'openai', clientFormat: 'anthropic' });
  });

  it('OpenAI-format chat on /gemini/v1 served by the Gemini account', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${w.proxy.url}/gemini/v1`, maxRetries: 0 });
    w.mock.enqueue({ text: 'gemini via openai', usage: { input: 5, output: 4 } });
    const r = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0].message.content).toBe('gemini via openai');
    expect(w.mock.requests[0].path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    await w.usage.next(1);
  });

  it('Gemini SDK asking for a Claude model is served by the Anthropic account', async () => {
    const client = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: w.proxy.url } });
    w.mock.enqueue({ text: 'claude via gemini', chunks: 2 });
    const stream = await client.models.generateContentStream({ model: 'claude-sonnet-4-20250514', contents: 'hi' });
    let text = '';
    for await (const c of stream) text += c.text ?? '';
    expect(text).toBe('claude via gemini');
    expect(w.mock.requests[0].body.stream).toBe(true);
    await w.usage.next(1);
  });

  it('a parameter the target cannot express gets a 400 naming it, in the client format, and reaches no upstream', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${w.proxy.url}/v1`, maxRetries: 0 });
    const err = await client.chat.completions
      .create({ model: 'claude-sonnet-4-20250514', n: 2, messages: [{ role: 'user', content: 'hi' }] })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/\bn\b/);
    expect(w.mock.requests).toHaveLength(0);
    // No usage event for the refused request: the next event is the next request's.
    w.mock.enqueue({ text: 'ok', usage: { input: 2, output: 1 } });
    await client.chat.completions.create({ model: 'claude-sonnet-4-20250514', messages: [{ role: 'user', content: 'next' }] });
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ status: 200, inputTokens: 2, outputTokens: 1 });
  });

  it('the original /gemini/v1/chat path serves OpenAI-format chat from a Gemini account', async () => {
    w.mock.enqueue({ text: 'legacy path', usage: { input: 3, output: 2 } });
    const res = await fetch(`${w.proxy.url}/gemini/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.choices[0].message.content).toBe('legacy path');
    expect(w.mock.requests[0].format).toBe('gemini');
    await w.usage.next(1);
  });
});
