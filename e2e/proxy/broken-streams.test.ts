import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import { startMockUpstream, type MockReply, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, usageReader, type TestProxy, type UsageReader } from '@relay/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY, useSdkWorld } from './fixtures.ts';

type Client = 'anthropic' | 'openai' | 'gemini';
const CLAUDE = 'claude-sonnet-4-20250514';
const OWN_MODEL: Record<Client, string> = { anthropic: CLAUDE, openai: 'gpt-4o', gemini: 'gemini-2.5-flash' };

/** What a client saw of a stream: the text before the failure and what its SDK raised. */
interface Seen { text: string; error: unknown }

/** Streams one answer through the proxy with the client's official SDK, collecting text until the SDK throws. */
async function streamWith(proxyUrl: string, client: Client, model: string): Promise<Seen> {
  let text = '';
  try {
    if (client === 'anthropic') {
      const sdk = new Anthropic({ apiKey: KEY, baseURL: proxyUrl, maxRetries: 0 });
      const stream = sdk.messages.stream({ model, max_tokens: 50, messages: [{ role: 'user', content: 'go' }] });
      for await (const ev of stream) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    } else if (client === 'openai') {
      const sdk = new OpenAI({ apiKey: KEY, baseURL: `${proxyUrl}/v1`, maxRetries: 0 });
      for await (const c of await sdk.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'go' }] })) text += c.choices[0]?.delta?.content ?? '';
    } else {
      const sdk = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: proxyUrl } });
      for await (const c of await sdk.models.generateContentStream({ model, contents: 'go' })) text += c.text ?? '';
    }
  } catch (error) {
    return { text, error };
  }
  return { text, error: null };
}

/** The SDK raised its API error (not a connection error) with the client format's error content. */
function expectApiError(client: Client, error: unknown, type: { anthropic: string; openai: string; geminiStatus: number }): void {
  if (client === 'anthropic') {
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).not.toBeInstanceOf(Anthropic.APIConnectionError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: type.anthropic } });
  } else if (client === 'openai') {
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).not.toBeInstanceOf(OpenAI.APIConnectionError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: type.openai });
  } else {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(type.geminiStatus);
  }
}

