import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { WireFormat } from '@relay/core';
import { ProxyError } from './proxy-error.ts';
import { MAX_ACCEPTED_TOKENS, readOutputLimit, readRequestLimits } from './request-limits.ts';

const MODEL_MAX = 64_000;

function refusal(format: WireFormat, body: Record<string, unknown>): ProxyError | null {
  try {
    readOutputLimit(format, body, MODEL_MAX);
    return null;
  } catch (e) {
    return e as ProxyError;
  }
}

describe('Responses API limits (endpoint responses)', () => {
  const read = (body: Record<string, unknown>) => readRequestLimits('openai', 'responses', body, 400, MODEL_MAX);
  it('reads max_output_tokens, or reserves the model maximum without it; reasoning.effort adds its budget', () => {
    expect(read({ max_output_tokens: 700 }).output).toEqual({ maxTokens: 700, clientSet: true });
    expect(read({ input: 'x' }).output).toEqual({ maxTokens: MODEL_MAX, clientSet: false });
    expect(read({ max_output_tokens: 1000, reasoning: { effort: 'high' } }).output.maxTokens).toBe(25_576);
    expect(read({ max_output_tokens: 1000, reasoning: { effort: 'none' } }).output.maxTokens).toBe(1000);
    // Chat Completions fields mean nothing here.
    expect(read({ max_tokens: 5, n: 4 })).toMatchObject({ output: { maxTokens: MODEL_MAX }, choices: 1 });
  });
  it.each([
    [{ max_output_tokens: 0 }, 'max_output_tokens'],
    [{ max_output_tokens: '100' }, 'max_output_tokens'],
    [{ max_output_tokens: 1e12 }, 'max_output_tokens'],
    [{ reasoning: { effort: 3 } }, 'reasoning.effort'],
  ])('refuses %j naming %s', (body, field) => {
    expect(() => read(body)).toThrow(ProxyError);
    expect(() => read(body)).toThrow(field);
  });
});

