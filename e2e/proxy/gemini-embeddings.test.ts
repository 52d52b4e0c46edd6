import { GoogleGenAI } from '@google/genai';
import type { PriceSpec, SnapshotSpec } from '@relay/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costAt, startWorld, type SdkWorld } from './fixtures.ts';

const KEY = 'sk-relay-e2e-embed-000000000000000000000000';
const RATE = '1.5';
const PRICES: Record<string, PriceSpec> = {
  'gemini-2.5-flash': { input: '0.3', output: '2.5' },
  'gemini-embedding-001': { input: '0.15', output: '0' },
  'text-embedding-3-small': { input: '0.02', output: '0' },
  'azure-embedding': { input: '0.02', output: '0' },
  // A Gemini-named model that only an Anthropic account serves (countTokens is translated), and one only OpenAI serves (estimated).
  'gemini-via-claude': { input: '3', output: '15' },
  'gemini-via-openai': { input: '2.5', output: '10' },
};
const cost = (model: string, inputTokens: number) => costAt(PRICES[model], { inputTokens }, RATE);

describe('Gemini countTokens / model / embeddings and OpenAI /v1/embeddings through the proxy', () => {
  let w: SdkWorld;
  let ai: GoogleGenAI;
  let openai: OpenAI;
  beforeAll(async () => {
    w = await startWorld((mockUrl): SnapshotSpec => ({
      users: [{ id: 'u1', priceRate: RATE }],
      keys: [{ id: 'k1', userId: 'u1', key: KEY }],
      accounts: [
        { id: 'gemini-1', platform: 'gemini', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'gemini-upstream-1' }, supportedModels: ['gemini-2.5-flash', 'gemini-embedding-001'] },
        { id: 'claude-1', platform: 'claude-console', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-ant-upstream-1' }, modelMapping: { 'gemini-via-claude': 'claude-sonnet-4-5' } },
        { id: 'openai-1', platform: 'openai', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-openai-1' }, supportedModels: ['text-embedding-3-small'], modelMapping: { 'gemini-via-openai': 'gpt-4o' } },
        { id: 'azure-1', platform: 'azure-openai', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'azure-key-1' }, supportedModels: ['azure-embedding'], settings: { deployment: 'embed-deploy' } },
      ],
      prices: Object.entries(PRICES).map(([model, price]) => ({ model, price })),
    }));
    ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: w.proxy.url } });
    openai = new OpenAI({ apiKey: KEY, baseURL: `${w.proxy.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => w?.close());
  beforeEach(async () => {
    w.mock.reset();
    await w.usage.drain();
  });

  /** countTokens publishes nothing: the next event is the billed probe's, not the count's. */
  const expectNothingBilledBefore = async (probe: () => Promise<unknown>) => {
    w.mock.enqueue({ text: 'probe', usage: { input: 1, output: 1 } });
    await probe();
    const [ev] = await w.usage.next(1);
    expect(ev.endpoint).toBe('/v1beta/models/{model}:generateContent');
  };
  const probe = () => ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'probe' });

  it('countTokens is forwarded to a Gemini account and not billed', async () => {
    w.mock.enqueue({ usage: { input: 1234, output: 0 } });
    const counted = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'count me' });
    expect(counted.totalTokens).toBe(1234);
    expect(w.mock.requests[0]).toMatchObject({ path: '/v1beta/models/gemini-2.5-flash:countTokens', apiKey: 'gemini-upstream-1' });
    await expectNothingBilledBefore(probe);
  });

  it('countTokens of a model an Anthropic account serves is answered by count_tokens', async () => {
    w.mock.enqueue({ usage: { input: 77, output: 0 } });
    const counted = await ai.models.countTokens({ model: 'gemini-via-claude', contents: 'count me' });
    expect(counted.totalTokens).toBe(77);
    const rec = w.mock.requests[0];
    expect(rec.path).toBe('/v1/messages/count_tokens');
    expect(rec.body).toEqual({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: [{ type: 'text', text: 'count me' }] }] });
    await expectNothingBilledBefore(probe);
  });

  it('countTokens of a model only OpenAI serves is estimated, an image at 258 tokens; the /gemini prefix works too', async () => {
    const res = await fetch(`${w.proxy.url}/gemini/v1beta/models/gemini-via-openai:countTokens`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'abcdefgh' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ totalTokens: 2 + 258 });
    expect(w.mock.requests).toHaveLength(0);
  });

  it('GET models/{m}: the model resource with token limits; unknown model 404 in Gemini format', async () => {
    const model = await ai.models.get({ model: 'gemini-2.5-flash' });
    expect(model).toMatchObject({ name: 'models/gemini-2.5-flash', inputTokenLimit: 1_048_576, outputTokenLimit: 65_536 });
    expect(model.supportedActions).toContain('countTokens');
    const listed = await fetch(`${w.proxy.url}/v1beta/models`, { headers: { 'x-goog-api-key': KEY } }).then((r) => r.json());
    expect(listed.models.find((m: any) => m.name === 'models/gemini-embedding-001')).toMatchObject({ outputTokenLimit: 1, supportedGenerationMethods: ['embedContent', 'batchEmbedContents', 'countTokens'] });
    expect(listed.models.find((m: any) => m.name === 'models/gemini-2.5-flash')).toMatchObject({ inputTokenLimit: 1_048_576, outputTokenLimit: 65_536 });
    const missing = await fetch(`${w.proxy.url}/gemini/v1beta/models/no-such-model`, { headers: { 'x-goog-api-key': KEY } });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.status).toBe('NOT_FOUND');
  });

  it('embedContent (SDK → batchEmbedContents) is billed on its input tokens', async () => {
    w.mock.enqueue({ usage: { input: 42, output: 0 } });
    const res = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['one', 'two'], config: { outputDimensionality: 3 } });
    expect(res.embeddings?.map((e) => e.values?.length)).toEqual([3, 3]);
    expect(w.mock.requests[0].path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 42, outputTokens: 0, platform: 'gemini', model: 'gemini-embedding-001', status: 200 });
    expect(ev.totalCost).toBe(cost('gemini-embedding-001', 42));
  });

  it('embedContent (single, under /gemini) is billed too', async () => {
    w.mock.enqueue({ usage: { input: 5, output: 0 } });
    const res = await fetch(`${w.proxy.url}/gemini/v1beta/models/gemini-embedding-001:embedContent`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY }, body: JSON.stringify({ content: { parts: [{ text: 'hello' }] } }),
    });
    expect((await res.json()).embedding.values).toHaveLength(8);
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 5, outputTokens: 0, endpoint: '/v1beta/models/{model}:embedContent' });
  });

  it('openai embeddings.create → an OpenAI account, usage.prompt_tokens billed', async () => {
    w.mock.enqueue({ usage: { input: 9, output: 0 } });
    const res = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 4 });
    expect(res.data.map((d) => d.embedding.length)).toEqual([4, 4]);
    expect(res.usage.prompt_tokens).toBe(9);
    expect(w.mock.requests[0]).toMatchObject({ path: '/v1/embeddings', apiKey: 'sk-openai-1' });
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 9, outputTokens: 0, platform: 'openai', endpoint: '/v1/embeddings', clientFormat: 'openai' });
    expect(ev.totalCost).toBe(cost('text-embedding-3-small', 9));
  });

  it('openai embeddings.create → an Azure deployment', async () => {
    w.mock.enqueue({ usage: { input: 3, output: 0 } });
    const res = await openai.embeddings.create({ model: 'azure-embedding', input: 'x' });
    expect(res.data).toHaveLength(1);
    expect(w.mock.requests[0].path).toBe('/openai/deployments/embed-deploy/embeddings');
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 3, platform: 'azure-openai' });
  });

  it('openai embeddings.create → a Gemini account through batchEmbedContents, base64 and float encodings', async () => {
    w.mock.enqueue({ usage: { input: 11, output: 0 } }, { usage: { input: 11, output: 0 } });
    const res = await openai.embeddings.create({ model: 'gemini-embedding-001', input: ['x', 'y'], dimensions: 6 });
    const rec = w.mock.requests[0];
    expect(rec.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(rec.body).toEqual({ requests: ['x', 'y'].map((text) => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text }] }, outputDimensionality: 6 })) });
    expect(res.data.map((d) => d.embedding.length)).toEqual([6, 6]);
    expect(res.usage).toEqual({ prompt_tokens: 11, total_tokens: 11 });
    const floats = await openai.embeddings.create({ model: 'gemini-embedding-001', input: ['x', 'y'], dimensions: 6, encoding_format: 'float' });
    expect(floats.data[0].embedding.map((v) => Math.fround(v))).toEqual(res.data[0].embedding);
    const events = await w.usage.next(2);
    expect(events.map((e) => [e.platform, e.inputTokens, e.outputTokens])).toEqual([['gemini', 11, 0], ['gemini', 11, 0]]);
    expect(events[0].totalCost).toBe(cost('gemini-embedding-001', 11));
  });

  it('bad embeddings input: 400 in OpenAI format, no usage', async () => {
    const err = await openai.embeddings.create({ model: 'gemini-embedding-001', input: [[1, 2, 3]] }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error?.message ?? err.message).toMatch(/input/);
    expect(w.mock.requests).toHaveLength(0);
    await expectNothingBilledBefore(probe);
  });

  it('streamGenerateContent without alt=sse streams one JSON array, element by element', async () => {
    w.mock.enqueue({ text: 'one two three', chunks: 3, chunkDelayMs: 30, usage: { input: 4, output: 3 } });
    const res = await fetch(`${w.proxy.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'go' }] }] }),
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    // The first element arrives alone, before the upstream sent the rest: streamed, not buffered.
    expect(first.startsWith('[{')).toBe(true);
    expect(first.trimEnd().endsWith(']')).toBe(false);
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    const array = JSON.parse(first + rest);
    expect(array.map((c: any) => c.candidates[0].content.parts[0].text).join('')).toBe('one two three');
    expect(w.mock.requests[0].query.alt).toBe('sse');
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 4, outputTokens: 3, stream: true });
  });

  it('a translated stream (Anthropic account) also reaches a JSON-array client as one JSON array', async () => {
    w.mock.enqueue({ text: 'from claude', chunks: 2, usage: { input: 6, output: 2 } });
    const res = await fetch(`${w.proxy.url}/gemini/v1beta/models/gemini-via-claude:streamGenerateContent`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'go' }] }] }),
    });
    const array = JSON.parse(await res.text());
    expect(array.map((c: any) => c.candidates[0].content.parts[0].text).join('')).toBe('from claude');
    expect(array.at(-1)).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 6, candidatesTokenCount: 2 } });
    expect(w.mock.requests[0].path).toBe('/v1/messages');
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 6, outputTokens: 2, platform: 'claude-console' });
  });

  it('bad input: 400 in the client\'s format, nothing forwarded or billed', async () => {
    const noModel = await fetch(`${w.proxy.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{"input":"x"}' });
    expect(noModel.status).toBe(400);
    expect((await noModel.json()).error.message).toMatch(/model/);
    const badJson = await fetch(`${w.proxy.url}/v1beta/models/gemini-2.5-flash:countTokens`, { method: 'POST', headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' }, body: '{' });
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error.status).toBe('INVALID_ARGUMENT');
    expect(w.mock.requests).toHaveLength(0);
    await expectNothingBilledBefore(probe);
  });

  it('streamGenerateContent with alt=sse is unchanged (SSE)', async () => {
    w.mock.enqueue({ text: 'sse', chunks: 1 });
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'go' });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('sse');
    await w.usage.next(1);
  });
});
