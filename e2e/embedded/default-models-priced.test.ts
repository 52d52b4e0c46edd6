import { spawnSync } from 'node:child_process';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphqlApi } from '../fixtures/graphql-api.ts';
import { REPO_ROOT, startPlatform, type RunningPlatform } from '../fixtures/platform.ts';

// Acceptance for "every agent CLI, unchanged": a fresh embedded install (the real main-embedded.ts,
// a new DATA_DIR, no price typed in) bills the default models of Claude Code, Gemini CLI and Codex at
// the catalog's prices (@pydantic/genai-prices 0.1.8, USD per million tokens). Each expected figure
// below is worked out by hand from those catalog numbers: tokens × USD/Mtok = micro-USD.

interface Case {
  model: string;
  client: 'anthropic' | 'gemini' | 'openai';
  usage: { input: number; output: number; cacheCreation?: number; cacheCreation1h?: number; cacheRead?: number };
  cost: number;
}

// gemini-3.8-flash is 0.75 / 3.75 until 2027-01-01 and 1.5 / 7.5 from then on, in the catalog.
const GEMINI_38_DOUBLES = new Date('2027-01-01T00:00:00Z');

const CASES: Case[] = [
  // Claude Code's default. claude-opus-4-8: input 5, output 25, cache write 6.25 (5 min) / 10 (1 h), cache read 0.5.
  // 1200 × 5 = 6,000; 2000 × 6.25 = 12,500; 1000 × 10 = 10,000; 20000 × 0.5 = 10,000; 800 × 25 = 20,000 → 58,500.
  { model: 'claude-opus-4-8', client: 'anthropic', usage: { input: 1200, output: 800, cacheCreation: 3000, cacheCreation1h: 1000, cacheRead: 20_000 }, cost: 58_500 },
  // `--model sonnet`. claude-sonnet-5: input 2, output 10, cache read 0.2. 1000 × 2 = 2,000; 5000 × 0.2 = 1,000; 300 × 10 = 3,000 → 6,000.
  { model: 'claude-sonnet-5', client: 'anthropic', usage: { input: 1000, output: 300, cacheRead: 5000 }, cost: 6_000 },
  // `haiku` (Claude Code's small fast model). claude-haiku-4-5: input 1, output 5. 700 × 1 = 700; 150 × 5 = 750 → 1,450.
  { model: 'claude-haiku-4-5-20251001', client: 'anthropic', usage: { input: 700, output: 150 }, cost: 1_450 },
  // Gemini CLI's default. gemini-3.1-pro-preview (≤ 200k): input 2, output 12, cache read 0.2.
  // 1500 × 2 = 3,000; 500 × 0.2 = 100; 400 × 12 = 4,800 → 7,900.
  { model: 'gemini-3.1-pro-preview', client: 'gemini', usage: { input: 1500, output: 400, cacheRead: 500 }, cost: 7_900 },
  // Gemini CLI's routing call. gemini-3.5-flash-lite: input 0.3, output 2.5. 900 × 0.3 = 270; 20 × 2.5 = 50 → 320.
  { model: 'gemini-3.5-flash-lite', client: 'gemini', usage: { input: 900, output: 20 }, cost: 320 },
  // gemini-3.8-flash: 2000 × 0.75 = 1,500; 600 × 3.75 = 2,250 → 3,750 (from 2027: 2000 × 1.5 = 3,000; 600 × 7.5 = 4,500 → 7,500).
  { model: 'gemini-3.8-flash', client: 'gemini', usage: { input: 2000, output: 600 }, cost: Date.now() < GEMINI_38_DOUBLES.getTime() ? 3_750 : 7_500 },
  // Codex's default. gpt-5.5 (≤ 272k): input 5, output 30, cached input 0.5. OpenAI reports prompt 3000 with 2000 cached:
  // 1000 × 5 = 5,000; 2000 × 0.5 = 1,000; 100 × 30 = 3,000 → 9,000.
  { model: 'gpt-5.5', client: 'openai', usage: { input: 1000, output: 100, cacheRead: 2000 }, cost: 9_000 },
];

const RECORDS = 'query Records($filter: UsageRecordFilter) { usageRecords(filter: $filter, page: { limit: 50 }) { items { model totalCost baseCost inputTokens cacheCreationInputTokens cacheReadInputTokens outputTokens } } }';
interface UsageRow { model: string; totalCost: string; baseCost: string; inputTokens: number; cacheCreationInputTokens: number; cacheReadInputTokens: number; outputTokens: number }

/** micro-USD as the USD decimal string GraphQL carries: 58500 → "0.058500". */
function usd(micro: number): string {
  return `${Math.trunc(micro / 1_000_000)}.${String(micro % 1_000_000).padStart(6, '0')}`;
}

