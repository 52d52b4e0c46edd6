// Acceptance of "budgets no client can game": two proxies share one Redis, the mock upstream spends
// every output token a request allows, and each key has a 1.00 USD daily limit. Whatever maximum
// fields a client combines (or omits, or makes negative), total spend stays within the limit plus
// one request's largest reservation.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { usdToMicro, type UsageEvent } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, testRedisUrl, uniqueSuffix, usageReader, type TestProxy, type UsageReader } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const redisUrl = testRedisUrl();
const LIMIT = usdToMicro('1');
/** Output price per model in USD per million tokens; input costs 1 USD per million everywhere. */
const OUTPUT_PRICE = { 'gpt-4o': 10, 'gemini-2.5-flash': 2.5, 'claude-sonnet-4-20250514': 15 } as const;
type Model = keyof typeof OUTPUT_PRICE;
/** A generous bound on any of these small prompts' input estimate (body bytes / 4). */
const MAX_PROMPT_TOKENS = 1000;
/** What the mock spends when a Gemini request carries no maximum: the model's own (catalog) maximum. */
const GEMINI_MAX_OUTPUT = 65_536;

const SHAPES = ['max-both', 'gemini-sdk', 'openai-to-gemini', 'no-max-translated', 'no-max-gemini', 'negative'] as const;
type Shape = (typeof SHAPES)[number];
const keyOf = (shape: Shape) => `sk-relay-budget-${shape}-${'0'.repeat(40)}`.slice(0, 49);

/** One request's largest possible reservation: the whole prompt bound plus `maxOutput` tokens. */
function oneReservation(model: Model, maxOutput: number): number {
  return MAX_PROMPT_TOKENS + maxOutput * OUTPUT_PRICE[model];
}

