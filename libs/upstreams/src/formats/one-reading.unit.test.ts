// Billing and translation read an upstream stream's usage once: the relay hands the same event to
// the wire format's usage collector and to the stream translator, the event's JSON is parsed once
// between them, and both report the same tokens (one reading per format, usage-fields.ts).
import type { WireFormat } from '@relay/core';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SseDecoder, type SseEvent } from '../sse-decoder.ts';
import { createStreamTranslator, createUsageCollector } from '../translate/index.ts';
import type { UsageCollector } from '../types.ts';
import { anthropicUsageCollector } from './anthropic.ts';
import { geminiUsageCollector } from './gemini.ts';
import { openaiUsageCollector } from './openai.ts';

const UPSTREAM = join(dirname(fileURLToPath(import.meta.url)), '..', 'translate', '__fixtures__', 'upstream');
const COLLECTORS: Record<WireFormat, () => UsageCollector> = { openai: openaiUsageCollector, anthropic: anthropicUsageCollector, gemini: geminiUsageCollector };
const CLIENT: Record<WireFormat, WireFormat> = { openai: 'anthropic', anthropic: 'openai', gemini: 'openai' };

function events(data: Buffer | string): SseEvent[] {
  const d = new SseDecoder();
  return [...d.push(Buffer.from(data)), ...d.end()];
}

const fixtures = readdirSync(UPSTREAM).filter((f) => !f.includes('error')).map((f) => [f, f.split('-')[0] as WireFormat] as const);

afterEach(() => { vi.restoreAllMocks(); });

describe('one reading of each upstream event', () => {
  it.each(fixtures)('%s: billing and a translated stream parse each event at most once between them', (fixture, format) => {
    const evs = events(readFileSync(join(UPSTREAM, fixture)));
    const collector = COLLECTORS[format]();
    const translator = createStreamTranslator(format, CLIENT[format], { clientModel: 'm', requestId: 'r', includeUsage: true });
    const parse = vi.spyOn(JSON, 'parse');
    for (const ev of evs) {
      collector.event(ev);
      translator.push(ev);
    }
    const upstreamParses = parse.mock.calls.filter(([text]) => evs.some((ev) => ev.data === text)).length;
    expect(upstreamParses).toBeLessThanOrEqual(evs.length);
    expect(upstreamParses).toBeGreaterThan(0);
  });

  it.each(fixtures)('%s: the billing collector reports the tokens the translation reads', (fixture, format) => {
    const evs = events(readFileSync(join(UPSTREAM, fixture)));
    const billing = COLLECTORS[format]();
    const translation = createUsageCollector(format);
    for (const ev of evs) { billing.event(ev); translation.push(ev); }
    const { inputKnown, ...billed } = billing.usage();
    expect(inputKnown).toBe(true);
    expect(billed).toEqual(translation.usage());
  });

  it('bills Anthropic 1-hour cache writes apart, as the translation reads them', () => {
    const usage = { input_tokens: 10, cache_creation_input_tokens: 300, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 }, output_tokens: 1 };
    const evs = events(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { usage } })}\n\nevent: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}\n\n`);
    const billing = anthropicUsageCollector();
    const translation = createUsageCollector('anthropic');
    for (const ev of evs) { billing.event(ev); translation.push(ev); }
    expect(billing.usage()).toEqual({ inputTokens: 10, outputTokens: 7, cacheCreationInputTokens: 300, cacheCreation1hInputTokens: 200, cacheReadInputTokens: 0, inputKnown: true });
    const { inputKnown: _known, ...billed } = billing.usage();
    expect(translation.usage()).toEqual(billed);
  });

  it('bills a Gemini tool-use prompt as input, as the translation reports it', () => {
    const chunk = { candidates: [{ content: { parts: [{ text: 'ok' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 100, toolUsePromptTokenCount: 40, candidatesTokenCount: 5, cachedContentTokenCount: 20 } };
    const evs = events(`data: ${JSON.stringify(chunk)}\n\n`);
    const billing = geminiUsageCollector();
    const translation = createUsageCollector('gemini');
    for (const ev of evs) { billing.event(ev); translation.push(ev); }
    expect(billing.usage()).toEqual({ inputTokens: 120, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 20, inputKnown: true });
    expect(translation.usage()).toEqual({ inputTokens: 120, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 20 });
  });
});
