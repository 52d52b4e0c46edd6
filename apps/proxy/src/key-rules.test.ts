import { computeCost, parseRate } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, toModelPrice, usageReader, type PriceSpec, type TestProxy, type UsageReader } from '@relay/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const MAPPED = 'sk-relay-mapped-000000000000000000000000';
const CLAUDE_CODE_ONLY = 'sk-relay-cconly-000000000000000000000000';
const SERVED = 'claude-sonnet-4-5';
const SERVED_PRICE: PriceSpec = { input: '3', output: '15' };
/** The alias has a (cheaper) price of its own: billing at it instead of the served model's would show. */
const ALIAS_PRICE: PriceSpec = { input: '0.1', output: '0.1' };
const CLAUDE_CODE_UA = 'claude-cli/2.1.197 (external, cli)';

describe("a key's model mapping and client rule on the request path", () => {
  let mock: MockUpstream;
  let proxy: TestProxy;
  let usage: UsageReader;
  beforeAll(async () => {
    mock = await startMockUpstream();
    proxy = await startTestProxy({
      spec: {
        keys: [
          // Allowed models name only the served model: the access check reads the mapped one.
          { id: 'mapped', userId: 'u1', key: MAPPED, modelMapping: { sonnet: SERVED, 'gpt-alias': 'gpt-4o' }, allowedModels: [SERVED, 'gpt-4o'] },
          { id: 'cconly', userId: 'u1', key: CLAUDE_CODE_ONLY, allowedClients: ['claude-code'] },
        ],
        accounts: [
          { id: 'a', platform: 'claude-console', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-upstream' } },
          { id: 'o', platform: 'openai', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-openai' } },
        ],
        prices: [{ model: SERVED, price: SERVED_PRICE }, { model: 'sonnet', price: ALIAS_PRICE }, { model: 'gpt-4o', price: { input: '2.5', output: '10' } }],
      },
    });
    usage = await usageReader(proxy.store);
  });
  afterAll(async () => {
    await proxy?.close();
    await mock?.close();
  });
  beforeEach(() => mock.reset());

  const messages = (key: string, model: string, headers: Record<string, string> = {}) =>
    fetch(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('sends the mapped model upstream, checks access on it and bills the served model\'s price', async () => {
    mock.setDefault({ text: 'ok', usage: { input: 1000, output: 100 } });
    const res = await messages(MAPPED, 'sonnet');
    expect(res.status).toBe(200);
    await res.json();
    expect(mock.requests.filter((r) => r.method === 'POST').map((r) => r.body.model)).toEqual([SERVED]);
    const [event] = await usage.next(1);
    expect(event).toMatchObject({ model: SERVED, upstreamModel: SERVED, inputTokens: 1000, outputTokens: 100, status: 200 });
    const expected = computeCost({ inputTokens: 1000, outputTokens: 100, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 }, toModelPrice(SERVED_PRICE), parseRate('1'));
    expect(event.totalCost).toBe(expected.rated.totalCost);
    expect(event.price).toEqual(toModelPrice(SERVED_PRICE));
  });

  it('maps on translated routes too (OpenAI chat to an OpenAI account) and lists the alias among the models', async () => {
    mock.setDefault({ text: 'ok', usage: { input: 10, output: 2 } });
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${MAPPED}` },
      body: JSON.stringify({ model: 'gpt-alias', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.json();
    expect(mock.requests.filter((r) => r.method === 'POST').map((r) => r.body.model)).toEqual(['gpt-4o']);
    expect(await usage.next(1)).toMatchObject([{ model: 'gpt-4o' }]);
    const list = await (await fetch(`${proxy.url}/v1/models`, { headers: { authorization: `Bearer ${MAPPED}` } })).json();
    expect(list.data.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(['sonnet', SERVED, 'gpt-alias', 'gpt-4o']));
  });

  it("a key limited to Claude Code serves Claude Code's user agent and refuses curl's with Anthropic's 403", async () => {
    mock.setDefault({ text: 'ok', usage: { input: 1, output: 1 } });
    const ok = await messages(CLAUDE_CODE_ONLY, SERVED, { 'user-agent': CLAUDE_CODE_UA });
    expect(ok.status).toBe(200);
    await ok.json();
    expect(await usage.next(1)).toHaveLength(1);
    const refused = await messages(CLAUDE_CODE_ONLY, SERVED, { 'user-agent': 'curl/8.5.0' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ type: 'error', error: { type: 'permission_error', message: 'This API key may only be used from claude-code' } });
    expect(mock.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(await usage.drain()).toEqual([]);
  });
});
