import type { SseEvent } from '../../relay/sse-decoder.ts';
import type { UsageCollector } from '../types.ts';
import type { UpstreamError } from '../../translate/errors.ts';

/**
 * The body of a Responses API call passed through to an OpenAI-shaped account: the client's bytes
 * when the model is already the upstream's, else the parsed body with the model replaced. Unlike
 * Chat Completions nothing needs injecting: every Responses stream ends with usage in
 * `response.completed` (or `.incomplete` / `.failed`).
 */
export function responsesBody(body: any, rawBody: Buffer | null, upstreamModel: string): string | Buffer {
  if (rawBody && body?.model === upstreamModel) return rawBody;
  return JSON.stringify({ ...body, model: upstreamModel });
}

/** Stream events that carry generated output: each counts as one token until usage arrives. */
const OUTPUT_DELTAS = new Set([
  'response.output_text.delta', 'response.function_call_arguments.delta', 'response.reasoning_summary_text.delta',
  'response.reasoning_text.delta', 'response.refusal.delta', 'response.custom_tool_call_input.delta',
]);
/** Terminal events whose `response` snapshot carries the usage. */
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

/**
 * Responses API usage: `usage` of the terminal event's response (stream) or of the JSON body.
 * `input_tokens` includes cached ones (reads, and writes where reported), so input = input − both.
 * Before the terminal event (client abort) output is one token per output delta delivered.
 */
export function responsesUsageCollector(): UsageCollector {
  let usage: any = null;
  let deltas = 0;
  let streamError: UpstreamError | null = null;
  return {
    event(ev: SseEvent) {
      // The event name is also inside the data; reading it from the frame skips parsing each delta.
      const type = ev.event;
      if (type && OUTPUT_DELTAS.has(type)) {
        deltas++;
        return;
      }
      if (type && !FINAL_EVENTS.has(type)) return;
      let d: any;
      try { d = JSON.parse(ev.data); } catch { return; }
      if (!type && OUTPUT_DELTAS.has(d?.type)) deltas++;
      else if (FINAL_EVENTS.has(d?.type) && d.response?.usage) usage = d.response.usage;
      // A stream that fails midway says so in an `error` event or a `response.failed` snapshot.
      if (d?.type === 'error') streamError ??= { status: 500, message: String(d.message ?? 'upstream stream error'), upstreamType: String(d.code ?? 'server_error') };
      else if (d?.type === 'response.failed') streamError ??= { status: 500, message: String(d.response?.error?.message ?? 'response failed'), upstreamType: String(d.response?.error?.code ?? 'server_error') };
    },
    json(body: any) {
      if (body?.usage) usage = body.usage;
    },
    streamError: () => streamError,
    usage() {
      if (!usage) return { inputTokens: 0, outputTokens: deltas, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, inputKnown: false };
      const cached = usage.input_tokens_details?.cached_tokens ?? 0;
      const written = usage.input_tokens_details?.cache_write_tokens ?? 0;
      return {
        inputTokens: Math.max(0, (usage.input_tokens ?? 0) - cached - written),
        outputTokens: usage.output_tokens ?? 0,
        cacheCreationInputTokens: written,
        cacheReadInputTokens: cached,
        inputKnown: true,
      };
    },
  };
}
