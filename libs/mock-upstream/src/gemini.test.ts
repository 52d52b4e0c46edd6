import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './index.ts';

describe('Gemini wire format, judged by @google/genai', () => {
  let mock: MockUpstream;
  let ai: GoogleGenAI;
  beforeAll(async () => {
    mock = await startMockUpstream();
    ai = new GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: mock.url } });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('answers generateContent with text, usageMetadata and finishReason', async () => {
    mock.enqueue({ text: 'Ciao', usage: { input: 8, output: 2, cacheRead: 3 }, finishReason: 'length' });
    const response = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello' });
    expect(response.text).toBe('Ciao');
    expect(response.candidates?.[0].finishReason).toBe('MAX_TOKENS');
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 11, candidatesTokenCount: 2, totalTokenCount: 13, cachedContentTokenCount: 3 });
    expect(mock.requests[0]).toMatchObject({
      format: 'gemini', stream: false, model: 'gemini-2.5-flash', path: '/v1beta/models/gemini-2.5-flash:generateContent',
      apiKey: 'gemini-test-key',
    });
    expect(mock.requests[0].headers['x-goog-api-key']).toBe('gemini-test-key');
  });

  it('reports as many output tokens as maxOutputTokens allowed (outputEqualsMax)', async () => {
    mock.setDefault({ outputEqualsMax: { whenAbsent: 65_536 } });
    const capped = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi', config: { maxOutputTokens: 777 } });
    expect(capped.usageMetadata?.candidatesTokenCount).toBe(777);
    const none = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(none.usageMetadata?.candidatesTokenCount).toBe(65_536);
  });

  it('streams text chunks over SSE with usage on the last chunk', async () => {
    mock.enqueue({ text: 'streaming works', chunks: 3, usage: { input: 5, output: 3 } });
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'hi' });
    const texts: string[] = [];
    let last: Awaited<ReturnType<typeof stream.next>>['value'];
    for await (const chunk of stream) {
      texts.push(chunk.text ?? '');
      last = chunk;
    }
    expect(texts.join('')).toBe('streaming works');
    expect(texts.length).toBe(3);
    expect(last?.candidates?.[0].finishReason).toBe('STOP');
    expect(last?.usageMetadata).toMatchObject({ promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 });
    expect(mock.requests[0]).toMatchObject({ stream: true, query: { alt: 'sse' }, model: 'gemini-2.5-pro' });
  });

  it('counts output tokens cumulatively per chunk and fails mid-stream with a bare error JSON (ApiError)', async () => {
    // Spaced frames, as a real failure comes later: the SDK recognises the error only as a read of its own.
    mock.enqueue({ text: 'abc', chunks: 3, usage: { input: 5, output: 3 }, midStreamError: true, chunkDelayMs: 20 });
    const counts: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'hi' })) counts.push(chunk.usageMetadata?.candidatesTokenCount);
    })().catch((e: unknown) => e);
    expect(counts).toEqual([1]);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
  });

  it('returns function calls, whole, in JSON and stream replies', async () => {
    const toolCalls = [{ name: 'get_time', arguments: { zone: 'UTC' } }];
    mock.enqueue({ text: '', toolCalls }, { text: '', toolCalls });
    const response = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'time?' });
    expect(response.functionCalls).toMatchObject([{ name: 'get_time', args: { zone: 'UTC' } }]);
    const calls = [];
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'time?' })) {
      calls.push(...(chunk.functionCalls ?? []));
    }
    expect(calls).toMatchObject([{ name: 'get_time', args: { zone: 'UTC' } }]);
  });

  it('marks thinking as thought parts', async () => {
    mock.enqueue({ thinking: 'hmm', text: 'ok' });
    const response = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    expect(response.candidates?.[0].content?.parts?.[0]).toMatchObject({ text: 'hmm', thought: true });
    expect(response.text).toBe('ok');
  });

  it('writes a JSON array for streamGenerateContent without alt=sse, and takes the key from ?key=', async () => {
    mock.enqueue({ text: 'abcd', chunks: 2 });
    const res = await fetch(`${mock.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=query-key`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contents: [] }),
    });
    const array = (await res.json()) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    expect(array.map((r) => r.candidates[0].content.parts[0].text)).toEqual(['ab', 'cd']);
    expect(mock.requests[0].apiKey).toBe('query-key');
  });

  it('surfaces errors in the Gemini error shape', async () => {
    mock.enqueue({ status: 429, errorMessage: 'quota exceeded', headers: { 'retry-after': '3' } });
    const error = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(429);
    expect(String((error as Error).message)).toContain('RESOURCE_EXHAUSTED');
    expect(String((error as Error).message)).toContain('quota exceeded');
  });
});
