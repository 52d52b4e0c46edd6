/**
 * Neutral answer → OpenAI Responses API objects: the `response` resource (JSON answers and the
 * snapshots inside stream events), its output items and its usage.
 */
import type { NamespaceIndex } from '../requests/responses.ts';
import type { DetailedUsage, NeutralFinish, NeutralResponse } from '../neutral.ts';

/** What every Responses writer needs: names for ids and the client's namespaced tools. */
export interface ResponsesWriteOptions {
  clientModel: string;
  requestId: string;
  /** Flattened tool name → namespace + name (see requests/responses.ts NAMESPACE_SEPARATOR). */
  namespaces?: NamespaceIndex;
}

/** Responses usage: input_tokens include cached ones (reads and writes), output includes reasoning. */
export function usageToResponses(u: DetailedUsage): Record<string, unknown> {
  const input = u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cacheReadInputTokens, cache_write_tokens: u.cacheCreationInputTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
    total_tokens: input + u.outputTokens,
  };
}

/** A function_call item; a flattened namespaced name is split back into `namespace` + `name`. */
export function functionCallItem(id: string, callId: string, name: string, args: string, status: string, namespaces?: NamespaceIndex): Record<string, unknown> {
  const ns = namespaces?.get(name);
  const item: Record<string, unknown> = { id, type: 'function_call', status, arguments: args, call_id: callId, name: ns ? ns.name : name };
  if (ns) item.namespace = ns.namespace;
  return item;
}

/** Ids of output items derive from the request id, so a translated answer is reproducible. */
export function itemId(prefix: 'msg' | 'fc' | 'rs', requestId: string, index: number): string {
  return `${prefix}_${requestId}_${index}`;
}

/** status + incomplete_details for a finish reason: `length` and content filters end incomplete. */
export function responseStatus(finish: NeutralFinish): { status: 'completed' | 'incomplete'; incomplete_details: { reason: string } | null } {
  if (finish === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** The `response` resource with everything but output, status and usage (shared with stream snapshots). */
export function responseShell(opts: ResponsesWriteOptions, createdAt: number): Record<string, unknown> {
  return {
    id: `resp_${opts.requestId}`,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: opts.clientModel,
    output: [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    truncation: 'disabled',
    usage: null,
    metadata: {},
  };
}

/**
 * Writes a whole Responses answer: a reasoning item for thinking (its text as the summary), one
 * assistant message for the text, one function_call item per call, in the upstream's order.
 */
export function writeResponsesResponse(res: NeutralResponse, opts: ResponsesWriteOptions): any {
  const output: Record<string, unknown>[] = [];
  let text = '';
  let reasoning = '';
  const flush = (): void => {
    if (reasoning) {
      output.push({ id: itemId('rs', opts.requestId, output.length), type: 'reasoning', summary: [{ type: 'summary_text', text: reasoning }] });
      reasoning = '';
    }
    if (text) {
      output.push({
        id: itemId('msg', opts.requestId, output.length), type: 'message', status: 'completed', role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
      });
      text = '';
    }
  };
  for (const p of res.parts) {
    if (p.type === 'thinking') {
      if (text) flush();
      reasoning += p.text;
    } else if (p.type === 'text') {
      if (reasoning) flush();
      text += p.text;
    } else if (p.type === 'tool_call') {
      flush();
      output.push(functionCallItem(itemId('fc', opts.requestId, output.length), p.id, p.name, JSON.stringify(p.args), 'completed', opts.namespaces));
    }
  }
  flush();
  return {
    ...responseShell(opts, Math.floor(Date.now() / 1000)),
    ...responseStatus(res.finish),
    output,
    usage: usageToResponses(res.usage),
  };
}
