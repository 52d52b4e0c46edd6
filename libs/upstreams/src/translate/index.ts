/**
 * Format translation between OpenAI Chat Completions, Anthropic Messages and Gemini generateContent:
 * requests, JSON responses, streams and usage. Pure functions, no I/O. Every direction goes through
 * the neutral model in neutral.ts (one reader and one writer per format and kind).
 */
import type { WireFormat } from '@relay/core';
import { formatSse, type SseEvent } from '../sse-decoder.ts';
import { clientError, readUpstreamError, streamErrorFrame } from './errors.ts';
import type { NeutralRequest, NeutralResponse, StreamWriter } from './neutral.ts';
import { isTranslatedOperation, jsonArrayStream, translateOperationRequest, translateOperationResponse } from './operations.ts';
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
import { assertResponsesFieldsSupported, namespaceIndexOf, readResponsesRequest } from './requests/responses.ts';
import { writeResponsesResponse } from './responses/responses-api.ts';
import { createResponsesStreamWriter } from './streams/responses.ts';

export { UnsupportedFeatureError } from './errors.ts';
export { DROPPED_FIELDS, UNSUPPORTED_FIELDS, droppedFields } from './request-fields.ts';
export { usageFromResponse, createUsageCollector } from './usage.ts';
export { estimateGeminiCountTokens } from './operations.ts';
/**
 * A client's dialect: one of the wire formats, or OpenAI's Responses API (`/v1/responses`), which
 * shares OpenAI's errors and accounts but has its own request, answer and stream shapes. An OpenAI
 * account serves it as sent; the other formats translate through the neutral model.
 */
export type ClientFormat = WireFormat | 'responses';

/** Per-request options of the answer writers (JSON and stream). */
export interface WriteOptions {
  clientModel: string;
  requestId: string;
  /** The client's request body: the Responses writers read its namespaced tools from it. */
  clientBody?: any;
}

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
  /** The operation (proxy Endpoint); token counting and embeddings have shapes of their own. Default: chat. */
  endpoint?: string;
}

function readRequest(format: ClientFormat, body: any): NeutralRequest {
  switch (format) {
    case 'responses': return readResponsesRequest(body);
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
export function translateRequest(from: ClientFormat, to: WireFormat, body: any, opts: TranslateRequestOptions): any {
  if (from === to) return body;
  if (from !== 'responses' && isTranslatedOperation(opts.endpoint)) return translateOperationRequest(opts.endpoint, from, to, body, opts.upstreamModel);
  if (from === 'responses') assertResponsesFieldsSupported(body, to);
  else assertFieldsSupported(from, to, body);
  const req = readRequest(from, body);
  if (opts.output.clientSet || to === 'anthropic') req.maxTokens = opts.output.maxTokens;
  switch (to) {
    case 'openai': return writeOpenaiRequest(req, opts);
    case 'anthropic': return writeAnthropicRequest(req, opts);
    case 'gemini': return writeGeminiRequest(req, opts.upstreamModel);
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

/** Options of one response translation. */
export interface TranslateResponseOptions extends WriteOptions {
  /** As in TranslateRequestOptions. */
  endpoint?: string;
}

/**
 * Translates an upstream JSON response into the client's format. An upstream error envelope
 * becomes the client's error envelope. ids derive from `requestId` (`chatcmpl-…`, `msg_…`).
 */
export function translateResponse(upstream: WireFormat, client: ClientFormat, body: any, opts: TranslateResponseOptions): any {
  if (upstream === client) return body;
  if (client !== 'responses' && isTranslatedOperation(opts.endpoint)) return translateOperationResponse(opts.endpoint, upstream, client, body, { clientModel: opts.clientModel, requestBody: opts.clientBody });
  const err = readUpstreamError(upstream, body);
  if (err) return clientError(client === 'responses' ? 'openai' : client, err.status, err.message);
  const res = readResponse(upstream, body);
  switch (client) {
    case 'responses': return writeResponsesResponse(res, { ...opts, namespaces: namespaceIndexOf(opts.clientBody?.tools) });
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

function createStreamWriter(client: ClientFormat, opts: WriteOptions & { includeUsage: boolean }): StreamWriter {
  switch (client) {
    case 'responses': return createResponsesStreamWriter({ ...opts, namespaces: namespaceIndexOf(opts.clientBody?.tools) });
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
export function createStreamTranslator(upstream: WireFormat, client: ClientFormat, opts: StreamTranslatorOptions): StreamTranslator {
  const translator = createSseTranslator(upstream, client, opts);
  return opts.jsonArray ? jsonArrayStream(translator) : translator;
}

/** Options of one stream translation. */
export interface StreamTranslatorOptions extends WriteOptions {
  includeUsage: boolean;
  /** A Gemini client that called streamGenerateContent without `alt=sse` gets the JSON array instead of SSE. */
  jsonArray?: boolean;
}

function createSseTranslator(upstream: WireFormat, client: ClientFormat, opts: StreamTranslatorOptions): StreamTranslator {
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
