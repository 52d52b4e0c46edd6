import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './index.ts';

describe('embeddings, countTokens and the model resource, judged by the official SDKs', () => {
  let mock: MockUpstream;
  let ai: GoogleGenAI;
  let openai: OpenAI;
  beforeAll(async () => {
    mock = await startMockUpstream();
    ai = new GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: mock.url } });
    openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('Gemini countTokens answers totalTokens (the reply usage input)', async () => {
    mock.enqueue({ usage: { input: 321, output: 0 } });
    const counted = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'how many tokens?' });
    expect(counted.totalTokens).toBe(321);
    expect(mock.requests[0]).toMatchObject({ path: '/v1beta/models/gemini-2.5-flash:countTokens', format: 'gemini', model: 'gemini-2.5-flash' });
    expect(mock.requests[0].body.contents[0].parts[0].text).toBe('how many tokens?');
  });

  it('Gemini embedContent through the SDK: one vector per text, requested dimensions', async () => {
    mock.enqueue({ usage: { input: 7, output: 0 } });
    const res = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['first', 'second'], config: { outputDimensionality: 4 } });
    expect(res.embeddings).toHaveLength(2);
    expect(res.embeddings![0].values).toHaveLength(4);
    expect(res.embeddings![0].values).not.toEqual(res.embeddings![1].values);
    expect(mock.requests[0].path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
  });

  it('Gemini embedContent (single) answers one embedding with usageMetadata', async () => {
    mock.enqueue({ usage: { input: 3, output: 0 } });
    const r = await fetch(`${mock.url}/v1beta/models/gemini-embedding-001:embedContent`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' }, body: JSON.stringify({ content: { parts: [{ text: 'x' }] } }),
    });
    const body = await r.json();
    expect(body.embedding.values).toHaveLength(8);
    expect(body.usageMetadata.promptTokenCount).toBe(3);
  });

  it('Gemini model resource with token limits', async () => {
    const model = await ai.models.get({ model: 'gemini-2.5-pro' });
    expect(model).toMatchObject({ name: 'models/gemini-2.5-pro', inputTokenLimit: 1_048_576, outputTokenLimit: 65_536 });
  });

  it('OpenAI embeddings.create: float arrays by default through the SDK (base64 on the wire), usage', async () => {
    mock.enqueue({ usage: { input: 12, output: 0 } });
    const res = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b', 'c'], dimensions: 5 });
    expect(res.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(res.data[0].embedding).toHaveLength(5);
    expect(res.usage).toEqual({ prompt_tokens: 12, total_tokens: 12 });
    expect(mock.requests[0]).toMatchObject({ path: '/v1/embeddings', format: 'openai', model: 'text-embedding-3-small' });
    expect(mock.requests[0].body.encoding_format).toBe('base64');
    const floats = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'a', encoding_format: 'float', dimensions: 5 });
    expect(floats.data[0].embedding.map((v) => Math.fround(v))).toEqual(res.data[0].embedding);
  });

  it('streamGenerateContent without alt=sse is one JSON array of responses', async () => {
    mock.enqueue({ text: 'abc', chunks: 3 });
    const r = await fetch(`${mock.url}/v1beta/models/gemini-2.5-pro:streamGenerateContent`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' }, body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    const body = JSON.parse(await r.text());
    expect(body.map((c: any) => c.candidates[0].content.parts[0].text).join('')).toBe('abc');
  });
});
