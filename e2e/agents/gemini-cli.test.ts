import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UsageEvent } from '@relay/core';
import type { MockReply, RecordedRequest } from '@relay/mock-upstream';
import type { PriceSpec, SnapshotSpec } from '@relay/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costAt, startWorld, type SdkWorld } from '../proxy/fixtures.ts';
import { geminiEnv, runCli, tempHome, toolResultOf } from './agent-cli.ts';

const KEY = 'sk-relay-e2e-gemini-cli-00000000000000000000';
/**
 * Gemini CLI 0.61.0's default ("auto") model, as recorded: a classifier call to the lite model picks
 * the main model (a simple prompt → the flash model); the pro model is the one it counts media tokens with.
 */
const ROUTER_MODEL = 'gemini-3.5-flash-lite';
const MAIN_MODEL = 'gemini-3.8-flash';
const COUNT_MODEL = 'gemini-3.1-pro-preview';
const PRICES: Record<string, PriceSpec> = {
  [ROUTER_MODEL]: { input: '0.1', output: '0.4' },
  [MAIN_MODEL]: { input: '0.3', output: '2.5' },
  [COUNT_MODEL]: { input: '2', output: '12' },
};
const TOOL_MARK = 'relay-gemini-tool-ok';
/** A 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** The router's structured answer (the CLI retries, with back-off, anything that is not this JSON). */
const isRouterCall = (req: RecordedRequest) => req.body?.generationConfig?.responseMimeType === 'application/json';
const ROUTER_REPLY: MockReply = { text: JSON.stringify({ complexity_reasoning: 'A greeting.', complexity_score: 5 }), usage: { input: 300, output: 12 } };

// Gemini CLI takes about 10 s to start and answer on an idle machine; shared CI machines can be several times slower.
describe('Gemini CLI through the proxy', { timeout: 120_000 }, () => {
  let w: SdkWorld;
  beforeAll(async () => {
    w = await startWorld((mockUrl): SnapshotSpec => ({
      users: [{ id: 'u1' }],
      // Limited to Gemini CLI: every test below also proves the real CLI's User-Agent is recognised.
      // Limited to Gemini CLI: every test below also proves the real CLI's User-Agent is recognised.
      keys: [{ id: 'k1', userId: 'u1', key: KEY, allowedClients: ['gemini-cli'] }],
      accounts: [{ id: 'gemini-1', platform: 'gemini', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'gemini-upstream-1' } }],
      prices: Object.entries(PRICES).map(([model, price]) => ({ model, price })),
    }));
  });
  afterAll(async () => w?.close());
  beforeEach(async () => {
    w.mock.reset();
    await w.usage.drain();
  });

  const gemini = async (args: string[], files: Record<string, Buffer> = {}) => {
    const t = tempHome();
    try {
      for (const [name, bytes] of Object.entries(files)) writeFileSync(join(t.project, name), bytes);
      return await runCli('gemini', args, { env: geminiEnv(t.home, w.proxy.url, KEY), cwd: t.project });
    } finally {
      t.cleanup();
    }
  };
  const mainTurns = () => w.mock.requests.filter((r) => r.path.endsWith(':streamGenerateContent'));
  /** One usage event per upstream generation request, each at its model's price; nothing else. */
  const expectOneEventPerGeneration = async (): Promise<UsageEvent[]> => {
    const generations = w.mock.requests.filter((r) => /:(generateContent|streamGenerateContent)$/.test(r.path));
    const events = await w.usage.next(generations.length);
    expect(await w.usage.drain()).toEqual([]);
    expect(events.map((e) => e.model).sort()).toEqual(generations.map((r) => r.model).sort());
    for (const ev of events) {
      expect(ev).toMatchObject({ platform: 'gemini', clientFormat: 'gemini', status: 200, errorType: null });
      expect(ev.totalCost).toBe(costAt(PRICES[ev.model], ev));
    }
    return events;
  };

  it('gemini -p "say hi" with its default model prints the mock\'s answer; router and answer billed once each', async () => {
    w.mock.setResponder((req) => (isRouterCall(req) ? ROUTER_REPLY : { text: 'hi from the relay', usage: { input: 900, output: 4 } }));
    const run = await gemini(['-p', 'say hi']);
    expect(run.stdout.trim()).toBe('hi from the relay');
    expect(run.code).toBe(0);
    expect(w.mock.requests.map((r) => `${r.model} ${r.path.split(':')[1]}`)).toEqual([`${ROUTER_MODEL} generateContent`, `${MAIN_MODEL} streamGenerateContent`]);
    expect(mainTurns()[0].query.alt).toBe('sse');
    const events = await expectOneEventPerGeneration();
    expect(events.find((e) => e.model === MAIN_MODEL)).toMatchObject({ inputTokens: 900, outputTokens: 4, stream: true });
  });

  it('a shell tool round trip with --approval-mode yolo', async () => {
    w.mock.setResponder((req) => {
      if (isRouterCall(req)) return ROUTER_REPLY;
      const result = toolResultOf(req);
      if (result === null) return { text: '', toolCalls: [{ name: 'run_shell_command', arguments: { command: `echo ${TOOL_MARK}`, description: 'Print a marker' } }], usage: { input: 1000, output: 15 } };
      return { text: `the shell said: ${result.includes(TOOL_MARK) ? TOOL_MARK : 'nothing'}`, usage: { input: 1100, output: 8 } };
    });
    const run = await gemini(['-p', 'run the marker command', '--approval-mode', 'yolo']);
    expect(run.stdout).toContain(`the shell said: ${TOOL_MARK}`);
    expect(run.code).toBe(0);
    const turns = mainTurns();
    expect(turns).toHaveLength(2);
    expect(turns[0].body.tools[0].functionDeclarations.map((d: any) => d.name)).toContain('run_shell_command');
    expect(toolResultOf(turns[0])).toBeNull();
    expect(toolResultOf(turns[1])).toContain(TOOL_MARK);
    const events = await expectOneEventPerGeneration();
    expect(events.filter((e) => e.model === MAIN_MODEL).map((e) => [e.inputTokens, e.outputTokens])).toEqual([[1000, 15], [1100, 8]]);
  });

  it('a media prompt (@pic.png): the CLI\'s countTokens is answered by the upstream, not 404, and not billed', async () => {
    w.mock.setResponder((req) => {
      if (req.path.endsWith(':countTokens')) return { usage: { input: 1290, output: 0 } };
      return isRouterCall(req) ? ROUTER_REPLY : { text: 'a tiny picture', usage: { input: 1500, output: 3 } };
    });
    const run = await gemini(['-p', 'describe @pic.png'], { 'pic.png': Buffer.from(PNG, 'base64') });
    expect(run.stdout.trim()).toBe('a tiny picture');
    expect(run.code).toBe(0);
    const count = w.mock.requests.find((r) => r.path.endsWith(':countTokens'));
    expect(count).toMatchObject({ model: COUNT_MODEL, apiKey: 'gemini-upstream-1' });
    expect(JSON.stringify(count!.body)).toContain(PNG);
    expect(mainTurns()[0].body.contents.at(-1).parts.some((p: any) => p.inlineData?.data === PNG)).toBe(true);
    const events = await expectOneEventPerGeneration();
    expect(events.map((e) => e.model)).not.toContain(COUNT_MODEL);
  });
});