describe.runIf(redisUrl)('daily budgets across two proxies cannot be gamed with maximum fields', () => {
  let mock: MockUpstream;
  const proxies: TestProxy[] = [];
  let usage: UsageReader;
  const events: UsageEvent[] = [];
  beforeAll(async () => {
    mock = await startMockUpstream();
    mock.setDefault({ outputEqualsMax: { whenAbsent: GEMINI_MAX_OUTPUT } });
    const prefix = `budget:${uniqueSuffix()}:`;
    const account = (id: string, platform: 'claude-console' | 'openai' | 'gemini') => ({ id, platform, baseUrl: mock.url, credentials: { kind: 'api-key' as const, apiKey: `up-${id}` } });
    proxies.push(await startTestProxy({
      redisUrl, prefix,
      spec: {
        keys: SHAPES.map((shape) => ({ id: `k-${shape}-${uniqueSuffix()}`, userId: 'u1', key: keyOf(shape), dailyCostLimit: '1' })),
        accounts: [account('anthropic', 'claude-console'), account('openai', 'openai'), account('gemini', 'gemini')],
        prices: Object.entries(OUTPUT_PRICE).map(([model, output]) => ({ model, price: { input: '1', output: String(output) } })),
      },
    }));
    proxies.push(await startTestProxy({ redisUrl, prefix }));
    usage = await usageReader(proxies[0].store);
  }, 60_000);
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await mock?.close();
  });

  const openai = (i: number, shape: Shape) => new OpenAI({ apiKey: keyOf(shape), baseURL: `${proxies[i % 2].url}/v1`, maxRetries: 0 });
  const gemini = (i: number, shape: Shape) => new GoogleGenAI({ apiKey: keyOf(shape), httpOptions: { baseUrl: proxies[i % 2].url } });
  const anthropic = (i: number, shape: Shape) => new Anthropic({ apiKey: keyOf(shape), baseURL: proxies[i % 2].url, maxRetries: 0 });

  /** Status of an SDK call: 200, or the HTTP status of the error it threw. */
  async function status(call: Promise<unknown>): Promise<number> {
    try {
      await call;
      return 200;
    } catch (e) {
      const s = (e as { status?: number; code?: number }).status ?? (e as { code?: number }).code;
      if (typeof s !== 'number') throw e;
      return s;
    }
  }

  /** Spend recorded for a shape's key, once every admitted request's usage event has arrived. */
  async function spentBy(shape: Shape, admitted: number): Promise<number> {
    const mine = () => events.filter((e) => e.apiKeyId.startsWith(`k-${shape}-`));
    while (mine().length < admitted) events.push(...(await usage.next(1, 10_000)));
    expect(mine()).toHaveLength(admitted);
    return mine().reduce((sum, e) => sum + e.totalCost, 0);
  }

  async function expectWithinBudget(shape: Shape, statuses: number[], model: Model, maxOutput: number): Promise<void> {
    const admitted = statuses.filter((s) => s === 200).length;
    expect(admitted).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 402).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 402)).toBe(true);
    const spent = await spentBy(shape, admitted);
    expect(spent).toBeLessThanOrEqual(LIMIT + oneReservation(model, maxOutput));
  }

  it('max_tokens 1 with max_completion_tokens 20000 reserves for 20000 (OpenAI passthrough)', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => status(openai(i, 'max-both').chat.completions.create({
      model: 'gpt-4o', max_tokens: 1, max_completion_tokens: 20_000, messages: [{ role: 'user', content: 'hi' }],
    }))));
    await expectWithinBudget('max-both', statuses, 'gpt-4o', 20_000);
  });

  it('a Gemini client\'s generationConfig.maxOutputTokens is reserved', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => status(gemini(i, 'gemini-sdk').models.generateContent({
      model: 'gemini-2.5-flash', contents: 'hi', config: { maxOutputTokens: 50_000 },
    }))));
    await expectWithinBudget('gemini-sdk', statuses, 'gemini-2.5-flash', 50_000);
  });

  it('an OpenAI body for a Gemini model is translated with the maximum that was reserved', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => status(openai(i, 'openai-to-gemini').chat.completions.create({
      model: 'gemini-2.5-flash', max_tokens: 1, max_completion_tokens: 50_000, messages: [{ role: 'user', content: 'hi' }],
    }))));
    await expectWithinBudget('openai-to-gemini', statuses, 'gemini-2.5-flash', 50_000);
    const sent = mock.requests.filter((r) => r.format === 'gemini' && r.apiKey === 'up-gemini').map((r) => r.body.generationConfig?.maxOutputTokens);
    expect(sent).toContain(50_000);
  });

  it('no maximum at all reserves the model\'s real maximum (OpenAI client, Anthropic upstream gets it as max_tokens)', async () => {
    const before = mock.requests.length;
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => status(openai(i, 'no-max-translated').chat.completions.create({
      model: 'claude-sonnet-4-20250514', messages: [{ role: 'user', content: 'hi' }],
    }))));
    await expectWithinBudget('no-max-translated', statuses, 'claude-sonnet-4-20250514', 64_000);
    expect(mock.requests.slice(before).map((r) => r.body.max_tokens)).toContain(64_000);
  });

  it('no maximum at all on a Gemini request reserves the model\'s maximum output', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => status(gemini(i, 'no-max-gemini').models.generateContent({
      model: 'gemini-2.5-flash', contents: 'hi',
    }))));
    await expectWithinBudget('no-max-gemini', statuses, 'gemini-2.5-flash', GEMINI_MAX_OUTPUT);
  });

  it('a negative maximum is a 400 and reserves nothing for the 49 requests beside it', async () => {
    const before = mock.requests.length;
    const negative = status(anthropic(0, 'negative').messages.create({
      model: 'claude-sonnet-4-20250514', max_tokens: -100_000_000, messages: [{ role: 'user', content: 'hi' }],
    }));
    const normal = Array.from({ length: 49 }, (_, i) => status(anthropic(i + 1, 'negative').messages.create({
      model: 'claude-sonnet-4-20250514', max_tokens: 2000, messages: [{ role: 'user', content: 'hi' }],
    })));
    const [negativeStatus, ...statuses] = await Promise.all([negative, ...normal]);
    expect(negativeStatus).toBe(400);
    await expectWithinBudget('negative', statuses, 'claude-sonnet-4-20250514', 2000);
    expect(mock.requests.slice(before).some((r) => r.body.max_tokens < 0)).toBe(false);
  });
});