describe('a fresh embedded install bills the agent CLIs\' default models at the catalog prices', () => {
  let platform: RunningPlatform;
  let admin: GraphqlApi;
  let key: string;

  /** The usage rows of `model`, once the ingester has written `count` of them (it runs in the same process, asynchronously). */
  async function rowsOf(model: string, count: number): Promise<UsageRow[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const data = await admin.request<{ usageRecords: { items: UsageRow[] } }>(RECORDS, { filter: { model } });
      if (data.usageRecords.items.length >= count || Date.now() > deadline) return data.usageRecords.items;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function send(c: Case): Promise<void> {
    platform.mock.enqueue({ usage: c.usage, text: 'ok' });
    const prompt = 'Say ok.';
    if (c.client === 'anthropic') {
      // Claude Code streams its turns.
      const claude = new Anthropic({ apiKey: key, baseURL: platform.baseURL, maxRetries: 0 });
      await claude.messages.stream({ model: c.model, max_tokens: 1024, messages: [{ role: 'user', content: prompt }] }).finalMessage();
    } else if (c.client === 'gemini') {
      const gemini = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: platform.baseURL } });
      for await (const chunk of await gemini.models.generateContentStream({ model: c.model, contents: prompt })) void chunk;
    } else {
      const openai = new OpenAI({ apiKey: key, baseURL: `${platform.baseURL}/v1`, maxRetries: 0 });
      await openai.chat.completions.create({ model: c.model, messages: [{ role: 'user', content: prompt }] });
    }
  }

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['apps/admin/build.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`admin build failed:\n${build.stdout}${build.stderr}`);
    platform = await startPlatform();
    admin = await GraphqlApi.login(platform.baseURL, platform.admin);
    const account = 'mutation CreateAccount($input: CreateAccountInput!) { createAccount(input: $input) { id } }';
    for (const [platformId, apiKey] of [['CLAUDE_CONSOLE', 'sk-ant-upstream'], ['GEMINI', 'gemini-upstream'], ['OPENAI', 'sk-openai-upstream']]) {
      await admin.request(account, { input: { name: `mock ${platformId}`, platform: platformId, apiKey, baseUrl: platform.mock.url } });
    }
    key = (await admin.createApiKey('agent CLIs')).key;
  }, 180_000);
  afterAll(async () => platform?.stop());

  it('no price was typed in: every price is from the catalog and there is no default price', async () => {
    const { modelPrices } = await admin.request<{ modelPrices: { model: string; source: string }[] }>('query Prices { modelPrices { model source } }');
    expect(modelPrices.length).toBeGreaterThan(200);
    expect(modelPrices.filter((p) => p.source !== 'CATALOG')).toEqual([]);
    expect(modelPrices.some((p) => p.model === '*')).toBe(false);
    const unknown = await fetch(`${platform.baseURL}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-nobody-priced-1', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('model_not_priced');
  });

  it.each(CASES)('$model through the $client SDK costs the catalog price', async (c) => {
    await send(c);
    const [row] = await rowsOf(c.model, 1);
    expect(row).toMatchObject({
      inputTokens: c.usage.input, outputTokens: c.usage.output,
      cacheCreationInputTokens: c.usage.cacheCreation ?? 0, cacheReadInputTokens: c.usage.cacheRead ?? 0,
    });
    expect({ totalCost: row.totalCost, baseCost: row.baseCost }).toEqual({ totalCost: usd(c.cost), baseCost: usd(c.cost) });
  });

  it('syncModelPrices after an admin overrode a price keeps the override and reports the counts', async () => {
    await admin.request('mutation Override($i: ModelPriceInput!) { upsertModelPrice(input: $i) { id } }', {
      i: { model: 'claude-sonnet-5', input: '1', output: '5', cacheWrite: '1.25', cacheRead: '0.1' },
    });
    const { modelPrices } = await admin.request<{ modelPrices: { source: string }[] }>('query Prices { modelPrices { source } }');
    const sync = await admin.request<{ syncModelPrices: Record<string, unknown> }>('mutation Sync { syncModelPrices { catalog added updated unchanged manualKept } }');
    expect(sync.syncModelPrices).toEqual({ catalog: '@pydantic/genai-prices 0.1.8', added: 0, updated: 0, manualKept: 1, unchanged: modelPrices.length - 1 });

    // The override is what bills: 1000 × 1 = 1,000; 5000 × 0.1 = 500; 300 × 5 = 1,500 → 3,000 (the catalog would say 6,000).
    await send({ ...CASES[1], cost: 3_000 });
    const rows = await rowsOf('claude-sonnet-5', 2);
    expect(rows.map((r) => r.totalCost).sort()).toEqual([usd(3_000), usd(6_000)]);
  });
});
