import { eventJson } from '../event-json.ts';
import type { SseEvent } from '../sse-decoder.ts';
import { readUpstreamError, type UpstreamError } from '../translate/errors.ts';
import { usageFromOpenai } from '../translate/usage-fields.ts';
import type { UsageCollector } from '../types.ts';

/**
 * OpenAI chat body for the upstream. A stream gets `stream_options.include_usage` so usage can be
 * billed; `injected` says the client did not ask for it, so its usage chunk must be stripped.
 */
export function openaiBody(body: any, rawBody: Buffer | null, upstreamModel: string, stream: boolean, keepModel = false): { body: string | Buffer; injected: boolean } {
  const needsUsage = stream && body?.stream_options?.include_usage !== true;
  const modelOk = keepModel || body?.model === upstreamModel;
  if (rawBody && modelOk && !needsUsage) return { body: rawBody, injected: false };
  const out = { ...body };
  if (!keepModel) out.model = upstreamModel;
  if (needsUsage) out.stream_options = { ...(body?.stream_options ?? {}), include_usage: true };
  return { body: JSON.stringify(out), injected: needsUsage };
}

/** True for the final usage-only chunk (`choices: []` + usage) of an OpenAI stream. */
export function isOpenAiUsageChunk(ev: SseEvent): boolean {
  if (!ev.data.includes('"usage"')) return false;
  const d = eventJson(ev);
  return Array.isArray(d?.choices) && d.choices.length === 0 && d.usage != null;
}

/**
 * OpenAI usage: the final usage chunk (or the JSON body's `usage`), read by the same
 * usageFromOpenai the translation reports. `prompt_tokens` includes cached tokens, so input = prompt − cached. Before the usage chunk arrives (client abort),
 * output is one token per content/tool/reasoning delta delivered.
 */
export function openaiUsageCollector(): UsageCollector {
  let usage: any = null;
  let deltas = 0;
  let streamError: UpstreamError | null = null;
  const read = (d: any) => {
    if (d?.usage) usage = d.usage;
  };
  return {
    event(ev: SseEvent) {
      if (ev.data === '[DONE]') return;
      const d = eventJson(ev);
      if (d === undefined) return;
      if (d?.error) streamError ??= readUpstreamError('openai', d);
      read(d);
      const delta = d?.choices?.[0]?.delta;
      if (delta && (delta.content || delta.tool_calls || delta.reasoning_content)) deltas++;
    },
    json(body: any) { read(body); },
    streamError: () => streamError,
    usage() {
      if (!usage) return { inputTokens: 0, outputTokens: deltas, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, inputKnown: false };
      const u = usageFromOpenai(usage);
      return { inputTokens: u.inputTokens!, outputTokens: u.outputTokens!, cacheCreationInputTokens: 0, cacheReadInputTokens: u.cacheReadInputTokens!, inputKnown: true };
    },
  };
}