describe('streams that break mid-way end with an API error in the client\'s own format', () => {
  const w = useSdkWorld();
  const clients: Client[] = ['anthropic', 'openai', 'gemini'];

  it.each(clients)('Anthropic upstream sends event: error (overloaded) mid-stream → %s SDK raises an API error; recorded 529 with the tokens produced', async (client) => {
    const reply: MockReply = { text: 'abc', chunks: 3, usage: { input: 20, output: 3 }, midStreamError: true };
    w.mock.enqueue(reply);
    const seen = await streamWith(w.proxy.url, client, CLAUDE);
    expect(seen.text).toBe('a');
    expectApiError(client, seen.error, { anthropic: 'overloaded_error', openai: 'server_error', geminiStatus: 503 });
    const [ev] = await w.usage.next(1);
    // Input from message_start; output = the one delta delivered before the error.
    expect(ev).toMatchObject({ status: 529, errorType: 'overloaded_error', accountId: 'anthropic-1', clientFormat: client, inputTokens: 20, outputTokens: 1, stream: true });
    expect(ev.totalCost).toBeGreaterThan(0);
  });

  it.each(clients)('upstream connection cut mid-stream (same format) → %s SDK raises an API error; recorded 502 with the tokens produced', async (client) => {
    w.mock.enqueue({ text: 'abcd', chunks: 4, usage: { input: 20, output: 4 }, breakAfterChunks: 2 });
    const seen = await streamWith(w.proxy.url, client, OWN_MODEL[client]);
    expect(seen.text).toBe('ab');
    expectApiError(client, seen.error, { anthropic: 'api_error', openai: 'server_error', geminiStatus: 502 });
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ status: 502, errorType: 'upstream_stream_error', clientFormat: client, outputTokens: 2, stream: true });
    if (client === 'anthropic') expect(ev.inputTokens).toBe(20);
  });

  it.each(['openai', 'gemini'] as Client[])('Anthropic upstream connection cut mid-stream (translated) → %s SDK raises an API error; recorded 502', async (client) => {
    w.mock.enqueue({ text: 'abcd', chunks: 4, usage: { input: 20, output: 4 }, breakAfterChunks: 2 });
    const seen = await streamWith(w.proxy.url, client, CLAUDE);
    expect(seen.text).toBe('ab');
    expectApiError(client, seen.error, { anthropic: 'api_error', openai: 'server_error', geminiStatus: 502 });
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ status: 502, errorType: 'upstream_stream_error', accountId: 'anthropic-1', clientFormat: client, inputTokens: 20, outputTokens: 2 });
  });

  it.each(['openai', 'gemini'] as Client[])('Anthropic upstream that ends cleanly before finishing (translated) → %s SDK raises an API error; recorded 502', async (client) => {
    w.mock.enqueue({ text: 'abcd', chunks: 4, usage: { input: 20, output: 4 }, truncateAfterChunks: 2 });
    const seen = await streamWith(w.proxy.url, client, CLAUDE);
    expect(seen.text).toBe('ab');
    expectApiError(client, seen.error, { anthropic: '', openai: 'server_error', geminiStatus: 502 });
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ status: 502, errorType: 'upstream_stream_incomplete', clientFormat: client, inputTokens: 20, outputTokens: 2 });
  });

  const ownFormatErrors: { upstream: 'openai' | 'gemini'; client: Client; status: number; errorType: string; expected: Parameters<typeof expectApiError>[2] }[] = [
    { upstream: 'openai', client: 'openai', status: 500, errorType: 'server_error', expected: { anthropic: '', openai: 'server_error', geminiStatus: 0 } },
    { upstream: 'openai', client: 'anthropic', status: 500, errorType: 'server_error', expected: { anthropic: 'api_error', openai: '', geminiStatus: 0 } },
    { upstream: 'gemini', client: 'gemini', status: 503, errorType: 'UNAVAILABLE', expected: { anthropic: '', openai: '', geminiStatus: 503 } },
    { upstream: 'gemini', client: 'anthropic', status: 503, errorType: 'UNAVAILABLE', expected: { anthropic: 'overloaded_error', openai: '', geminiStatus: 0 } },
  ];
  it.each(ownFormatErrors)('$upstream upstream reports an error mid-stream in its own form → $client SDK raises an API error; recorded $status', async ({ upstream, client, status, errorType, expected }) => {
    w.mock.enqueue({ text: 'abc', chunks: 3, usage: { input: 20, output: 3 }, midStreamError: true });
    const seen = await streamWith(w.proxy.url, client, OWN_MODEL[upstream]);
    expect(seen.text).toBe('a');
    expectApiError(client, seen.error, expected);
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ status, errorType, platform: upstream, clientFormat: client, outputTokens: 1, stream: true });
  });
});

describe('Bedrock (AWS event stream) breaking mid-way, through the Anthropic SDK', () => {
  let mock: MockUpstream;
  let proxy: TestProxy;
  let usage: UsageReader;
  beforeAll(async () => {
    mock = await startMockUpstream();
    proxy = await startTestProxy({
      spec: {
        keys: [{ id: 'k1', userId: 'u1', key: KEY }],
        accounts: [{ id: 'bedrock-1', platform: 'bedrock', baseUrl: mock.url, credentials: { kind: 'bedrock-api-key', apiKey: 'bedrock-key' }, settings: { region: 'us-east-1' } }],
        prices: [{ model: CLAUDE, price: { input: '3', output: '15' } }],
      },
    });
    usage = await usageReader(proxy.store);
  });
  afterAll(async () => {
    await proxy?.close();
    await mock?.close();
  });

  it.each([
    { name: 'an exception frame (modelStreamErrorException)', reply: { midStreamError: true } as MockReply, text: 'a', status: 500, errorType: 'api_error', outputTokens: 1 },
    { name: 'a cut connection', reply: { breakAfterChunks: 2 } as MockReply, text: 'ab', status: 502, errorType: 'upstream_stream_error', outputTokens: 2 },
  ])('$name → APIError in Anthropic form, recorded $status with the tokens produced', async ({ reply, text, status, errorType, outputTokens }) => {
    mock.enqueue({ text: 'abcd', chunks: 4, usage: { input: 20, output: 4 }, ...reply });
    const seen = await streamWith(proxy.url, 'anthropic', CLAUDE);
    expect(seen.text).toBe(text);
    expectApiError('anthropic', seen.error, { anthropic: 'api_error', openai: '', geminiStatus: 0 });
    const [ev] = await usage.next(1);
    expect(ev).toMatchObject({ status, errorType, platform: 'bedrock', inputTokens: 20, outputTokens });
  });
});

