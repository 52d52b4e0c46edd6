// Anthropic Messages wire format. Bedrock reuses the message JSON and the stream events.
import { randomId, type RenderedBody, type RenderedStream, type ReplyPlan, type StreamFrame } from '../reply-plan.ts';

const JSON_TYPE = 'application/json';

const STOP_REASONS = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const;

/** One Anthropic stream event; `content` marks deltas that carry model output. */
export interface AnthropicEvent { type: string; data: Record<string, unknown>; content: boolean }

function toolUseId(id: string): string {
  return id.startsWith('toolu_') ? id : `toolu_${id.replace(/^call_/, '')}`;
}

function usageOf(plan: ReplyPlan) {
  return {
    input_tokens: plan.usage.input,
    cache_creation_input_tokens: plan.usage.cacheCreation,
    cache_read_input_tokens: plan.usage.cacheRead,
    ...(plan.usage.cacheCreation1h ? {
      cache_creation: { ephemeral_5m_input_tokens: plan.usage.cacheCreation - plan.usage.cacheCreation1h, ephemeral_1h_input_tokens: plan.usage.cacheCreation1h },
    } : {}),
    output_tokens: plan.usage.output,
  };
}

/** The Anthropic `message` object (non-streamed Messages API reply, and Bedrock invoke reply). */
export function anthropicMessage(plan: ReplyPlan): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (plan.thinking) content.push({ type: 'thinking', thinking: plan.thinking, signature: `sig_${randomId()}` });
  if (plan.text) content.push({ type: 'text', text: plan.text });
  for (const call of plan.toolCalls) {
    content.push({ type: 'tool_use', id: toolUseId(call.id), name: call.name, input: call.arguments ?? {} });
  }
  return {
    id: `msg_${randomId()}`,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content,
    stop_reason: STOP_REASONS[plan.finishReason],
    stop_sequence: null,
    usage: usageOf(plan),
  };
}

/** POST /v1/messages without stream. */
export function renderAnthropicJson(plan: ReplyPlan): RenderedBody {
  return { status: 200, body: JSON.stringify(anthropicMessage(plan)), contentType: JSON_TYPE };
}

/**
 * The Messages stream as events, in the order the real API sends them: message_start, then per block
 * content_block_start / deltas / content_block_stop (ping after the first block start), message_delta,
 * message_stop. With midStreamError the stream ends with an `error` event after the first content delta.
 */
export function anthropicEvents(plan: ReplyPlan, options: { ping: boolean }): AnthropicEvent[] {
  const events: AnthropicEvent[] = [];
  const push = (type: string, data: Record<string, unknown>, content = false) => events.push({ type, data: { type, ...data }, content });
  push('message_start', {
    message: {
      id: `msg_${randomId()}`, type: 'message', role: 'assistant', model: plan.model, content: [],
      stop_reason: null, stop_sequence: null, usage: { ...usageOf(plan), output_tokens: 1 },
    },
  });
  let index = 0;
  let pinged = !options.ping;
  const startBlock = (block: Record<string, unknown>) => {
    push('content_block_start', { index, content_block: block });
    if (!pinged) {
      push('ping', {});
      pinged = true;
    }
  };
  let failed = false;
  const delta = (value: Record<string, unknown>) => {
    push('content_block_delta', { index, delta: value }, true);
    if (plan.midStreamError && !failed) {
      failed = true;
      push('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
    }
  };
  if (plan.thinking) {
    startBlock({ type: 'thinking', thinking: '', signature: '' });
    for (const piece of plan.thinkingChunks) delta({ type: 'thinking_delta', thinking: piece });
    push('content_block_delta', { index, delta: { type: 'signature_delta', signature: `sig_${randomId()}` } });
    push('content_block_stop', { index });
    index++;
  }
  if (plan.text) {
    startBlock({ type: 'text', text: '' });
    for (const piece of plan.textChunks) delta({ type: 'text_delta', text: piece });
    push('content_block_stop', { index });
    index++;
  }
  for (const call of plan.toolCalls) {
    startBlock({ type: 'tool_use', id: toolUseId(call.id), name: call.name, input: {} });
    // The real API opens with an empty fragment before the JSON pieces.
    delta({ type: 'input_json_delta', partial_json: '' });
    for (const fragment of call.argumentFragments) delta({ type: 'input_json_delta', partial_json: fragment });
    push('content_block_stop', { index });
    index++;
  }
  if (!pinged) push('ping', {});
  push('message_delta', {
    delta: { stop_reason: STOP_REASONS[plan.finishReason], stop_sequence: null },
    usage: { output_tokens: plan.usage.output },
  });
  push('message_stop', {});
  if (failed) {
    // Cut everything after the error event: the real API ends the stream there.
    const errorAt = events.findIndex((event) => event.type === 'error');
    events.length = errorAt + 1;
  }
  return events;
}

/** POST /v1/messages with stream: server-sent events with `event:` lines. */
export function renderAnthropicStream(plan: ReplyPlan): RenderedStream {
  const frames: StreamFrame[] = anthropicEvents(plan, { ping: plan.ping }).map((event) => ({
    data: `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`,
    content: event.content,
  }));
  return { contentType: 'text/event-stream; charset=utf-8', frames };
}

/** POST /v1/messages/count_tokens. */
export function renderAnthropicCountTokens(plan: ReplyPlan): RenderedBody {
  return { status: 200, body: JSON.stringify({ input_tokens: plan.usage.input }), contentType: JSON_TYPE };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 504: 'timeout_error',
  529: 'overloaded_error',
};

/** Anthropic's error type for a status. */
export function anthropicErrorType(status: number): string {
  return ERROR_TYPES[status] ?? (status === 503 ? 'overloaded_error' : 'api_error');
}

/** Anthropic's error body `{type:'error', error:{type,message}, request_id}`. */
export function renderAnthropicError(status: number, message: string): RenderedBody {
  const requestId = `req_${randomId()}`;
  return {
    status,
    headers: { 'request-id': requestId },
    body: JSON.stringify({ type: 'error', error: { type: anthropicErrorType(status), message }, request_id: requestId }),
    contentType: JSON_TYPE,
  };
}
