// Codex CLI (@openai/codex, pinned) as the client, unchanged: it speaks only the Responses API. The
// relay serves it from an OpenAI account (passthrough) and, with `-m claude-…` / `-m gemini-…`, from an
// Anthropic or a Gemini account (translated), including a shell tool round trip. The mock plays the model: it answers a
// request that carries a function_call_output with what the tool printed, and a "run" prompt with a
// call of Codex's own shell tool.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockUpstream, type MockReply, type MockUpstream, type RecordedRequest } from '@relay/mock-upstream';
import { startTestProxy, usageReader, type TestProxy, type UsageReader } from '@relay/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEY, sdkSpec } from '../proxy/fixtures.ts';

const CODEX = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'codex');
const CLAUDE = 'claude-sonnet-4-20250514';
const GPT = 'gpt-4o';
const GEMINI = 'gemini-2.5-flash';
/** What the shell prints: not literally in the command, so seeing it proves the command ran. */
const MARKER = 'relay-tool-42';
const COMMAND = 'echo relay-tool-$((40+2))';
const PROMPT = 'run the relay tool check with the shell tool';
const CODEX_TIMEOUT_MS = 90_000;

/** The function_call_output items of a Responses request (what Codex sends back after a tool ran). */
function toolOutputs(req: RecordedRequest): { call_id: string; output: string }[] {
  const input = Array.isArray(req.body?.input) ? req.body.input : [];
  return input.filter((i: any) => i?.type === 'function_call_output').map((i: any) => ({ call_id: i.call_id, output: typeof i.output === 'string' ? i.output : JSON.stringify(i.output) }));
}

/** Tool results as the upstream received them: Responses function_call_output, Anthropic tool_result, Gemini functionResponse. */
function toolResults(req: RecordedRequest): string[] {
  if (req.format === 'anthropic') {
    return (req.body?.messages ?? []).flatMap((m: any) => (Array.isArray(m.content) ? m.content : []))
      .filter((b: any) => b?.type === 'tool_result').map((b: any) => (typeof b.content === 'string' ? b.content : JSON.stringify(b.content)));
  }
  if (req.format === 'gemini') {
    return (req.body?.contents ?? []).flatMap((c: any) => c.parts ?? []).filter((p: any) => p?.functionResponse).map((p: any) => JSON.stringify(p.functionResponse.response));
  }
  return toolOutputs(req).map((o) => o.output);
}

/** The text of the last user turn of either format, to tell the "say hi" prompt from the "run" one. */
function asksToRun(req: RecordedRequest): boolean {
  return JSON.stringify(req.body).includes(PROMPT);
}

/** Codex's shell tool as it declared it (exec_command in 0.171; `shell` in older releases). */
function shellToolName(req: RecordedRequest): string {
  // Responses and Anthropic tools carry `name`; Gemini groups them in functionDeclarations.
  const tools = (req.body?.tools ?? []).flatMap((t: any) => t?.functionDeclarations ?? [t]);
  const names: string[] = tools.map((t: any) => t?.name).filter(Boolean);
  return names.find((n) => n === 'exec_command' || n === 'shell') ?? 'missing-shell-tool';
}

function modelReply(req: RecordedRequest): MockReply {
  const results = toolResults(req);
  if (results.length) return { text: results.some((r) => r.includes(MARKER)) ? `The tool printed ${MARKER}.` : 'The tool failed.', usage: { input: 40, output: 6 } };
  if (asksToRun(req)) {
    const name = shellToolName(req);
    const args = name === 'exec_command' ? { cmd: COMMAND } : { command: ['bash', '-lc', COMMAND] };
    return { text: '', toolCalls: [{ id: req.format === 'anthropic' ? 'toolu_codex_1' : 'call_codex_1', name, arguments: args }], usage: { input: 30, output: 9 } };
  }
  return { text: 'Hi from the relay mock!', usage: { input: 20, output: 5 } };
}

interface CodexRun { code: number | null; stdout: string; stderr: string }

