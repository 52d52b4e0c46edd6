/**
 * Usage objects of each format ⇄ neutral usage. Neutral `inputTokens` excludes cached tokens
 * (Anthropic's meaning), so billing can price fresh input, cache writes and cache reads apart.
 */
import type { DetailedUsage } from './neutral.ts';

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** OpenAI usage: prompt_tokens includes the cached tokens. */
export function usageFromOpenai(u: any): Partial<DetailedUsage> {
  const cached = n(u?.prompt_tokens_details?.cached_tokens);
  const out: Partial<DetailedUsage> = {
    inputTokens: Math.max(0, n(u?.prompt_tokens) - cached),
    outputTokens: n(u?.completion_tokens),
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: cached,
  };
  if (u?.completion_tokens_details?.reasoning_tokens != null) out.reasoningTokens = n(u.completion_tokens_details.reasoning_tokens);
  return out;
}

/** Anthropic usage (message, message_start or message_delta): only the fields present are returned. */
export function usageFromAnthropic(u: any): Partial<DetailedUsage> {
  const out: Partial<DetailedUsage> = {};
  if (u?.input_tokens != null) out.inputTokens = n(u.input_tokens);
  if (u?.output_tokens != null) out.outputTokens = n(u.output_tokens);
  if (u?.cache_creation_input_tokens != null) out.cacheCreationInputTokens = n(u.cache_creation_input_tokens);
  if (u?.cache_read_input_tokens != null) out.cacheReadInputTokens = n(u.cache_read_input_tokens);
  // The 1-hour cache writes are billed at their own price; the split sits under `cache_creation`
  // (absent = none, the same as billing's event omits it).
  const written1h = n(u?.cache_creation?.ephemeral_1h_input_tokens);
  if (written1h > 0) out.cacheCreation1hInputTokens = written1h;
  return out;
}

/**
 * Responses API usage: `input_tokens` includes cached ones (reads, and writes where reported),
 * so fresh input = input − both; output includes reasoning.
 */
export function usageFromResponses(u: any): Partial<DetailedUsage> {
  const cached = n(u?.input_tokens_details?.cached_tokens);
  const written = n(u?.input_tokens_details?.cache_write_tokens);
  const out: Partial<DetailedUsage> = {
    inputTokens: Math.max(0, n(u?.input_tokens) - cached - written),
    outputTokens: n(u?.output_tokens),
    cacheCreationInputTokens: written,
    cacheReadInputTokens: cached,
  };
  if (u?.output_tokens_details?.reasoning_tokens != null) out.reasoningTokens = n(u.output_tokens_details.reasoning_tokens);
  return out;
}

/** Gemini usageMetadata: promptTokenCount includes cached content; thoughts are billed as output. */
export function usageFromGemini(u: any): Partial<DetailedUsage> {
  const cached = n(u?.cachedContentTokenCount);
  const thoughts = n(u?.thoughtsTokenCount);
  const out: Partial<DetailedUsage> = {
    inputTokens: Math.max(0, n(u?.promptTokenCount) + n(u?.toolUsePromptTokenCount) - cached),
    outputTokens: n(u?.candidatesTokenCount) + thoughts,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: cached,
  };
  if (thoughts > 0) out.reasoningTokens = thoughts;
  return out;
}

/** Merges a later report over an earlier one (streams repeat or complete usage as they go). */
export function mergeUsage(into: DetailedUsage, u: Partial<DetailedUsage>): void {
  if (u.inputTokens !== undefined) into.inputTokens = u.inputTokens;
  if (u.outputTokens !== undefined) into.outputTokens = u.outputTokens;
  if (u.cacheCreationInputTokens !== undefined) into.cacheCreationInputTokens = u.cacheCreationInputTokens;
  if (u.cacheReadInputTokens !== undefined) into.cacheReadInputTokens = u.cacheReadInputTokens;
  if (u.reasoningTokens !== undefined) into.reasoningTokens = u.reasoningTokens;
  if (u.cacheCreation1hInputTokens !== undefined) into.cacheCreation1hInputTokens = u.cacheCreation1hInputTokens;
}

/** OpenAI usage: prompt_tokens = input + cache writes + cache reads; cached_tokens = cache reads. */
export function usageToOpenai(u: DetailedUsage): Record<string, unknown> {
  const prompt = u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
  const out: Record<string, unknown> = {
    prompt_tokens: prompt,
    completion_tokens: u.outputTokens,
    total_tokens: prompt + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cacheReadInputTokens },
  };
  if (u.reasoningTokens !== undefined) out.completion_tokens_details = { reasoning_tokens: u.reasoningTokens };
  return out;
}

/** Anthropic usage: the neutral shape is Anthropic's own. */
export function usageToAnthropic(u: DetailedUsage): Record<string, number> {
  return {
    input_tokens: u.inputTokens,
    cache_creation_input_tokens: u.cacheCreationInputTokens,
    cache_read_input_tokens: u.cacheReadInputTokens,
    output_tokens: u.outputTokens,
  };
}

/** Gemini usageMetadata: candidatesTokenCount excludes thoughts, which get their own count. */
export function usageToGemini(u: DetailedUsage): Record<string, number> {
  const prompt = u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
  const thoughts = u.reasoningTokens ?? 0;
  const out: Record<string, number> = {
    promptTokenCount: prompt,
    candidatesTokenCount: Math.max(0, u.outputTokens - thoughts),
    totalTokenCount: prompt + u.outputTokens,
  };
  if (u.cacheReadInputTokens > 0) out.cachedContentTokenCount = u.cacheReadInputTokens;
  if (thoughts > 0) out.thoughtsTokenCount = thoughts;
  return out;
}
