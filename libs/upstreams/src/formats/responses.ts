import { eventJson } from '../event-json.ts';
import type { SseEvent } from '../sse-decoder.ts';
import type { UpstreamError } from '../translate/errors.ts';
import { usageFromResponses } from '../translate/usage-fields.ts';
import type { UsageCollector } from '../types.ts';

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
 * Responses API usage: `usage` of the terminal event's response (stream) or of the JSON body,
 * read by usageFromResponses (cached reads and writes taken out of the input).
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
      const d = eventJson(ev);
      if (d === undefined) return;
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
      const u = usageFromResponses(usage);
      return { inputTokens: u.inputTokens!, outputTokens: u.outputTokens!, cacheCreationInputTokens: u.cacheCreationInputTokens!, cacheReadInputTokens: u.cacheReadInputTokens!, inputKnown: true };
    },
  };
}
