import type { UsageEvent } from '@relay/core';
import type { RecordedRequest } from '@relay/mock-upstream';
import type { PriceSpec, SnapshotSpec } from '@relay/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costAt, startWorld, type SdkWorld } from '../proxy/fixtures.ts';
import { claudeEnv, runCli, tempHome, toolResultOf } from './agent-cli.ts';

const KEY = 'sk-relay-e2e-claude-code-0000000000000000000';
/** The model Claude Code 2.1.197 asks for when none is given (read from its recorded request). */
const DEFAULT_MODEL = 'claude-opus-4-8';
const PRICES: Record<string, PriceSpec> = {
  [DEFAULT_MODEL]: { input: '5', output: '25', cacheWrite: '6.25', cacheRead: '0.5' },
  'gpt-5': { input: '1.25', output: '10', cacheRead: '0.125' },
  'gemini-2.5-pro': { input: '1.25', output: '10', cacheRead: '0.125' },
};
const TOOL_MARK = 'relay-tool-round-trip-ok';

/**
 * Claude Code (the real CLI, 2.1.197) against the proxy, the proxy against the mock: the default
 * Claude model passes through, `--model gpt-5` / `--model gemini-2.5-pro` are translated.
 */
// A CLI process starts in 1–10 s on an idle machine; shared CI machines can be several times slower.
describe('Claude Code through the proxy, on every platform', { timeout: 120_000 }, () => {
  let w: SdkWorld;
  beforeAll(async () => {
    w = await startWorld((mockUrl): SnapshotSpec => ({
      users: [{ id: 'u1' }],
      // Limited to Claude Code: every test below also proves the real CLI's User-Agent is recognised.
      keys: [{ id: 'k1', userId: 'u1', key: KEY, allowedClients: ['claude-code'] }],
      accounts: [
        { id: 'claude-1', platform: 'claude-console', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-ant-upstream-1' } },
        { id: 'openai-1', platform: 'openai', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-openai-1' } },
        { id: 'gemini-1', platform: 'gemini', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'gemini-1' } },
      ],
      prices: Object.entries(PRICES).map(([model, price]) => ({ model, price })),
    }));
  });
  afterAll(async () => w?.close());
  beforeEach(async () => {
    w.mock.reset();
    await w.usage.drain();
  });

  const claude = async (args: string[]) => {
    const t = tempHome();
    try {
      return await runCli('claude', args, { env: claudeEnv(t.home, w.proxy.url, KEY), cwd: t.project });
    } finally {
      t.cleanup();
    }
  };
  /** The conversation turns (requests with tools) the mock saw, in order. */
  const turns = (): RecordedRequest[] => w.mock.requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body ?? {}).includes('"Bash"'));
  const expectBilled = (events: UsageEvent[], model: string, platform: string) => {
    for (const ev of events) {
      expect(ev).toMatchObject({ model, platform, status: 200, clientFormat: 'anthropic', errorType: null });
      expect(ev.totalCost).toBe(costAt(PRICES[model], ev));
    }
  };

  it.each([
    ['the default Claude model', [], DEFAULT_MODEL, 'claude-console', 'anthropic'],
    ['an OpenAI model', ['--model', 'gpt-5'], 'gpt-5', 'openai', 'openai'],
    ['a Gemini model', ['--model', 'gemini-2.5-pro'], 'gemini-2.5-pro', 'gemini', 'gemini'],
  ])('claude -p "say hi" on %s prints the mock\'s answer, billed once', async (_name, modelArgs, model, platform, format) => {
    w.mock.setDefault({ text: `hi from ${model}`, usage: { input: 120, output: 7 } });
    const run = await claude(['-p', 'say hi', ...modelArgs]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(`hi from ${model}`);
    expect(run.code).toBe(0);
    const [turn] = turns();
    expect(turn).toMatchObject({ format, model });
    // Translated: Anthropic's context hints are gone, adaptive thinking at Claude Code's effort is the target's reasoning control.
    if (format === 'openai') expect(turn.body.reasoning_effort).toBe('high');
    if (format === 'gemini') expect(turn.body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 24576, includeThoughts: true });
    if (format !== 'anthropic') expect(turn.rawBody).not.toMatch(/context_management|cache_control/);
    expect(w.mock.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const events = await w.usage.next(1);
    expect(await w.usage.drain()).toEqual([]);
    expect(events[0]).toMatchObject({ inputTokens: 120, outputTokens: 7 });
    expectBilled(events, model, platform);
  });

  it('Bearer auth (ANTHROPIC_AUTH_TOKEN) at the /claude prefix keeps working', async () => {
    w.mock.setDefault({ text: 'bearer works', usage: { input: 50, output: 2 } });
    const t = tempHome();
    try {
      const env = claudeEnv(t.home, `${w.proxy.url}/claude`, KEY);
      delete env.ANTHROPIC_API_KEY;
      const run = await runCli('claude', ['-p', 'say hi'], { env: { ...env, ANTHROPIC_AUTH_TOKEN: KEY }, cwd: t.project });
      expect(run.stdout.trim()).toBe('bearer works');
    } finally {
      t.cleanup();
    }
    expect(w.mock.requests.filter((r) => r.method === 'POST')).toMatchObject([{ path: '/v1/messages', model: DEFAULT_MODEL, apiKey: 'sk-ant-upstream-1' }]);
    const [ev] = await w.usage.next(1);
    expect(ev).toMatchObject({ inputTokens: 50, outputTokens: 2, endpoint: '/v1/messages' });
  });

  it.each([
    ['the default Claude model', [], DEFAULT_MODEL, 'claude-console'],
    ['an OpenAI model', ['--model', 'gpt-5'], 'gpt-5', 'openai'],
    ['a Gemini model', ['--model', 'gemini-2.5-pro'], 'gemini-2.5-pro', 'gemini'],
  ])('a Bash tool round trip on %s', async (_name, modelArgs, model, platform) => {
    // Turn 1: the model calls Bash; turn 2 carries the command's output back and the model repeats it.
    w.mock.setResponder((req) => {
      if (!JSON.stringify(req.body ?? {}).includes('"Bash"')) return undefined;
      const result = toolResultOf(req);
      if (result === null) return { text: '', toolCalls: [{ id: 'toolu_relay_1', name: 'Bash', arguments: { command: `echo ${TOOL_MARK}`, description: 'Print a marker' } }], usage: { input: 200, output: 20 } };
      return { text: `the tool said: ${result.includes(TOOL_MARK) ? TOOL_MARK : 'nothing'}`, usage: { input: 260, output: 9 } };
    });
    const run = await claude(['-p', 'run the marker command', '--allowedTools', 'Bash', ...modelArgs]);
    expect(run.stdout.trim()).toBe(`the tool said: ${TOOL_MARK}`);
    expect(run.code).toBe(0);
    const [first, second] = turns();
    expect(turns()).toHaveLength(2);
    expect(toolResultOf(first)).toBeNull();
    expect(toolResultOf(second)).toContain(TOOL_MARK);
    expect(w.mock.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    const events = await w.usage.next(2);
    expect(await w.usage.drain()).toEqual([]);
    expect(events.map((e) => [e.inputTokens, e.outputTokens])).toEqual([[200, 20], [260, 9]]);
    expectBilled(events, model, platform);
  });
});
