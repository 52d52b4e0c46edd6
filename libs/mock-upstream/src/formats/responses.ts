// OpenAI Responses API wire format (POST /v1/responses; Azure: /openai/v1/responses).
import { randomId, type RenderedBody, type RenderedStream, type ReplyPlan, type StreamFrame } from '../reply-plan.ts';

const JSON_TYPE = 'application/json';

/** input_tokens include cached ones; the details split out cache reads and writes. */
function usageOf(plan: ReplyPlan) {
  const input = plan.usage.input + plan.usage.cacheCreation + plan.usage.cacheRead;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: plan.usage.cacheRead, cache_write_tokens: plan.usage.cacheCreation },
    output_tokens: plan.usage.output,
    output_tokens_details: { reasoning_tokens: plan.thinking ? plan.thinkingChunks.length : 0 },
    total_tokens: input + plan.usage.output,
  };
}

interface Ids { response: string; reasoning: string; message: string; calls: string[] }

function idsOf(plan: ReplyPlan): Ids {
  return { response: `resp_${randomId()}`, reasoning: `rs_${randomId()}`, message: `msg_${randomId()}`, calls: plan.toolCalls.map(() => `fc_${randomId()}`) };
}

/** The finished output items in the order the stream announces them: reasoning, message, calls. */
function outputOf(plan: ReplyPlan, ids: Ids): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (plan.thinking) out.push({ id: ids.reasoning, type: 'reasoning', summary: [{ type: 'summary_text', text: plan.thinking }] });
  if (plan.text) {
    out.push({ id: ids.message, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: plan.text, annotations: [], logprobs: [] }] });
  }
  plan.toolCalls.forEach((call, i) => {
    out.push({ id: ids.calls[i], type: 'function_call', status: 'completed', arguments: call.argumentsJson, call_id: call.id, name: call.name });
  });
  return out;
}

function responseOf(plan: ReplyPlan, ids: Ids, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id: ids.response, object: 'response', created_at: Math.floor(plan.receivedAt / 1000), status: 'in_progress',
    error: null, incomplete_details: null, instructions: null, max_output_tokens: null, model: plan.model, output: [],
    parallel_tool_calls: true, previous_response_id: null, reasoning: { effort: null, summary: null }, store: false,
    temperature: 1, text: { format: { type: 'text' } }, tool_choice: 'auto', tools: [], top_p: 1, truncation: 'disabled',
    usage: null, metadata: {}, ...fields,
  };
}

function finalFields(plan: ReplyPlan, ids: Ids): Record<string, unknown> {
  const incomplete = plan.finishReason === 'length';
  return {
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    output: outputOf(plan, ids),
    usage: usageOf(plan),
  };
}

/** The non-streamed `response` object. */
export function renderResponsesJson(plan: ReplyPlan): RenderedBody {
  const ids = idsOf(plan);
  return { status: 200, body: JSON.stringify(responseOf(plan, ids, finalFields(plan, ids))), contentType: JSON_TYPE };
}

/** The event stream, in OpenAI's order; `midStreamError` ends it with `error` + response.failed after the first delta. */
export function renderResponsesStream(plan: ReplyPlan): RenderedStream {
  const ids = idsOf(plan);
  let seq = 0;
  const frames: StreamFrame[] = [];
  const ev = (type: string, fields: Record<string, unknown>, content = false): void => {
    frames.push({ data: `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: seq++ })}\n\n`, content });
  };
  ev('response.created', { response: responseOf(plan, ids, {}) });
  ev('response.in_progress', { response: responseOf(plan, ids, {}) });
  const output = outputOf(plan, ids);
  let index = 0;
  let failed = false;
  const failAfterFirst = (): boolean => {
    if (!plan.midStreamError || failed) return false;
    failed = true;
    ev('error', { code: 'server_error', message: 'The server had an error while processing your request (mock)', param: null });
    ev('response.failed', { response: responseOf(plan, ids, { status: 'failed', error: { code: 'server_error', message: 'mock failure' }, usage: usageOf(plan) }) });
    return true;
  };
  if (plan.thinking) {
    const at = { item_id: ids.reasoning, output_index: index };
    ev('response.output_item.added', { output_index: index, item: { id: ids.reasoning, type: 'reasoning', summary: [] } });
    ev('response.reasoning_summary_part.added', { ...at, summary_index: 0, part: { type: 'summary_text', text: '' } });
    for (const piece of plan.thinkingChunks) {
      ev('response.reasoning_summary_text.delta', { ...at, summary_index: 0, delta: piece }, true);
      if (failAfterFirst()) return { contentType: 'text/event-stream; charset=utf-8', frames };
    }
    ev('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: plan.thinking });
    ev('response.reasoning_summary_part.done', { ...at, summary_index: 0, part: { type: 'summary_text', text: plan.thinking } });
    ev('response.output_item.done', { output_index: index, item: output[index] });
    index++;
  }
  if (plan.text) {
    const at = { item_id: ids.message, output_index: index };
    ev('response.output_item.added', { output_index: index, item: { id: ids.message, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
    ev('response.content_part.added', { ...at, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    for (const piece of plan.textChunks) {
      ev('response.output_text.delta', { ...at, content_index: 0, delta: piece, logprobs: [] }, true);
      if (failAfterFirst()) return { contentType: 'text/event-stream; charset=utf-8', frames };
    }
    ev('response.output_text.done', { ...at, content_index: 0, text: plan.text, logprobs: [] });
    ev('response.content_part.done', { ...at, content_index: 0, part: { type: 'output_text', text: plan.text, annotations: [], logprobs: [] } });
    ev('response.output_item.done', { output_index: index, item: output[index] });
    index++;
  }
  plan.toolCalls.forEach((call, i) => {
    const id = ids.calls[i];
    ev('response.output_item.added', { output_index: index, item: { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: call.id, name: call.name } });
    for (const fragment of call.argumentFragments) ev('response.function_call_arguments.delta', { item_id: id, output_index: index, delta: fragment }, true);
    ev('response.function_call_arguments.done', { item_id: id, output_index: index, name: call.name, arguments: call.argumentsJson });
    ev('response.output_item.done', { output_index: index, item: output[index] });
    index++;
  });
  const final = finalFields(plan, ids);
  ev(final.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: responseOf(plan, ids, final) });
  return { contentType: 'text/event-stream; charset=utf-8', frames };
}
