import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, usageReader, type SnapshotSpec, type TestProxy, type UsageReader } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'sk-relay-tiered-00000000000000000000000000';
const SONNET = 'claude-sonnet-4-5';
const GEMINI_PRO = 'gemini-3.1-pro-preview';

// The catalog's prices (USD per million tokens): claude-sonnet-4-5 3 / 15 / 3.75 (5 min) / 6 (1 h) / 0.3,
// above 200k prompt tokens 6 / 22.5 / 7.5 / 12 / 0.6; gemini-3.1-pro-preview 2 / 12 / read 0.2, above 200k 4 / 18 / 0.4.
const SPEC = (mock: string): SnapshotSpec => ({
  keys: [{ id: 'k-tier', userId: 'u1', key: KEY }],
  accounts: [
    { id: 'a-claude', platform: 'claude-console', baseUrl: mock, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } },
    { id: 'a-gemini', platform: 'gemini', baseUrl: mock, credentials: { kind: 'api-key', apiKey: 'g-key' } },
  ],
  prices: [
    {
      model: SONNET,
      price: {
        input: '3', output: '15', cacheWrite: '3.75', cacheRead: '0.3', cacheWrite1h: '6',
        tier: { aboveInputTokens: 200_000, input: '6', output: '22.5', cacheWrite: '7.5', cacheRead: '0.6', cacheWrite1h: '12' },
      },
    },
    { model: GEMINI_PRO, price: { input: '2', output: '12', cacheWrite: '2', cacheRead: '0.2', tier: { aboveInputTokens: 200_000, input: '4', output: '18', cacheWrite: '4', cacheRead: '0.4' } } },
  ],
});

describe('long-context tier and 1-hour cache writes, billed by the proxy', () => {
  let mock: MockUpstream;
  let proxy: TestProxy;
  let usage: UsageReader;
  let claude: Anthropic;
  let gemini: GoogleGenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    proxy = await startTestProxy({ spec: SPEC(mock.url) });
    usage = await usageReader(proxy.store);
    claude = new Anthropic({ apiKey: KEY, baseURL: proxy.url, maxRetries: 0 });
    gemini = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: proxy.url } });
  });
  afterAll(async () => {
    await proxy?.close();
    await mock?.close();
  });

  it('an Anthropic request above 200k prompt tokens is billed at the tier prices, its 1-hour cache writes at the 1-hour tier price', async () => {
    // prompt = 190000 + 8000 + 4000 = 202000 > 200000 → tier:
    // input 190000 × 6 = 1,140,000; cache write 5 min 5000 × 7.5 = 37,500; 1 h 3000 × 12 = 36,000; read 4000 × 0.6 = 2,400;
    // output 1000 × 22.5 = 22,500 → 1,238,400 µ$.
    mock.enqueue({ usage: { input: 190_000, output: 1000, cacheCreation: 8000, cacheCreation1h: 3000, cacheRead: 4000 } });
    const stream = claude.messages.stream({ model: SONNET, max_tokens: 1000, messages: [{ role: 'user', content: 'long context' }] });
    await stream.finalMessage();
    const [event] = await usage.next(1);
    expect(event).toMatchObject({ model: SONNET, inputTokens: 190_000, cacheCreationInputTokens: 8000, cacheCreation1hInputTokens: 3000, cacheReadInputTokens: 4000 });
    expect(event.baseInputCost).toBe(1_215_900);
    expect(event.baseOutputCost).toBe(22_500);
    expect(event.totalCost).toBe(1_238_400);
  });

  it('the same request shape at or below 200k pays the base prices', async () => {
    // prompt = 188000 + 8000 + 4000 = 200000, not above: input 188000 × 3 = 564,000; 5000 × 3.75 = 18,750; 3000 × 6 = 18,000;
    // 4000 × 0.3 = 1,200; output 1000 × 15 = 15,000 → 616,950 µ$.
    mock.enqueue({ usage: { input: 188_000, output: 1000, cacheCreation: 8000, cacheCreation1h: 3000, cacheRead: 4000 } });
    await claude.messages.create({ model: SONNET, max_tokens: 1000, messages: [{ role: 'user', content: 'not so long' }] });
    const [event] = await usage.next(1);
    expect(event.totalCost).toBe(616_950);
  });

  it('a Gemini request above 200k prompt tokens is billed at the tier prices', async () => {
    // Gemini reports promptTokenCount 250000 with 50000 cached: input 200000 × 4 = 800,000, read 50000 × 0.4 = 20,000;
    // output 2000 × 18 = 36,000 → 856,000 µ$ (base prices would give 400,000 + 10,000 + 24,000 = 434,000).
    mock.enqueue({ usage: { input: 200_000, output: 2000, cacheRead: 50_000 } });
    await gemini.models.generateContent({ model: GEMINI_PRO, contents: 'long context' });
    const [event] = await usage.next(1);
    expect(event).toMatchObject({ model: GEMINI_PRO, inputTokens: 200_000, cacheReadInputTokens: 50_000, outputTokens: 2000 });
    expect(event.totalCost).toBe(856_000);
  });
});
