import { eventJson } from '../event-json.ts';
import type { SseEvent } from '../sse-decoder.ts';
import { readUpstreamError, type UpstreamError } from '../translate/errors.ts';
import { usageFromGemini } from '../translate/usage-fields.ts';
import type { UsageCollector } from '../types.ts';

/**
 * Gemini usage from `usageMetadata` (cumulative; the last one wins), read by the same
 * usageFromGemini the translation reports. `promptTokenCount` includes cached content, so
 * input = prompt + tool-use prompt − cached; output includes thinking tokens. Before any
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
      const d = eventJson(ev);
      if (d === undefined) return;
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
      const u = usageFromGemini(meta);
      return { inputTokens: u.inputTokens!, outputTokens: u.outputTokens!, cacheCreationInputTokens: 0, cacheReadInputTokens: u.cacheReadInputTokens!, inputKnown: true };
    },
  };
}
