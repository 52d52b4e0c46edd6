import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { hotKeys, SecretBox, type ProxyEvent } from '@relay/core';
import { pkceChallenge, startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, TEST_ENCRYPTION_KEY, usageReader, type SnapshotSpec, type TestProxy } from '@relay/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const KEY = 'sk-relay-adapters-000000000000000000000000';
const AWS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SONNET = 'claude-sonnet-4-20250514';

function spec(mock: string, accounts: SnapshotSpec['accounts']): SnapshotSpec {
  return {
    keys: [{ id: 'k1', userId: 'u1', key: KEY }],
    accounts,
    prices: [{ model: SONNET, price: { input: '3', output: '15' } }, { model: 'gpt-4o', price: { input: '2.5', output: '10' } }],
  };
}

async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY, ...headers }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

describe('upstream adapters against the mock', () => {
  let mock: MockUpstream;
  let proxy: TestProxy | null = null;
  beforeAll(async () => {
    mock = await startMockUpstream({ bedrockCredentials: AWS });
  });
  afterAll(async () => mock.close());
  beforeEach(async () => {
    mock.reset();
    await proxy?.close();
    proxy = null;
  });

  it('claude-oauth: Bearer access token, OAuth beta merged with the client betas, body byte-identical', async () => {
    proxy = await startTestProxy({ spec: spec(mock.url, [{ id: 'o1', platform: 'claude-oauth', baseUrl: mock.url, credentials: { kind: 'oauth', accessToken: 'sk-ant-oat01-live', refreshToken: null, expiresAt: null } }]) });
    const raw = `{"model":"${SONNET}",  "max_tokens":5,"messages":[{"role":"user","content":"hé"}]}`;
    const res = await fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY, 'anthropic-beta': 'tools-2024-05-16', 'anthropic-version': '2023-06-01', 'x-custom': 'nope' }, body: raw });
    expect(res.status).toBe(200);
    const rec = mock.requests[0];
    expect(rec.rawBody).toBe(raw);
    expect(rec.headers.authorization).toBe('Bearer sk-ant-oat01-live');
    expect(rec.headers['anthropic-beta']).toBe('tools-2024-05-16,oauth-2025-04-20');
    expect(rec.headers['x-api-key']).toBeUndefined();
    expect(rec.headers['x-custom']).toBeUndefined();
  });

  it('claude-oauth: refreshes once ahead of expiry, uses the new token at once, reports it encrypted', async () => {
    // Obtain a genuine refresh token from the mock authorization server.
    const verifier = 'verifier-0123456789-0123456789-0123456789';
    const code = mock.issueAuthCode(pkceChallenge(verifier));
    const tokenRes = await fetch(`${mock.url}/v1/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'c', redirect_uri: 'x' }) });
    const first = (await tokenRes.json()) as { access_token: string; refresh_token: string };
    proxy = await startTestProxy({
      spec: spec(mock.url, [{
        id: 'o2', platform: 'claude-oauth', baseUrl: mock.url, settings: { tokenUrl: `${mock.url}/v1/oauth/token` },
        credentials: { kind: 'oauth', accessToken: first.access_token, refreshToken: first.refresh_token, expiresAt: Date.now() + 60_000 },
      }]),
    });
    await proxy.store.ensureGroup(hotKeys.proxyEventStream, 'g');
    const body = { model: SONNET, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
    const results = await Promise.all(Array.from({ length: 5 }, () => post(proxy!.url, '/v1/messages', body)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(mock.oauthTokens).toHaveLength(2); // the authorization_code one + exactly one refresh
    const fresh = mock.oauthTokens[1].accessToken;
    const upstream = mock.requests.filter((r) => r.path === '/v1/messages');
    expect(upstream.map((r) => r.headers.authorization)).toEqual(Array(5).fill(`Bearer ${fresh}`));
    const events = await proxy.store.readGroup(hotKeys.proxyEventStream, 'g', 'c', 10, 100);
    const ev = JSON.parse(events[0].payload) as ProxyEvent;
    expect(ev).toMatchObject({ type: 'account.credentials', accountId: 'o2' });
    const creds = SecretBox.fromKey(TEST_ENCRYPTION_KEY).decryptJson<{ accessToken: string }>((ev as { credentials: string }).credentials);
    expect(creds.accessToken).toBe(fresh);
  });

  it('claude-console: sk-ant- keys go in x-api-key; ccr: other keys as Bearer at its base URL', async () => {
    proxy = await startTestProxy({ spec: spec(mock.url, [{ id: 'c1', platform: 'ccr', baseUrl: `${mock.url}/`, credentials: { kind: 'api-key', apiKey: 'relay-token-1' } }]) });
    await post(proxy.url, '/v1/messages', { model: SONNET, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(mock.requests[0].headers.authorization).toBe('Bearer relay-token-1');
    expect(mock.requests[0].path).toBe('/v1/messages');
  });

  it('azure-openai: deployment URL with api-version and api-key header', async () => {
    proxy = await startTestProxy({ spec: spec(mock.url, [{ id: 'az', platform: 'azure-openai', baseUrl: mock.url, settings: { deployment: 'gpt4o-prod', apiVersion: '2024-10-21' }, credentials: { kind: 'api-key', apiKey: 'azure-key-1' } }]) });
    const raw = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
    const r = await post(proxy.url, '/v1/chat/completions', raw, { authorization: `Bearer ${KEY}` });
    expect(r.status).toBe(200);
    const rec = mock.requests[0];
    expect(rec.path).toBe('/openai/deployments/gpt4o-prod/chat/completions');
    expect(rec.query['api-version']).toBe('2024-10-21');
    expect(rec.headers['api-key']).toBe('azure-key-1');
    expect(rec.headers.authorization).toBeUndefined();
    expect(rec.rawBody).toBe(JSON.stringify(raw));
  });

  describe('bedrock', () => {
    const bedrockAccount = { id: 'b1', platform: 'bedrock' as const, baseUrl: null as string | null, settings: { region: 'us-west-2' }, credentials: { kind: 'aws' as const, ...AWS } };

    it('SigV4-signs the request (verifiable), maps the model and rewrites the body', async () => {
      proxy = await startTestProxy({ spec: spec(mock.url, [{ ...bedrockAccount, baseUrl: mock.url }]) });
      const usage = await usageReader(proxy.store);
      mock.enqueue({ text: 'from bedrock', usage: { input: 11, output: 3 } });
      const r = await post(proxy.url, '/v1/messages', { model: SONNET, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }, { 'anthropic-beta': 'context-1m-2025-08-07' });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.text).content[0].text).toBe('from bedrock');
      const rec = mock.requests[0];
      expect(rec.signatureValid).toBe(true);
      expect(decodeURIComponent(rec.path)).toBe('/model/us.anthropic.claude-sonnet-4-20250514-v1:0/invoke');
      expect(rec.body).toEqual({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }], anthropic_beta: ['context-1m-2025-08-07'] });
      // Recompute the signature over what the mock received.
      const url = new URL(mock.url);
      const signer = new SignatureV4({ service: 'bedrock', region: 'us-west-2', sha256: Sha256, credentials: AWS });
      const amz = rec.headers['x-amz-date'];
      const signingDate = new Date(Date.UTC(+amz.slice(0, 4), +amz.slice(4, 6) - 1, +amz.slice(6, 8), +amz.slice(9, 11), +amz.slice(11, 13), +amz.slice(13, 15)));
      const again = await signer.sign(
        { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: `/model/${encodeURIComponent('us.anthropic.claude-sonnet-4-20250514-v1:0')}/invoke`, query: {},
          headers: { 'content-type': 'application/json', accept: 'application/json', host: url.host }, body: rec.rawBody },
        { signingDate },
      );
      expect(rec.headers.authorization).toBe(again.headers.authorization);
      expect(rec.headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/us-west-2\/bedrock\/aws4_request/);
      const [ev] = await usage.next(1);
      expect(ev).toMatchObject({ inputTokens: 11, outputTokens: 3, platform: 'bedrock', upstreamModel: 'us.anthropic.claude-sonnet-4-20250514-v1:0' });
    });

    it('decodes the binary event stream back to Anthropic SSE and bills the invocation metrics', async () => {
      proxy = await startTestProxy({ spec: spec(mock.url, [{ ...bedrockAccount, baseUrl: mock.url, modelMapping: { [SONNET]: 'anthropic.custom-v1:0' } }]) });
      const usage = await usageReader(proxy.store);
      mock.enqueue({ text: 'streamed from bedrock', chunks: 3, usage: { input: 17, output: 3 } });
      const r = await post(proxy.url, '/v1/messages', { model: SONNET, max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'hi' }] });
      expect(r.headers.get('content-type')).toMatch(/text\/event-stream/);
      expect(decodeURIComponent(mock.requests[0].path)).toBe('/model/anthropic.custom-v1:0/invoke-with-response-stream');
      const events = r.text.split('\n\n').filter(Boolean).map((f) => ({ event: /^event: (.*)$/m.exec(f)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(f)![1]) }));
      expect(events[0].event).toBe('message_start');
      expect(events.at(-1)!.event).toBe('message_stop');
      const text = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text).join('');
      expect(text).toBe('streamed from bedrock');
      expect(r.text).not.toContain('amazon-bedrock-invocationMetrics');
      const [ev] = await usage.next(1);
      expect(ev).toMatchObject({ inputTokens: 17, outputTokens: 3, stream: true });
    });

    it('a Bedrock API key is sent as Bearer', async () => {
      proxy = await startTestProxy({ spec: spec(mock.url, [{ ...bedrockAccount, baseUrl: mock.url, credentials: { kind: 'bedrock-api-key', apiKey: 'ABSK-key' } }]) });
      await post(proxy.url, '/v1/messages', { model: SONNET, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
      expect(mock.requests[0].headers.authorization).toBe('Bearer ABSK-key');
    });
  });
});
