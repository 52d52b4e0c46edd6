/**
 * Format translation between OpenAI Chat Completions, Anthropic Messages and Gemini generateContent:
 * requests, JSON responses, streams and usage. Pure functions, no I/O. Every direction goes through
 * the neutral model in neutral.ts (one reader and one writer per format and kind).
 */
import type { WireFormat } from '@relay/core';
import { formatSse, type SseEvent } from '../sse-decoder.ts';
import { clientError, readUpstreamError, streamErrorFrame } from './errors.ts';
import type { NeutralRequest, NeutralResponse, StreamWriter } from './neutral.ts';
import { assertFieldsSupported } from './request-fields.ts';
import { readAnthropicRequest, writeAnthropicRequest } from './requests/anthropic.ts';
import { readGeminiRequest, writeGeminiRequest } from './requests/gemini.ts';
import { readOpenaiRequest, writeOpenaiRequest } from './requests/openai.ts';
import { readAnthropicResponse, writeAnthropicResponse } from './responses/anthropic.ts';
import { readGeminiResponse, writeGeminiResponse } from './responses/gemini.ts';
import { readOpenaiResponse, writeOpenaiResponse } from './responses/openai.ts';
import { createAnthropicStreamWriter } from './streams/anthropic.ts';
import { createGeminiStreamWriter } from './streams/gemini.ts';
import { createOpenaiStreamWriter } from './streams/openai.ts';
import { createStreamReader } from './usage.ts';

export { UnsupportedFeatureError } from './errors.ts';
export { DROPPED_FIELDS, UNSUPPORTED_FIELDS, droppedFields } from './request-fields.ts';
export { usageFromResponse, createUsageCollector } from './usage.ts';
/** Usage in one neutral shape (billing). */
export type { NeutralUsage } from './neutral.ts';

/**
 * The output limit of a request as read once by the proxy (limits/request-limits.ts): translators
 * write this figure and never pick a field of the client body themselves.
 */
export interface OutputLimit {
  /** Output tokens the upstream may produce at most (what admission reserved for). */
  maxTokens: number;
  /** The client set a maximum: targets that have a default of their own get the figure only then. */
  clientSet: boolean;
}

/** Options of one request translation. */
export interface TranslateRequestOptions {
  upstreamModel: string;
  stream: boolean;
  output: OutputLimit;
}

function readRequest(format: WireFormat, body: any): NeutralRequest {
  switch (format) {
    case 'openai': return readOpenaiRequest(body);
    case 'anthropic': return readAnthropicRequest(body);
    case 'gemini': return readGeminiRequest(body);
    default: { const never: never = format; return never; }
  }
}

/**
 * Translates a client request body of format `from` into an upstream body of format `to`.
 * Same format: the body is returned untouched (passthrough is the proxy's job). Gemini bodies carry
 * neither model nor stream flag (both go in the URL). The answer limit is `opts.output`: Anthropic
 * (which requires max_tokens) always gets it — the model's maximum when the client set none, the
 * figure admission reserved for — the others only when the client set one (their default is the
 * model's maximum too). Throws {@link UnsupportedFeatureError} for fields the target cannot express.
 */
export function translateRequest(from: WireFormat, to: WireFormat, body: any, opts: TranslateRequestOptions): any {
  if (from === to) return body;
  assertFieldsSupported(from, to, body);
  const req = readRequest(from, body);
  if (opts.output.clientSet || to === 'anthropic') req.maxTokens = opts.output.maxTokens;
  switch (to) {
    case 'openai': return writeOpenaiRequest(req, opts);
    case 'anthropic': return writeAnthropicRequest(req, opts);
    case 'gemini': return writeGeminiRequest(req);
    default: { const never: never = to; return never; }
  }
}

function readResponse(format: WireFormat, body: any): NeutralResponse {
  switch (format) {
    case 'openai': return readOpenaiResponse(body);
    case 'anthropic': return readAnthropicResponse(body);
    case 'gemini': return readGeminiResponse(body);
    default: { const never: never = format; return never; }
  }
}

/**
 * Translates an upstream JSON response into the client's format. An upstream error envelope
 * becomes the client's error envelope. ids derive from `requestId` (`chatcmpl-…`, `msg_…`).
 */
export function translateResponse(upstream: WireFormat, client: WireFormat, body: any, opts: { clientModel: string; requestId: string }): any {
  if (upstream === client) return body;
  const err = readUpstreamError(upstream, body);
  if (err) return clientError(client, err.status, err.message);
  const res = readResponse(upstream, body);
  switch (client) {
    case 'openai': return writeOpenaiResponse(res, opts);
    case 'anthropic': return writeAnthropicResponse(res, opts);
    case 'gemini': return writeGeminiResponse(res, opts);
    default: { const never: never = client; return never; }
  }
}

/** Feeds decoded upstream SSE events; returns client SSE text as soon as there is any. */
export interface StreamTranslator {
  push(ev: SseEvent): string;
  end(): string;
  /** Ends the client stream with an error frame (the upstream broke off); '' when already closed. */
  fail(status: number, message: string): string;
  /** True once the client stream ended with an error frame (upstream error event, `fail`, or no finish reason by the end). */
  failed(): boolean;
}

export { streamErrorFrame } from './errors.ts';

function createStreamWriter(client: WireFormat, opts: { clientModel: string; requestId: string; includeUsage: boolean }): StreamWriter {
  switch (client) {
    case 'openai': return createOpenaiStreamWriter(opts);
    case 'anthropic': return createAnthropicStreamWriter(opts);
    case 'gemini': return createGeminiStreamWriter(opts);
    default: { const never: never = client; return never; }
  }
}

/**
 * Translates a stream event by event. `push` returns the client text produced by one upstream
 * event ('' when it produced none, e.g. a ping or buffered Gemini tool arguments); `end` closes the
 * client stream (OpenAI: optional usage chunk + [DONE]; Anthropic: message_delta + message_stop).
 * An upstream error event becomes the client's error form and ends the client stream; an upstream
 * that ended without a finish reason is reported as an error too. Same format: events are
 * re-serialised unchanged.
 */
export function createStreamTranslator(upstream: WireFormat, client: WireFormat, opts: { clientModel: string; requestId: string; includeUsage: boolean }): StreamTranslator {
  let closed = false;
  let failed = false;
  if (upstream === client) {
    return {
      push: (ev) => (closed ? '' : formatSse(ev)),
      end: () => ((closed = true), ''),
      fail: (status, message) => (closed ? '' : ((closed = failed = true), streamErrorFrame(client, status, message))),
      failed: () => failed,
    };
  }
  let finished = false;
  const reader = createStreamReader(upstream);
  const writer = createStreamWriter(client, opts);
  return {
    push(ev) {
      let out = '';
      if (closed) return '';
      for (const e of reader.push(ev)) {
        out += writer.write(e);
        if (e.type === 'finish') finished = true;
        if (e.type === 'error') closed = failed = true;
      }
      return out;
    },
    end() {
      // Every writer answers an end without a finish reason with an error frame.
      if (!closed && !finished) failed = true;
      closed = true;
      return writer.end();
    },
    fail(status, message) {
      if (closed) return '';
      closed = failed = true;
      return writer.write({ type: 'error', status, message });
    },
    failed: () => failed,
  };
}
