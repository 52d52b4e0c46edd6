// The account test behind the admin "Proxy test" page: one request through the account's own
// adapter; the streamed variant hands over the answer text while it is still arriving.
import type { AccountCredentials, Platform, SnapshotAccount } from '@relay/core';
import { refusedPort, startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { streamTestAccountRequest, TEST_CANCELLED, testAccountRequest, type AccountTestRequest } from './test-account.ts';

const AWS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TEXT = 'The quick brown fox jumps over the lazy dog';
const CHUNK_DELAY_MS = 50;

function testRequest(platform: Platform, baseUrl: string, credentials: AccountCredentials, model: string, settings: Record<string, string> = {}): AccountTestRequest {
  const account: SnapshotAccount = {
    id: `acc-${platform}`, name: platform, platform, status: 'ACTIVE', schedulable: true, priority: 1, baseUrl,
    credentials: '', supportedModels: null, modelMapping: {}, concurrency: null, egressProxy: null, settings,
  };
  return { account, credentials, model, prompt: 'Tell me about foxes.', addressPolicy: { allowPrivate: true } };
}

/** Runs a streamed test, recording each delta with its arrival time. */
async function streamed(req: AccountTestRequest, signal?: AbortSignal, onDelta?: (delta: string) => void) {
  const deltas: { text: string; at: number }[] = [];
  const startedAt = performance.now();
  const outcome = await streamTestAccountRequest(req, (d) => {
    deltas.push({ text: d, at: performance.now() - startedAt });
    onDelta?.(d);
  }, signal);
  return { outcome, deltas };
}

describe('account test requests', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream({ bedrockCredentials: AWS });
  });
  afterAll(async () => mock.close());
  beforeEach(() => mock.reset());

  const accounts = (url: string): Record<string, AccountTestRequest> => ({
    openai: testRequest('openai', url, { kind: 'api-key', apiKey: 'sk-test-openai' }, 'gpt-4o'),
    'claude-console': testRequest('claude-console', url, { kind: 'api-key', apiKey: 'sk-ant-test' }, 'claude-sonnet-4-20250514'),
    gemini: testRequest('gemini', url, { kind: 'api-key', apiKey: 'AIza-test' }, 'gemini-2.5-pro'),
    bedrock: testRequest('bedrock', url, { kind: 'aws', ...AWS }, 'claude-sonnet-4-20250514', { region: 'us-west-2' }),
  });

  for (const platform of ['openai', 'claude-console', 'gemini', 'bedrock']) {
    it(`${platform}: streams the answer piece by piece as the upstream sends it`, async () => {
      mock.setDefault({ text: TEXT, chunks: 4, chunkDelayMs: CHUNK_DELAY_MS });
      const { outcome, deltas } = await streamed(accounts(mock.url)[platform]);
      expect(outcome).toMatchObject({ status: 200, text: TEXT, error: null });
      expect(deltas.map((d) => d.text).join('')).toBe(TEXT);
      expect(deltas.length).toBe(4);
      // Three 50 ms gaps separate the four chunks: the first piece was handed over long before the
      // last one was even sent, so nothing waited for the whole answer.
      expect(deltas[3].at - deltas[0].at).toBeGreaterThanOrEqual(3 * CHUNK_DELAY_MS - 10);
      expect(outcome.firstTokenMs).not.toBeNull();
      expect(outcome.latencyMs - outcome.firstTokenMs!).toBeGreaterThanOrEqual(3 * CHUNK_DELAY_MS - 10);
      expect(mock.requests[0].stream).toBe(true);
    });
  }

  it('reports an upstream error as status and a short classification, never the body text', async () => {
    mock.enqueue({ status: 401, errorMessage: 'invalid x-api-key; internal detail: db password hunter2' });
    const { outcome, deltas } = await streamed(accounts(mock.url)['claude-console']);
    expect(outcome).toMatchObject({ status: 401, text: '', firstTokenMs: null });
    expect(outcome.error).toMatch(/^upstream answered 401: authentication failed: check the credentials( \([\w.-]+\))?$/);
    expect(JSON.stringify(outcome)).not.toContain('hunter2');
    expect(deltas).toEqual([]);
    mock.enqueue({ status: 500, errorMessage: 'stack trace of an internal service' });
    const whole = await testAccountRequest(accounts(mock.url).openai);
    expect(whole).toMatchObject({ status: 500, text: '' });
    expect(whole.error).toMatch(/^upstream answered 500: upstream server error/);
    expect(JSON.stringify(whole)).not.toContain('internal service');
  });

  it('refuses metadata addresses always, and loopback unless private upstreams are allowed, before connecting', async () => {
    const metadata = await testAccountRequest(accounts('http://169.254.169.254/').openai);
    expect(metadata).toMatchObject({ status: 0, text: '' });
    expect(metadata.error).toMatch(/link-local or cloud metadata address.*upstream address policy/);
    const before = mock.requests.length;
    const loopback = await testAccountRequest({ ...accounts(mock.url).openai, addressPolicy: { allowPrivate: false } });
    expect(loopback.status).toBe(0);
    expect(loopback.error).toMatch(/loopback or private address.*UPSTREAM_ALLOW_PRIVATE=true/);
    expect(mock.requests.length).toBe(before);
  });

  it('reports an error event inside an otherwise successful stream', async () => {
    mock.enqueue({ text: TEXT, chunks: 4, midStreamError: true });
    const { outcome } = await streamed(accounts(mock.url)['claude-console']);
    expect(outcome.status).toBe(200);
    expect(outcome.error).toMatch(/^upstream stream error: /);
    expect(outcome.text.length).toBeGreaterThan(0);
  });

  it('closes the upstream connection when the caller aborts mid-stream', async () => {
    mock.enqueue({ text: TEXT, chunks: 4, chunkDelayMs: 200 });
    const ac = new AbortController();
    const { outcome, deltas } = await streamed(accounts(mock.url).openai, ac.signal, () => ac.abort());
    expect(outcome).toMatchObject({ status: 200, error: TEST_CANCELLED });
    expect(deltas.length).toBe(1);
    expect(outcome.text).toBe(deltas[0].text);
    expect((await mock.waitForClose(0)).clientClosedEarly).toBe(true);
  });

  it('reports a refused connection as status 0', async () => {
    const { outcome } = await streamed(accounts(`http://127.0.0.1:${await refusedPort()}`).openai);
    expect(outcome).toMatchObject({ status: 0, text: '', error: 'request failed: ECONNREFUSED' });
  });

  it('the non-streamed test still answers whole', async () => {
    mock.enqueue({ text: TEXT });
    const outcome = await testAccountRequest(accounts(mock.url).gemini);
    expect(outcome).toMatchObject({ status: 200, text: TEXT, error: null, firstTokenMs: null });
    expect(mock.requests[0].stream).toBe(false);
  });
});
