import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOutputLimit } from '../../request-limits.ts';
import { translateRequest } from '../index.ts';

/** Claude Code 2.1.197's first request of `claude -p "say hi"`, recorded from the CLI (secrets removed). */
const recorded = JSON.parse(readFileSync(new URL('../__fixtures__/requests/claude-code-2.1.197.json', import.meta.url), 'utf8'));
const body = recorded.body;
const MODEL_MAX_OUTPUT = 128_000;
const translate = (to: 'openai' | 'gemini') =>
  translateRequest('anthropic', to, body, { upstreamModel: to === 'openai' ? 'gpt-5' : 'gemini-2.5-pro', stream: true, output: readOutputLimit('anthropic', body, MODEL_MAX_OUTPUT) });

const toolNames = body.tools.map((t: any) => t.name);
const systemTexts = body.system.map((b: any) => b.text);
const midConversationSystem = body.messages.find((m: any) => m.role === 'system').content as string;

describe("Claude Code's recorded request, translated", () => {
  it('is the request that was refused: context_management, adaptive thinking, effort, a system turn', () => {
    expect(body.context_management.edits[0].type).toMatch(/^clear_thinking_/);
    expect(body.thinking).toEqual({ type: 'adaptive' });
    expect(body.output_config).toEqual({ effort: 'high' });
    expect(recorded.headers['anthropic-beta'].split(',')).toHaveLength(8);
  });

  it('to OpenAI: every tool, the system prompt with the system turn folded in, effort as reasoning_effort', () => {
    const out = translate('openai');
    expect(Object.keys(out).sort()).toEqual(['max_completion_tokens', 'messages', 'model', 'reasoning_effort', 'stream', 'stream_options', 'tools']);
    expect(out.model).toBe('gpt-5');
    expect(out.reasoning_effort).toBe('high');
    expect(out.max_completion_tokens).toBe(64000);
    expect(out.stream_options).toEqual({ include_usage: true });
    expect(out.tools.map((t: any) => t.function.name)).toEqual(toolNames);
    expect(out.tools.every((t: any) => t.type === 'function' && t.function.parameters.type === 'object')).toBe(true);
    expect(out.messages.map((m: any) => m.role)).toEqual(['system', 'user']);
    expect(out.messages[0].content).toBe([...systemTexts, midConversationSystem].join('\n\n'));
    expect(out.messages[1].content).toContain('say hi');
    expect(JSON.stringify(out)).not.toMatch(/cache_control|context_management|clear_thinking/);
  });

  it("to Gemini: adaptive thinking at high effort is a thinking budget, one systemInstruction, one user turn", () => {
    const out = translate('gemini');
    expect(Object.keys(out).sort()).toEqual(['contents', 'generationConfig', 'systemInstruction', 'tools']);
    expect(out.generationConfig).toEqual({ maxOutputTokens: 64000, thinkingConfig: { thinkingBudget: 24576, includeThoughts: true } });
    expect(out.systemInstruction.parts[0].text).toBe([...systemTexts, midConversationSystem].join('\n\n'));
    expect(out.contents.map((c: any) => c.role)).toEqual(['user']);
    expect(out.contents[0].parts.at(-1)).toEqual({ text: 'say hi' });
    expect(out.tools[0].functionDeclarations.map((d: any) => d.name)).toEqual(toolNames);
    expect(JSON.stringify(out)).not.toMatch(/cache_control|context_management|clear_thinking/);
  });

  it('maps thinking enabled with a budget, and an effort without thinking', () => {
    const enabled = { ...body, thinking: { type: 'enabled', budget_tokens: 4000 }, output_config: undefined };
    const output = readOutputLimit('anthropic', enabled, MODEL_MAX_OUTPUT);
    expect(translateRequest('anthropic', 'openai', enabled, { upstreamModel: 'gpt-5', stream: false, output }).reasoning_effort).toBe('medium');
    expect(translateRequest('anthropic', 'gemini', enabled, { upstreamModel: 'g', stream: false, output }).generationConfig.thinkingConfig)
      .toEqual({ thinkingBudget: 4000, includeThoughts: true });
    const effortOnly = { ...body, thinking: undefined, output_config: { effort: 'low' } };
    const out = translateRequest('anthropic', 'openai', effortOnly, { upstreamModel: 'gpt-5', stream: false, output: readOutputLimit('anthropic', effortOnly, MODEL_MAX_OUTPUT) });
    expect(out.reasoning_effort).toBe('low');
  });

  it('adaptive thinking is left out for models without reasoning controls (GPT-4o, Gemini 2.0), kept for those with them', () => {
    const at = (to: 'openai' | 'gemini', upstreamModel: string) =>
      translateRequest('anthropic', to, body, { upstreamModel, stream: true, output: readOutputLimit('anthropic', body, MODEL_MAX_OUTPUT) });
    expect(at('openai', 'gpt-4o')).not.toHaveProperty('reasoning_effort');
    expect(at('openai', 'o3')).toHaveProperty('reasoning_effort', 'high');
    expect(at('gemini', 'gemini-2.0-flash').generationConfig).toEqual({ maxOutputTokens: 64000 });
    expect(at('gemini', 'gemini-3-pro-preview').generationConfig.thinkingConfig).toEqual({ thinkingBudget: 24576, includeThoughts: true });
    // An explicit budget is the client's request, not a hint: it goes out whatever the model.
    const enabled = { ...body, thinking: { type: 'enabled', budget_tokens: 4000 }, output_config: undefined };
    expect(translateRequest('anthropic', 'openai', enabled, { upstreamModel: 'gpt-4o', stream: false, output: readOutputLimit('anthropic', enabled, MODEL_MAX_OUTPUT) })).toHaveProperty('reasoning_effort', 'medium');
  });

  it('still refuses a container or MCP servers the client really uses', () => {
    const opts = { upstreamModel: 'gpt-5', stream: false, output: { maxTokens: 100, clientSet: true } };
    expect(() => translateRequest('anthropic', 'openai', { ...body, mcp_servers: [{ type: 'url', url: 'https://x', name: 'x' }] }, opts)).toThrow(/mcp_servers/);
    expect(() => translateRequest('anthropic', 'gemini', { ...body, container: 'cntr_1' }, opts)).toThrow(/container/);
    expect(() => translateRequest('anthropic', 'openai', { ...body, mcp_servers: [], container: null }, opts)).not.toThrow();
  });
});
