import {
  BedrockRuntimeClient, InvokeModelCommand, InvokeModelWithResponseStreamCommand, ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './index.ts';

const MODEL_ID = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });

describe('Bedrock wire format, judged by @aws-sdk/client-bedrock-runtime', () => {
  let mock: MockUpstream;
  let client: BedrockRuntimeClient;
  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new BedrockRuntimeClient({
      region: 'us-east-1', endpoint: mock.url, maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDMOCK', secretAccessKey: 'mock-secret' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('answers InvokeModel with an Anthropic message and records the decoded model id', async () => {
    mock.enqueue({ text: 'from bedrock', usage: { input: 6, output: 2 } });
    const out = await client.send(new InvokeModelCommand({ modelId: MODEL_ID, body, contentType: 'application/json' }));
    const message = JSON.parse(new TextDecoder().decode(out.body));
    expect(message).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'from bedrock' }], usage: { input_tokens: 6, output_tokens: 2 } });
    expect(mock.requests[0]).toMatchObject({ format: 'bedrock', stream: false, model: MODEL_ID });
    expect(mock.requests[0].path).toContain(encodeURIComponent(MODEL_ID));
    expect(mock.requests[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDMOCK\//);
  });

  it('streams chunk events the SDK decodes, with invocation metrics in the last chunk', async () => {
    mock.enqueue({ text: 'abcdef', chunks: 3, usage: { input: 9, output: 3 }, toolCalls: [{ name: 'f', arguments: { a: 1 } }] });
    const out = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: MODEL_ID, body, contentType: 'application/json' }));
    const events: any[] = [];
    for await (const item of out.body!) {
      if (item.chunk?.bytes) events.push(JSON.parse(new TextDecoder().decode(item.chunk.bytes)));
    }
    expect(events[0].type).toBe('message_start');
    expect(events.map((e) => e.type)).not.toContain('ping');
    const text = events.filter((e) => e.delta?.type === 'text_delta').map((e) => e.delta.text);
    expect(text).toEqual(['ab', 'cd', 'ef']);
    const json = events.filter((e) => e.delta?.type === 'input_json_delta').map((e) => e.delta.partial_json).join('');
    expect(JSON.parse(json)).toEqual({ a: 1 });
    const last = events.at(-1);
    expect(last.type).toBe('message_stop');
    expect(last['amazon-bedrock-invocationMetrics']).toMatchObject({ inputTokenCount: 9, outputTokenCount: 3 });
    expect(last['amazon-bedrock-invocationMetrics'].invocationLatency).toBeGreaterThan(0);
    expect(last['amazon-bedrock-invocationMetrics'].firstByteLatency).toBeGreaterThan(0);
    expect(mock.requests[0].stream).toBe(true);
  });

  it('turns an error status into the modeled exception via x-amzn-errortype', async () => {
    mock.enqueue({ status: 429, errorMessage: 'Too many requests' });
    const error = await client.send(new InvokeModelCommand({ modelId: MODEL_ID, body })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as Error).message).toBe('Too many requests');
    expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(429);
  });

  it('verifies SigV4 when started with bedrockCredentials', async () => {
    const strict = await startMockUpstream({ bedrockCredentials: { accessKeyId: 'AKIDMOCK', secretAccessKey: 'mock-secret' } });
    const clientFor = (secretAccessKey: string) => new BedrockRuntimeClient({
      region: 'eu-west-1', endpoint: strict.url, maxAttempts: 1, credentials: { accessKeyId: 'AKIDMOCK', secretAccessKey },
    });
    const good = clientFor('mock-secret');
    const bad = clientFor('wrong-secret');
    try {
      const out = await good.send(new InvokeModelCommand({ modelId: MODEL_ID, body, contentType: 'application/json' }));
      expect(JSON.parse(new TextDecoder().decode(out.body)).type).toBe('message');
      expect(strict.requests[0].signatureValid).toBe(true);
      const error = await bad.send(new InvokeModelCommand({ modelId: MODEL_ID, body })).catch((e: unknown) => e);
      expect((error as Error).name).toBe('InvalidSignatureException');
      expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
      expect(strict.requests[1].signatureValid).toBe(false);
    } finally {
      good.destroy();
      bad.destroy();
      await strict.close();
    }
  });

  it('verifies SigV4 of a plain HTTP/1.1 request signed by hand (as a proxy using fetch would)', async () => {
    const credentials = { accessKeyId: 'AKIDMOCK', secretAccessKey: 'mock-secret' };
    const strict = await startMockUpstream({ bedrockCredentials: credentials });
    try {
      const url = new URL(`${strict.url}/model/${encodeURIComponent(MODEL_ID)}/invoke`);
      const signer = new SignatureV4({ credentials, region: 'us-west-2', service: 'bedrock', sha256: Sha256 });
      const signed = await signer.sign({
        method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {},
        headers: { host: url.host, 'content-type': 'application/json' }, body,
      });
      const ok = await fetch(url, { method: 'POST', headers: signed.headers, body });
      expect(ok.status).toBe(200);
      const tampered = await fetch(url, { method: 'POST', headers: signed.headers, body: body.replace('hi', 'ho') });
      expect(tampered.status).toBe(403);
      expect(tampered.headers.get('x-amzn-errortype')).toMatch(/^InvalidSignatureException/);
      expect(strict.requests.map((r) => r.signatureValid)).toEqual([true, false]);
    } finally {
      await strict.close();
    }
  });

  it('sends a mid-stream failure as a modelStreamErrorException', async () => {
    mock.enqueue({ midStreamError: true });
    const out = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: MODEL_ID, body }));
    const consume = async () => {
      for await (const _item of out.body!) { /* drain */ }
    };
    await expect(consume()).rejects.toMatchObject({ name: 'ModelStreamErrorException' });
  });
});
