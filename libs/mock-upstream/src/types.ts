import type { MockUnifiedRateLimit } from './unified-rate-limit.ts';

/**
 * Token usage a mock reply reports. `input` is the uncached input; each format expresses the breakdown natively.
 * `cacheCreation1h` is the part of `cacheCreation` written for 1 hour (Anthropic `usage.cache_creation`, sent only when set).
 */
export interface MockUsage { input: number; output: number; cacheCreation?: number; cacheRead?: number; cacheCreation1h?: number }

/** A tool/function call the mock model "makes". */
export interface MockToolCall { id?: string; name: string; arguments: Record<string, unknown> }

/** What the mock answers to one request. Every field is optional; see DEFAULT_TEXT etc. for defaults. */
export interface MockReply {
  /** Default 200; non-2xx → the provider's own error body. */
  status?: number;
  /** Extra response headers (e.g. 'retry-after', 'anthropic-ratelimit-unified-reset'). */
  headers?: Record<string, string>;
  /**
   * Anthropic's unified rate-limit headers (Claude subscription windows), added to the response
   * whatever its status: e.g. `{ fiveHour: { utilization: '0.95', resetsAt } }`, or `status: 'rejected'` with a 429.
   */
  unified?: MockUnifiedRateLimit;
  /**
   * A Claude subscription out of usage (epoch ms of the reset): the reply defaults to status 429
   * with the error message `Claude AI usage limit reached|<unix seconds>` and, unless `unified` is
   * set too, no unified rate-limit headers — the reset is only in the body.
   */
  usageLimitResetsAt?: number;
  /** Default 'Hello from mock'; '' means no text content at all. */
  text?: string;
  /** Reasoning text (anthropic thinking block, openai reasoning_content, gemini thought part). */
  thinking?: string;
  toolCalls?: MockToolCall[];
  /** Default { input: 10, output: <number of text chunks or 5> }. */
  usage?: MockUsage;
  /**
   * Reports as many output tokens as the request allowed — the largest maximum field it carries in
   * its own format (Anthropic/Bedrock `max_tokens`, OpenAI `max_tokens`/`max_completion_tokens`,
   * Gemini `maxOutputTokens` in either spelling) — or `whenAbsent` (the model's own maximum, as a
   * real upstream would use) when it carries none. Overrides `usage.output`.
   */
  outputEqualsMax?: { whenAbsent: number };
  /** Mapped to each format's own stop/finish reason. Default: tool_calls when toolCalls are given, else stop. */
  finishReason?: 'stop' | 'length' | 'tool_calls';
  /** Split text into this many stream chunks (default 5). */
  chunks?: number;
  /** Delay before the response headers. Cancelled when the client goes away. */
  firstByteDelayMs?: number;
  /** Delay between stream frames. */
  chunkDelayMs?: number;
  /** Stream: destroy the socket after this many content chunks. */
  breakAfterChunks?: number;
  /** Stream: end the response normally (no reset) after this many content chunks, as a truncating middlebox does. */
  truncateAfterChunks?: number;
  /** Destroy the socket without any response. */
  refuse?: boolean;
  /** Message used in the error body for non-2xx. */
  errorMessage?: string;
  /** Anthropic stream: include `event: ping` (default true). */
  ping?: boolean;
  /**
   * Stream: fail after the first content chunk, then end, in the provider's own form: Anthropic
   * `event: error` (overloaded_error), Bedrock a modelStreamErrorException frame, OpenAI a
   * `data: {"error":{…}}` chunk (server_error), Gemini a bare `{"error":{code,message,status}}`
   * JSON chunk (503 UNAVAILABLE).
   * Responses stream: `error` + `response.failed` after the first delta.
   */
  midStreamError?: boolean;
}

export type RecordedFormat = 'openai' | 'azure-openai' | 'anthropic' | 'gemini' | 'bedrock' | 'oauth' | 'unknown';

/** One request as the mock received it (recorded before any reply is sent). */
export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  rawBody: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  body: any;
  format: RecordedFormat;
  stream: boolean;
  /** True when the client closed the connection before the response finished. */
  clientClosedEarly: boolean;
  /** Date.now() when the socket closed early. */
  closedAt?: number;
  /** Model named by the path (gemini, bedrock; URL-decoded) or by body.model (openai, anthropic). */
  model?: string;
  /** Azure deployment name from the path. */
  deployment?: string;
  /** The credential presented: x-api-key, x-goog-api-key, api-key, ?key= or the Bearer token. */
  apiKey?: string;
  /** Bedrock only, when the mock was started with bedrockCredentials: whether the SigV4 signature verified. */
  signatureValid?: boolean;
}
