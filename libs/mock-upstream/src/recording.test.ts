import OpenAI from 'openai';
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refusedPort, startMockUpstream, type MockUpstream } from './index.ts';

function postJson(mock: MockUpstream, path: string, body: unknown, init: RequestInit = {}) {
  return fetch(`${mock.url}${path}`, {
    method: 'POST', ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    body: JSON.stringify(body),
  });
}

describe('recording, reply selection and connection behaviour', () => {
  let mock: MockUpstream;
  let client: OpenAI;
  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new OpenAI({ apiKey: 'sk-rec', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('records method, path, query, lower-cased headers and the parsed body', async () => {
    await postJson(mock, '/v1/messages?beta=true&x=1', { model: 'claude-x', stream: false, messages: [] }, { headers: { 'X-Custom-Header': 'abc' } });
    const [recorded] = await mock.waitForRequests(1);
    expect(recorded).toMatchObject({
      seq: 0, method: 'POST', path: '/v1/messages', query: { beta: 'true', x: '1' }, format: 'anthropic', stream: false,
      body: { model: 'claude-x', messages: [] }, clientClosedEarly: false,
    });
    expect(recorded.headers['x-custom-header']).toBe('abc');
    expect(JSON.parse(recorded.rawBody)).toEqual(recorded.body);
  });

  it('records a body that is not JSON as raw text only', async () => {
    await fetch(`${mock.url}/v1/oauth/token`, { method: 'POST', body: 'not json', headers: { 'content-type': 'text/plain' } });
    expect(mock.requests[0]).toMatchObject({ rawBody: 'not json', body: undefined, format: 'oauth' });
  });

  it('uses enqueued replies in order, then the default reply', async () => {
    mock.setDefault({ text: 'default' });
    mock.enqueue({ text: 'first' }, { text: 'second' });
    const texts = [];
    for (let i = 0; i < 3; i++) {
      const completion = await client.chat.completions.create({ model: 'm', messages: [] });
      texts.push(completion.choices[0].message.content);
    }
    expect(texts).toEqual(['first', 'second', 'default']);
  });

  it('lets a responder pick the reply from the recorded request, ahead of the queue', async () => {
    mock.enqueue({ text: 'queued' });
    mock.setResponder((req) => (req.body?.model === 'special' ? { text: `for ${req.headers.authorization}` } : undefined));
    const special = await client.chat.completions.create({ model: 'special', messages: [] });
    const normal = await client.chat.completions.create({ model: 'other', messages: [] });
    expect(special.choices[0].message.content).toBe('for Bearer sk-rec');
    expect(normal.choices[0].message.content).toBe('queued');
  });

  it('replies with the error status and the reply headers, and records the request first', async () => {
    mock.enqueue({ status: 503, headers: { 'retry-after': '12' } });
    const res = await postJson(mock, '/v1/chat/completions', { model: 'm', messages: [] }, { headers: { authorization: 'Bearer k' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('12');
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('server_error');
    expect(mock.requests[0].headers.authorization).toBe('Bearer k');
  });

  it('holds the response headers for firstByteDelayMs', async () => {
    mock.enqueue({ firstByteDelayMs: 150 });
    const started = Date.now();
    const res = await postJson(mock, '/v1/chat/completions', { model: 'm', messages: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(200);
  });

  it('breaks the connection after breakAfterChunks so the SDK stream fails', async () => {
    mock.enqueue({ text: 'abcdefghij', chunks: 5, breakAfterChunks: 2 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    const received: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) received.push(chunk.choices[0].delta.content);
    };
    await expect(consume()).rejects.toThrow();
    expect(received).toEqual(['ab', 'cd']);
    const closed = await mock.waitForClose(0);
    expect(closed.clientClosedEarly).toBe(false);
  });

  it('refuses a request by dropping the connection without a response', async () => {
    mock.enqueue({ refuse: true });
    const error = await client.chat.completions.create({ model: 'm', messages: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(mock.requests[0].body).toMatchObject({ model: 'm' });
  });

  it('marks clientClosedEarly when the client aborts mid-stream, and stops the stream', async () => {
    mock.enqueue({ text: 'x'.repeat(40), chunks: 40, chunkDelayMs: 20 });
    const controller = new AbortController();
    const res = await postJson(mock, '/v1/chat/completions', { model: 'm', messages: [], stream: true }, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    const closed = await mock.waitForClose(0);
    expect(closed.clientClosedEarly).toBe(true);
    expect(closed.closedAt).toBeGreaterThan(0);
  });

  it('cancels a first-byte delay when the client goes away', async () => {
    mock.enqueue({ firstByteDelayMs: 20_000 });
    const controller = new AbortController();
    const pending = postJson(mock, '/v1/chat/completions', { model: 'm', messages: [] }, { signal: controller.signal }).catch(() => 'aborted');
    await mock.waitForRequests(1);
    controller.abort();
    const closed = await mock.waitForClose(0, 2_000);
    expect(closed.clientClosedEarly).toBe(true);
    expect(await pending).toBe('aborted');
  });

  it('delivers a large stream intact to a client that pauses (drain waits resume)', async () => {
    // ~4 MB overflows the socket buffers, so the server must wait for 'drain' and then carry on.
    const text = 'y'.repeat(4_000_000);
    mock.enqueue({ text, chunks: 200 });
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.pause();
        const parts: Buffer[] = [];
        setImmediate(() => {
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('end', () => resolve(Buffer.concat(parts).toString()));
          res.resume();
        });
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'm', messages: [], stream: true }));
    });
    expect(body.split('data: ').length).toBeGreaterThan(200);
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect((await mock.waitForClose(0)).clientClosedEarly).toBe(false);
  });

  it('rejects waitForRequests after its timeout', async () => {
    await expect(mock.waitForRequests(1, 50)).rejects.toThrow(/timed out/);
  });

  it('reset clears requests, queue and default; seq starts again', async () => {
    mock.enqueue({ text: 'stale' });
    mock.setDefault({ text: 'stale default' });
    await postJson(mock, '/v1/chat/completions', { model: 'm', messages: [] });
    mock.enqueue({ text: 'stale 2' });
    mock.reset();
    expect(mock.requests).toHaveLength(0);
    const completion = await client.chat.completions.create({ model: 'm', messages: [] });
    expect(completion.choices[0].message.content).toBe('Hello from mock');
    expect(mock.requests[0].seq).toBe(0);
  });

  it('answers unknown routes with 404 and records them', async () => {
    const res = await fetch(`${mock.url}/nope`);
    expect(res.status).toBe(404);
    expect(mock.requests[0].format).toBe('unknown');
  });

  it('refusedPort gives a port where connections are refused', async () => {
    const port = await refusedPort();
    const error = await fetch(`http://127.0.0.1:${port}/`).catch((e: { cause?: { code?: string } }) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});
