import type { IncomingHttpHeaders } from 'node:http';
import { eventJson } from '../event-json.ts';
import type { SseEvent } from '../sse-decoder.ts';
import { readUpstreamError, type UpstreamError } from '../translate/errors.ts';
import { usageFromAnthropic } from '../translate/usage-fields.ts';
import type { UsageCollector } from '../types.ts';

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/**
 * The only client headers an Anthropic upstream gets: the client's `anthropic-version` (or the
 * default) and its `anthropic-beta`, merged with betas the platform itself needs.
 */
export function anthropicHeaders(client: IncomingHttpHeaders, extraBetas: string[] = []): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': headerValue(client['anthropic-version']) ?? DEFAULT_ANTHROPIC_VERSION,
  };
  const betas = new Set<string>();
  for (const b of (headerValue(client['anthropic-beta']) ?? '').split(',')) if (b.trim()) betas.add(b.trim());
  for (const b of extraBetas) betas.add(b);
  if (betas.size > 0) h['anthropic-beta'] = [...betas].join(',');
  return h;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * The body to send for an Anthropic upstream: the client's bytes untouched when nothing must
 * change, otherwise the parsed body with the model replaced.
 */
export function anthropicBody(body: any, rawBody: Buffer | null, upstreamModel: string): string | Buffer {
  if (rawBody && body?.model === upstreamModel) return rawBody;
  return JSON.stringify({ ...body, model: upstreamModel });
}

/**
 * Anthropic usage: input and cache tokens (with the 1-hour part of the cache writes) from `message_start`,
 * output from `message_delta` (cumulative), read by the same usageFromAnthropic the translation
 * reports. When the stream ends early (client abort, upstream break) before a
 * `message_delta`, output tokens are counted as one per `content_block_delta` delivered —
 * Anthropic emits deltas of roughly one token, so this bills what the client received.
 */
export function anthropicUsageCollector(): UsageCollector {
  let input = 0, cacheCreation = 0, cacheCreation1h = 0, cacheRead = 0, inputKnown = false;
  let finalOutput: number | null = null;
  let deltas = 0;
  let streamError: UpstreamError | null = null;
  /** Reads one usage object; returns its output tokens when it carries them. */
  const readUsage = (raw: any): number | undefined => {
    if (!raw) return undefined;
    const u = usageFromAnthropic(raw);
    if (u.inputTokens !== undefined) { input = u.inputTokens; inputKnown = true; }
    if (u.cacheCreationInputTokens !== undefined) cacheCreation = u.cacheCreationInputTokens;
    if (u.cacheReadInputTokens !== undefined) cacheRead = u.cacheReadInputTokens;
    if (u.cacheCreation1hInputTokens !== undefined) cacheCreation1h = u.cacheCreation1hInputTokens;
    return u.outputTokens;
  };
  return {
    event(ev: SseEvent) {
      const type = ev.event ?? '';
      if (type === 'content_block_delta') { deltas++; return; }
      if (type !== 'message_start' && type !== 'message_delta' && type !== 'error') return;
      const d = eventJson(ev);
      if (d === undefined) return;
      if (type === 'error') streamError ??= readUpstreamError('anthropic', d) ?? { status: 500, message: 'upstream error', upstreamType: 'api_error' };
      else if (type === 'message_start') readUsage(d?.message?.usage);
      else finalOutput = readUsage(d?.usage) ?? finalOutput;
    },
    json(body: any) {
      finalOutput = readUsage(body?.usage) ?? finalOutput;
    },
    usage() {
      return {
        inputTokens: input, outputTokens: finalOutput ?? deltas, cacheCreationInputTokens: cacheCreation, cacheReadInputTokens: cacheRead,
        ...(cacheCreation1h > 0 ? { cacheCreation1hInputTokens: cacheCreation1h } : {}), inputKnown,
      };
    },
    streamError: () => streamError,
  };
}
