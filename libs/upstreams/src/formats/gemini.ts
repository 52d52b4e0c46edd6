import type { SseEvent } from '../sse-decoder.ts';
import { readUpstreamError, type UpstreamError } from '../translate/errors.ts';
import type { UsageCollector } from '../types.ts';

/**
 * Gemini usage from `usageMetadata` (cumulative; the last one wins). `promptTokenCount` includes
 * cached content, so input = prompt − cached; output includes thinking tokens. Before any
 * metadata (client abort), output is one token per candidate part delivered.
 */
export function geminiUsageCollector(): UsageCollector {
  let meta: any = null;
  let parts = 0;
  let streamError: UpstreamError | null = null;
  const read = (d: any) => {
    if (d?.usageMetadata) meta = d.usageMetadata;
  };
  return {
    event(ev: SseEvent) {
      let d: any;
      try { d = JSON.parse(ev.data); } catch { return; }
      if (d?.error) streamError ??= readUpstreamError('gemini', d);
      read(d);
      parts += d?.candidates?.[0]?.content?.parts?.length ?? 0;
    },
    json(body: any) {
      if (Array.isArray(body)) for (const b of body) read(b);
      else read(body);
    },
    streamError: () => streamError,
    usage() {
      if (!meta) return { inputTokens: 0, outputTokens: parts, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, inputKnown: false };
      const cached = meta.cachedContentTokenCount ?? 0;
      return {
        inputTokens: Math.max(0, (meta.promptTokenCount ?? 0) - cached),
        outputTokens: (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0),
        cacheCreationInputTokens: 0,
        cacheReadInputTokens: cached,
        inputKnown: true,
      };
    },
  };
}
