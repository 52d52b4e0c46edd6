import type { WireFormat } from '@relay/core';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SseDecoder } from '../sse-decoder.ts';
import { createUsageCollector, usageFromResponse } from './index.ts';

const UPSTREAM = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'upstream');

describe('usageFromResponse', () => {
  it('splits OpenAI cached tokens out of prompt_tokens', () => {
    expect(usageFromResponse('openai', { usage: { prompt_tokens: 1200, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 1024 } } }))
      .toEqual({ inputTokens: 176, outputTokens: 7, cacheCreationInputTokens: 0, cacheReadInputTokens: 1024 });
  });
  it('reads Anthropic usage as is', () => {
    expect(usageFromResponse('anthropic', { usage: { input_tokens: 25, output_tokens: 9, cache_creation_input_tokens: 100, cache_read_input_tokens: 2048 } }))
      .toEqual({ inputTokens: 25, outputTokens: 9, cacheCreationInputTokens: 100, cacheReadInputTokens: 2048 });
  });
  it('counts Gemini thoughts as output and cached content as cache reads', () => {
    expect(usageFromResponse('gemini', { usageMetadata: { promptTokenCount: 1500, candidatesTokenCount: 8, thoughtsTokenCount: 31, cachedContentTokenCount: 1024 } }))
      .toEqual({ inputTokens: 476, outputTokens: 39, cacheCreationInputTokens: 0, cacheReadInputTokens: 1024 });
  });
  it('returns null for a body without usage', () => {
    expect(usageFromResponse('openai', { error: { message: 'x' } })).toBeNull();
  });
});

describe('createUsageCollector', () => {
  it.each<[string, WireFormat, object, boolean]>([
    ['openai-text.sse', 'openai', { inputTokens: 176, outputTokens: 7, cacheCreationInputTokens: 0, cacheReadInputTokens: 1024 }, true],
    ['anthropic-text-ping.sse', 'anthropic', { inputTokens: 25, outputTokens: 9, cacheCreationInputTokens: 100, cacheReadInputTokens: 2048 }, true],
    ['anthropic-thinking-tool.sse', 'anthropic', { inputTokens: 480, outputTokens: 89, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 }, true],
    ['gemini-text-thoughts.sse', 'gemini', { inputTokens: 476, outputTokens: 39, cacheCreationInputTokens: 0, cacheReadInputTokens: 1024 }, true],
  ])('collects the final usage of %s', (fixture, format, usage, content) => {
    const c = createUsageCollector(format);
    const d = new SseDecoder();
    for (const ev of [...d.push(readFileSync(join(UPSTREAM, fixture))), ...d.end()]) c.push(ev);
    expect(c.usage()).toEqual(usage);
    expect(c.contentSeen()).toBe(content);
  });

  it('keeps the input usage of an Anthropic stream cut before message_delta (client abort is still billed)', () => {
    const c = createUsageCollector('anthropic');
    c.push({ event: 'message_start', data: JSON.stringify({ type: 'message_start', message: { usage: { input_tokens: 12, output_tokens: 1 } } }) });
    expect(c.contentSeen()).toBe(false);
    c.push({ event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }) });
    expect(c.usage()).toEqual({ inputTokens: 12, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
    expect(c.contentSeen()).toBe(true);
  });
});
