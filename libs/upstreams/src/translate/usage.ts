/** Billing usage read from any format's JSON body or stream, in one neutral shape. */
import type { WireFormat } from '@relay/core';
import type { SseEvent } from '../sse-decoder.ts';
import { ZERO_USAGE, type DetailedUsage, type NeutralUsage, type StreamReader } from './neutral.ts';
import { createAnthropicStreamReader } from './streams/anthropic.ts';
import { createGeminiStreamReader } from './streams/gemini.ts';
import { createOpenaiStreamReader } from './streams/openai.ts';
import { mergeUsage, usageFromAnthropic, usageFromGemini, usageFromOpenai } from './usage-fields.ts';

/** The neutral stream reader of one upstream format. */
export function createStreamReader(format: WireFormat): StreamReader {
  switch (format) {
    case 'openai': return createOpenaiStreamReader();
    case 'anthropic': return createAnthropicStreamReader();
    case 'gemini': return createGeminiStreamReader();
    default: { const never: never = format; return never; }
  }
}

const neutral = (u: DetailedUsage): NeutralUsage => ({
  inputTokens: u.inputTokens,
  outputTokens: u.outputTokens,
  cacheCreationInputTokens: u.cacheCreationInputTokens,
  cacheReadInputTokens: u.cacheReadInputTokens,
  ...(u.cacheCreation1hInputTokens ? { cacheCreation1hInputTokens: u.cacheCreation1hInputTokens } : {}),
});

/**
 * Usage of a JSON response body of `format`; null when the body carries none (e.g. an error body).
 * Input tokens exclude cache reads/writes, which are reported apart (Anthropic's convention).
 */
export function usageFromResponse(format: WireFormat, body: any): NeutralUsage | null {
  const raw = format === 'gemini' ? body?.usageMetadata : body?.usage;
  if (!raw || typeof raw !== 'object') return null;
  const u = { ...ZERO_USAGE };
  switch (format) {
    case 'openai': mergeUsage(u, usageFromOpenai(raw)); break;
    case 'anthropic': mergeUsage(u, usageFromAnthropic(raw)); break;
    case 'gemini': mergeUsage(u, usageFromGemini(raw)); break;
    default: { const never: never = format; return never; }
  }
  return neutral(u);
}

/**
 * Collects usage from a stream of `format` as its events pass by (the relay feeds every decoded
 * event). `contentSeen` tells whether the model produced any text, thinking or tool call yet —
 * billing a client abort before that point is the proxy's decision.
 */
export function createUsageCollector(format: WireFormat): { push(ev: SseEvent): void; usage(): NeutralUsage; contentSeen(): boolean } {
  const reader = createStreamReader(format);
  const u = { ...ZERO_USAGE };
  let seen = false;
  return {
    push(ev) {
      for (const e of reader.push(ev)) {
        if ((e.type === 'start' || e.type === 'usage') && e.usage) mergeUsage(u, e.usage);
        else if (e.type === 'text' || e.type === 'thinking' || e.type === 'tool_start') seen = true;
      }
    },
    usage: () => neutral(u),
    contentSeen: () => seen,
  };
}
