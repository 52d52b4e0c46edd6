import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AccountCredentials, Platform, SnapshotAccount, TokenUsage, WireFormat } from '@relay/core';
import type { Endpoint } from './endpoint.ts';
import type { SseEvent } from './sse-decoder.ts';
import type { UpstreamError } from './translate/errors.ts';

/** Everything an adapter needs to build one upstream call. */
export interface UpstreamRequestContext {
  account: SnapshotAccount;
  credentials: AccountCredentials;
  endpoint: Endpoint;
  clientModel: string;
  /** Model id sent upstream (after the account's mapping). */
  upstreamModel: string;
  stream: boolean;
  /** The body in the adapter's wire format (parsed or translated). */
  body: any;
  /**
   * The client's exact bytes when they may be forwarded as sent (same format, nothing to change);
   * null when the body was translated and must be serialised.
   */
  rawBody: Buffer | null;
  clientHeaders: IncomingHttpHeaders;
}

/** One HTTP call to the upstream. */
export interface UpstreamHttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
  /**
   * Stream events the client must not see (e.g. OpenAI's usage chunk when the proxy added
   * `include_usage` on its own). Setting it makes the relay write events instead of raw bytes.
   */
  dropEvent?: (ev: SseEvent) => boolean;
}

/** Turns upstream stream bytes into SSE events (SSE parsing, or Bedrock's binary frames). */
export interface FrameDecoder {
  push(chunk: Buffer): SseEvent[];
  end(): SseEvent[];
  /**
   * Bytes received since the last complete event. In raw passthrough they are held back from the
   * client until their event completes, so a stream that breaks never leaves half an event
   * before the error frame. Absent: every byte is relayed at once.
   */
  openBytes?(): number;
  /** Stream byte offsets at which the events of the last push/end ended (with openBytes: raw passthrough). */
  eventEnds?(): readonly number[];
}

/** Reads token usage from a response as it passes, and after a client abort bills what was produced. */
export interface UsageCollector {
  /** One decoded stream event. */
  event(ev: SseEvent): void;
  /** A whole JSON response body. */
  json(body: unknown): void;
  /** Usage so far; `inputKnown` false when the upstream had not reported input tokens yet. */
  usage(): TokenUsage & { inputKnown: boolean };
  /** The error the upstream reported inside a 2xx stream (Anthropic `event: error`, an error chunk), if any. */
  streamError(): UpstreamError | null;
}

/** One upstream platform: how to call it and how to read what it answers. */
export interface UpstreamAdapter {
  platform: Platform;
  format: WireFormat;
  /**
   * Resolves credentials before the call (OAuth refresh); defaults to the snapshot's. `dispatcher`
   * is the account's egress route, which a token call takes too.
   */
  prepareCredentials?(account: SnapshotAccount, current: AccountCredentials, dispatcher?: Dispatcher): Promise<AccountCredentials>;
  /**
   * The upstream answered 401 to `rejected`: new credentials to retry the request with once, or
   * null (nothing to refresh, or the refresh failed). Only platforms with refreshable tokens.
   */
  refreshRejected?(account: SnapshotAccount, rejected: AccountCredentials, dispatcher?: Dispatcher): Promise<AccountCredentials | null>;
  buildRequest(ctx: UpstreamRequestContext): Promise<UpstreamHttpRequest> | UpstreamHttpRequest;
  createDecoder(): FrameDecoder;
  /** True when stream frames are not SSE and decoded events must be re-serialised for the client. */
  transcodesStream: boolean;
  /** `endpoint` picks the reader when one platform answers in more than one shape (OpenAI's Responses API). */
  createUsageCollector(endpoint?: Endpoint): UsageCollector;
  /** The model id when the account has no mapping for it (Bedrock's built-in ids). */
  defaultModelId?(model: string): string;
}

/** Joins a base URL and a path without doubling slashes. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** The API key of an api-key style credential, or a clear error. */
export function apiKeyOf(c: AccountCredentials): string {
  if (c.kind === 'api-key' || c.kind === 'bedrock-api-key') return c.apiKey;
  if (c.kind === 'oauth') return c.accessToken;
  throw new Error(`credential kind ${c.kind} has no API key`);
}