describe('Codex CLI through the relay', { timeout: CODEX_TIMEOUT_MS + 10_000 }, () => {
  let mock: MockUpstream;
  let proxy: TestProxy;
  let usage: UsageReader;
  let home: string;
  beforeAll(async () => {
    mock = await startMockUpstream();
    // The key is limited to Codex: every test below also proves the real CLI's User-Agent is recognised.
    const spec = sdkSpec(mock.url);
    proxy = await startTestProxy({ spec: { ...spec, keys: spec.keys!.map((k) => ({ ...k, allowedClients: ['codex' as const] })) } });
    usage = await usageReader(proxy.store);
    home = mkdtempSync(join(tmpdir(), 'relay-codex-'));
    // A provider table is how Codex is pointed at any Responses endpoint. Hosted web search is off:
    // the relay refuses built-in tools for non-OpenAI models (no other vendor can run them).
    writeFileSync(join(home, 'config.toml'), [
      `model = "${GPT}"`,
      'model_provider = "relay"',
      'web_search = "disabled"',
      '[model_providers.relay]',
      'name = "relay"',
      `base_url = "${proxy.url}/v1"`,
      'env_key = "RELAY_API_KEY"',
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'));
  });
  afterAll(async () => {
    await proxy?.close();
    await mock?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });
  beforeEach(async () => {
    mock.reset();
    mock.setResponder(modelReply);
    await usage.drain();
  });

  function codex(prompt: string, model?: string): Promise<CodexRun> {
    const args = ['exec', '--skip-git-repo-check', '--ephemeral', '-s', 'read-only', ...(model ? ['-m', model] : []), prompt];
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: home, RELAY_API_KEY: KEY, NO_COLOR: '1' };
    // stdin closed: `codex exec` otherwise waits for more prompt text on it.
    const child = spawn(CODEX, args, { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: CODEX_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  const expectOk = (run: CodexRun) => expect(run, `codex stderr:\n${run.stderr}`).toMatchObject({ code: 0 });

  it.each([
    { name: 'OpenAI account (passthrough)', model: undefined, format: 'openai', path: '/v1/responses', platform: 'openai' },
    { name: 'Anthropic account (translated)', model: CLAUDE, format: 'anthropic', path: '/v1/messages', platform: 'claude-console' },
    { name: 'Gemini account (translated)', model: GEMINI, format: 'gemini', path: `/v1beta/models/${GEMINI}:streamGenerateContent`, platform: 'gemini' },
  ])('codex exec "say hi" prints the mock\'s answer — $name', async ({ model, format, path, platform }) => {
    const run = await codex('say hi', model);
    expectOk(run);
    expect(run.stdout).toContain('Hi from the relay mock!');
    expect(mock.requests.map((r) => [r.format, r.path])).toEqual([[format, path]]);
    const [ev] = await usage.next(1);
    expect(ev).toMatchObject({ platform, endpoint: '/v1/responses', inputTokens: 20, outputTokens: 5, status: 200 });
    expect(await usage.drain()).toEqual([]);
  });

  it.each([
    { name: 'OpenAI account', model: undefined, format: 'openai', platform: 'openai' },
    { name: 'Anthropic account', model: CLAUDE, format: 'anthropic', platform: 'claude-console' },
    { name: 'Gemini account', model: GEMINI, format: 'gemini', platform: 'gemini' },
  ])('runs a shell tool call round trip — $name', async ({ model, format, platform }) => {
    const run = await codex(PROMPT, model);
    expectOk(run);
    expect(run.stdout).toContain(`The tool printed ${MARKER}.`);
    expect(mock.requests).toHaveLength(2);
    expect(mock.requests.every((r) => r.format === format)).toBe(true);
    const seen = toolResults(mock.requests[1]);
    expect(seen.join('\n')).toContain(MARKER);
    if (format === 'openai') expect(toolOutputs(mock.requests[1])[0].call_id).toBe('call_codex_1');
    // One usage event per model turn, each with that turn's tokens.
    const events = await usage.next(2);
    expect(events.map((e) => [e.platform, e.inputTokens, e.outputTokens]).sort()).toEqual([[platform, 30, 9], [platform, 40, 6]].sort());
    expect(await usage.drain()).toEqual([]);
  });
});
