import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectedCost, KEY, startSdkWorld, type SdkWorld } from './fixtures.ts';

const MODEL = 'gemini-2.5-flash';

describe('Google GenAI SDK through the proxy', () => {
  let w: SdkWorld;
  let client: GoogleGenAI;
  beforeAll(async () => {
    w = await startSdkWorld();
    client = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: w.proxy.url } });
  });
  afterAll(async () => w?.close());
  beforeEach(async () => {
    w.mock.reset();
    await w.usage.drain(); // a failed test must not shift the next one's events
  });

  it('generateContent: text, upstream request and billed usage', async () => {
    w.mock.enqueue({ text: 'Gemini says hi', usage: { input: 40, output: 6, cacheRead: 20 } });
    const r = await client.models.generateContent({ model: MODEL, contents: 'hello' });
    expect(r.text).toBe('Gemini says hi');
    const [rec] = w.mock.requests;
    expect(rec.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
    expect(rec.headers['x-goog-api-key']).toBe('gemini-upstream-1');
    const [ev] = await w.usage.next(1);
    const usage = { inputTokens: 40, outputTokens: 6, cacheCreationInputTokens: 0, cacheReadInputTokens: 20 };
    expect(ev).toMatchObject({ ...usage, platform: 'gemini', clientFormat: 'gemini', model: MODEL, status: 200 });
    expect(ev.totalCost).toBe(expectedCost(MODEL, usage));
  });

  it('generateContentStream: streamed text and usage', async () => {
    w.mock.enqueue({ text: 'stream of words', chunks: 3, usage: { input: 9, output: 3 } });
    const stream = await client.models.generateContentStream({ model: MODEL, contents: 'go' });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('stream of words');
    expect(w.mock.requests[0].query.alt).toBe('sse');
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 9, outputTokens: 3, stream: true });
  });

  it('function calls arrive as the mock sent them', async () => {
    w.mock.enqueue({ toolCalls: [{ name: 'lookup', arguments: { q: 'x' } }] });
    const r = await client.models.generateContent({ model: MODEL, contents: 'find', config: { tools: [{ functionDeclarations: [{ name: 'lookup' }] }] } });
    expect(r.functionCalls?.[0]).toMatchObject({ name: 'lookup', args: { q: 'x' } });
    await w.usage.next(1);
  });
});