describe('readOutputLimit (the one reading of a request\'s output limit)', () => {
  it('takes the largest maximum the upstream might honour', () => {
    expect(readOutputLimit('openai', { max_tokens: 1, max_completion_tokens: 20_000 }, MODEL_MAX)).toEqual({ maxTokens: 20_000, clientSet: true });
    expect(readOutputLimit('openai', { max_tokens: 900, max_completion_tokens: null }, MODEL_MAX)).toEqual({ maxTokens: 900, clientSet: true });
    expect(readOutputLimit('anthropic', { max_tokens: 300 }, MODEL_MAX)).toEqual({ maxTokens: 300, clientSet: true });
    expect(readOutputLimit('gemini', { generationConfig: { maxOutputTokens: 50 }, generation_config: { max_output_tokens: 8000 } }, MODEL_MAX).maxTokens).toBe(8000);
  });

  it('reserves the model\'s real maximum when the client set none', () => {
    for (const format of ['openai', 'anthropic', 'gemini'] as const) expect(readOutputLimit(format, {}, MODEL_MAX)).toEqual({ maxTokens: MODEL_MAX, clientSet: false });
  });

  it('adds a thinking budget at or above the answer limit on top of it (as the Anthropic translation sends it)', () => {
    expect(readOutputLimit('openai', { max_tokens: 1000, reasoning_effort: 'high' }, MODEL_MAX).maxTokens).toBe(25_576);
    expect(readOutputLimit('gemini', { generationConfig: { maxOutputTokens: 300, thinkingConfig: { thinkingBudget: 20_000 } } }, MODEL_MAX).maxTokens).toBe(20_300);
    expect(readOutputLimit('anthropic', { max_tokens: 30_000, thinking: { type: 'enabled', budget_tokens: 20_000 } }, MODEL_MAX).maxTokens).toBe(30_000);
  });

  it("reads Claude Code's adaptive thinking at its effort (default high) as that effort's budget", () => {
    expect(readOutputLimit('anthropic', { max_tokens: 1000, thinking: { type: 'adaptive' } }, MODEL_MAX).maxTokens).toBe(25_576);
    expect(readOutputLimit('anthropic', { max_tokens: 1000, thinking: { type: 'adaptive' }, output_config: { effort: 'low' } }, MODEL_MAX).maxTokens).toBe(2024);
    expect(readOutputLimit('anthropic', { max_tokens: 64_000, thinking: { type: 'adaptive' }, output_config: { effort: 'high' } }, MODEL_MAX).maxTokens).toBe(64_000);
  });

  it('embeddings and token counting reserve no output, whatever the body says', () => {
    for (const endpoint of ['embeddings', 'embed_content', 'batch_embed_contents', 'gemini_count_tokens', 'count_tokens'] as const) {
      const format: WireFormat = endpoint === 'embeddings' ? 'openai' : endpoint === 'count_tokens' ? 'anthropic' : 'gemini';
      const limits = readRequestLimits(format, endpoint, { input: 'x'.repeat(400), max_tokens: 500 }, 400, MODEL_MAX);
      expect(limits.output.maxTokens).toBe(0);
      expect(limits.inputTokens).toBe(100);
    }
    expect(readRequestLimits('openai', 'chat', { max_tokens: 500 }, 400, MODEL_MAX).output.maxTokens).toBe(500);
  });

  it.each([
    ['openai', { max_tokens: 1.5 }, 'max_tokens'],
    ['openai', { max_completion_tokens: 1e20 }, 'max_completion_tokens'],
    ['openai', { max_tokens: -100_000_000 }, 'max_tokens'],
    ['anthropic', { max_tokens: 1e300 }, 'max_tokens'],
    ['anthropic', { max_tokens: 'abc' }, 'max_tokens'],
    ['anthropic', { max_tokens: 0 }, 'max_tokens'],
    ['anthropic', { max_tokens: 10, thinking: { type: 'enabled', budget_tokens: 2.5 } }, 'thinking.budget_tokens'],
    ['gemini', { generationConfig: { maxOutputTokens: -5 } }, 'generationConfig.maxOutputTokens'],
    ['gemini', { generationConfig: { maxOutputTokens: '100' } }, 'generationConfig.maxOutputTokens'],
    ['gemini', { generation_config: { max_output_tokens: 1.5 } }, 'generation_config.max_output_tokens'],
  ] as const)('%s %j → 400 naming the field', (format, body, field) => {
    const e = refusal(format, body);
    expect(e).toBeInstanceOf(ProxyError);
    expect(e!.status).toBe(400);
    expect(e!.message).toContain(field);
  });

  it('for any JSON value either refuses with a 400 or answers an integer in [1, 2×MAX_ACCEPTED_TOKENS]', () => {
    fc.assert(fc.property(fc.constantFrom('openai', 'anthropic', 'gemini') as fc.Arbitrary<WireFormat>, fc.jsonValue(), fc.jsonValue(), (format, a, b) => {
      const body = { max_tokens: a, max_completion_tokens: b, generationConfig: { maxOutputTokens: a, thinkingConfig: { thinkingBudget: b } }, thinking: { type: 'enabled', budget_tokens: b }, reasoning_effort: b };
      try {
        const { maxTokens } = readOutputLimit(format, body, MODEL_MAX);
        expect(Number.isSafeInteger(maxTokens) && maxTokens >= 1 && maxTokens <= 2 * MAX_ACCEPTED_TOKENS).toBe(true);
      } catch (e) {
        expect((e as ProxyError).status).toBe(400);
      }
    }));
  });

  it('count_tokens produces no output and reserves none', () => {
    expect(readRequestLimits('anthropic', 'count_tokens', { max_tokens: 100 }, 400, MODEL_MAX)).toEqual({ output: { maxTokens: 0, clientSet: true }, choices: 1, inputTokens: 100 });
  });

  it('counts every answer a passthrough body asks for (OpenAI n, Gemini candidateCount)', () => {
    expect(readRequestLimits('openai', 'chat', { max_tokens: 100, n: 8 }, 40, MODEL_MAX).choices).toBe(8);
    expect(readRequestLimits('gemini', 'generate', { generationConfig: { candidateCount: 3 }, generation_config: { candidate_count: 5 } }, 40, MODEL_MAX).choices).toBe(5);
    expect(readRequestLimits('anthropic', 'messages', { max_tokens: 100, n: 8 }, 40, MODEL_MAX).choices).toBe(1);
    for (const n of [0, 1.5, 129, 'abc']) expect(() => readRequestLimits('openai', 'chat', { n }, 40, MODEL_MAX)).toThrow(/\bn must be an integer between 1 and 128/);
  });
});
