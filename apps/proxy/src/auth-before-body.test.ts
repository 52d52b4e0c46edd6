import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import OpenAI from 'openai';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, usageReader, type TestProxy, type UsageReader } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const GOOD = 'sk-relay-good-000000000000000000000000000';
const TEN_MB = 10 * 1024 * 1024;

/** What the raw client saw: the response head and body, and how much of its upload went out. */
interface RawOutcome {
  status: number;
  headers: string;
  body: string;
  /** Body bytes handed to the socket before the response arrived. */
  bodyBytesWrittenBeforeResponse: number;
}

/**
 * Sends request headers announcing a 10 MB body, then writes nothing until the response arrives
 * (or, with `pushBody`, keeps writing the body while waiting). An answer that needed the body
 * would never come, so a response at all proves the body was not awaited.
 */
function rawUpload(port: number, path: string, headers: Record<string, string>, pushBody = false, contentLength = TEN_MB): Promise<RawOutcome> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let written = 0;
    let responded = false;
    let raw = '';
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (pushBody && !responded && written < TEN_MB && !socket.destroyed) {
        written += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      const head = [`POST ${path} HTTP/1.1`, 'host: 127.0.0.1', 'content-type: application/json', `content-length: ${contentLength}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
      socket.write(head);
      pump();
    });
    let writtenAtResponse = 0;
    socket.on('data', (d) => {
      if (!responded) writtenAtResponse = written;
      responded = true;
      raw += d.toString('utf8');
    });
    // The write side may be reset by the server closing mid-upload; what the client read counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const [head, body = ''] = raw.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]);
      if (!status) return reject(new Error(`no response (connection closed after ${written} body bytes)`));
      resolve({ status, headers: head.toLowerCase(), body, bodyBytesWrittenBeforeResponse: writtenAtResponse });
    });
  });
}

describe('the key is checked before the body is read', () => {
  let mock: MockUpstream;
  let proxy: TestProxy;
  let usage: UsageReader;
  // A second listener on the same handler, so the test can see how many bytes the server read.
  let counted: Server;
  let countedPort: number;
  const bytesReadPerConnection: number[] = [];

  beforeAll(async () => {
    mock = await startMockUpstream();
    proxy = await startTestProxy({
      config: { maxBodyBytes: 64 * 1024 * 1024 },
      spec: {
        keys: [{ id: 'good', userId: 'u1', key: GOOD }],
        accounts: [{ id: 'o', platform: 'openai', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-up' } }],
        prices: [{ model: 'gpt-4o', price: { input: '1', output: '1' } }],
      },
    });
    usage = await usageReader(proxy.store);
    counted = createServer(proxy.proxy.handler);
    counted.on('connection', (s) => s.on('close', () => bytesReadPerConnection.push(s.bytesRead)));
    await new Promise<void>((r) => counted.listen(0, '127.0.0.1', r));
    countedPort = (counted.address() as AddressInfo).port;
  });
  afterAll(async () => {
    counted.closeAllConnections();
    await new Promise<void>((r) => counted.close(() => r()));
    await proxy.close();
    await mock.close();
  });

  it.each<{ format: string; path: string; headers: Record<string, string>; envelope: RegExp }>([
    { format: 'openai', path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-relay-wrong' }, envelope: /"error":\{"message":"Invalid API key"/ },
    { format: 'anthropic', path: '/v1/messages', headers: { 'x-api-key': 'sk-relay-wrong', 'anthropic-version': '2023-06-01' }, envelope: /"type":"error","error":\{"type":"authentication_error"/ },
    { format: 'gemini', path: '/v1beta/models/gemini-2.5-flash:generateContent?key=sk-relay-wrong', headers: {}, envelope: /"error":\{"code":401/ },
    { format: 'openai (no key)', path: '/v1/chat/completions', headers: {}, envelope: /Missing API key/ },
  ])('$format: 401 in the client format before any body byte is sent, connection closed', async (c) => {
    const r = await rawUpload(countedPort, c.path, c.headers);
    expect(r.status).toBe(401);
    expect(r.body).toMatch(c.envelope);
    expect(r.headers).toContain('connection: close');
    expect(r.bodyBytesWrittenBeforeResponse).toBe(0);
    expect(await usage.drain()).toEqual([]);
  });

  it('40 concurrent unauthenticated 10 MB uploads: all 401, the server reads almost none of the 400 MB', async () => {
    bytesReadPerConnection.length = 0;
    const results = await Promise.all(Array.from({ length: 40 }, () => rawUpload(countedPort, '/v1/chat/completions', { authorization: 'Bearer sk-relay-wrong' }, true)));
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(401));
    await expect.poll(() => bytesReadPerConnection.length).toBe(40);
    const totalRead = bytesReadPerConnection.reduce((a, b) => a + b, 0);
    // Headers plus whatever was already in flight when the 401 went out: far below one upload.
    expect(totalRead).toBeLessThan(TEN_MB);
    expect(mock.requests).toHaveLength(0);
  });

  it('a keyed request still reads and relays its body (and a keyed client over the limit still gets 413)', async () => {
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${GOOD}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    expect(mock.requests.at(-1)?.body?.messages?.[0]?.content).toHaveLength(2 * 1024 * 1024);
    expect(await usage.next(1)).toHaveLength(1);
    const tooBig = await rawUpload(countedPort, '/v1/chat/completions', { authorization: `Bearer ${GOOD}` }, false, 65 * 1024 * 1024);
    expect(tooBig.status).toBe(413);
  });

  it('the OpenAI SDK uploading a large body with a bad key gets AuthenticationError', async () => {
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-relay-wrong', maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(1024 * 1024) }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);
  });
});
