import { PLATFORM_FORMAT, UpstreamAddressError, type AccountCredentials, type SnapshotAccount, type UpstreamAddressPolicy, type WireFormat } from '@relay/core';
import { request, type Dispatcher } from 'undici';
import type { Endpoint } from './endpoint.ts';
import type { SseEvent } from './sse-decoder.ts';
import { createStreamReader } from './translate/usage.ts';
import type { OAuthTokenRefresher } from './claude-oauth/token-refresher.ts';
import { EgressDispatchers } from './egress.ts';
import { createAdapterRegistry } from './registry.ts';
import type { UpstreamAdapter, UpstreamHttpRequest } from './types.ts';

/** What one test request through an account produced. */
export interface AccountTestOutcome {
  /** Upstream HTTP status; 0 when no response arrived (connection failed, timeout). */
  status: number;
  /** Wall time from sending the request to the end of the response body. */
  latencyMs: number;
  /**
   * Wall time from sending the request to the first answer text of a streamed test; null for a
   * non-streamed test (the answer arrives whole) and when no text arrived.
   */
  firstTokenMs: number | null;
  /** The answer's text (successful responses only; an error answer's body is never passed on). */
  text: string;
  /** Why the request failed, when it did: status and a short classification (no secret, no upstream text). */
  error: string | null;
}

export interface AccountTestRequest {
  /** The account as it appears in a snapshot (credentials stay ciphertext there; see `credentials`). */
  account: SnapshotAccount;
  /** The account's decrypted credentials. */
  credentials: AccountCredentials;
  /** The model the test asks for (the account's modelMapping applies, as in real traffic). */
  model: string;
  /** Decrypted egress proxy URL, or null for a direct connection. */
  egressProxyUrl?: string | null;
  prompt?: string;
  /** Cap on the answer's length in tokens. @default 64 (non-streamed), 512 (streamed) */
  maxTokens?: number;
  /** Time allowed for the response headers, and between two body chunks. @default 30000 */
  timeoutMs?: number;
  /** Where the account may connect (UPSTREAM_ALLOW_PRIVATE), checked at connect time as in real traffic. */
  addressPolicy: UpstreamAddressPolicy;
}

/** The `error` of an outcome whose request was cancelled by the caller (AbortSignal). */
export const TEST_CANCELLED = 'cancelled';

const DEFAULT_PROMPT = 'Say hello in five words.';
const ERROR_BODY_LIMIT = 64 * 1024;

// The caller passes credentials it has already refreshed, so the OAuth adapter uses them as given.
const passThroughRefresher = { credentials: (_account: SnapshotAccount, current: AccountCredentials) => Promise.resolve(current) } as unknown as OAuthTokenRefresher;
const adapters = createAdapterRegistry({ oauth: passThroughRefresher });

const TEST_ENDPOINT: Record<WireFormat, Endpoint> = { anthropic: 'messages', openai: 'chat', gemini: 'generate' };
const STREAM_ENDPOINT: Record<WireFormat, Endpoint> = { anthropic: 'messages', openai: 'chat', gemini: 'stream_generate' };

function testBody(format: WireFormat, model: string, prompt: string, maxTokens: number, stream: boolean): Record<string, unknown> {
  // Gemini carries model and streaming in the URL; the adapters drop `stream` where the platform
  // wants it elsewhere (Bedrock) and add OpenAI's usage option themselves.
  if (format === 'gemini') return { contents: [{ role: 'user', parts: [{ text: prompt }] }], generationConfig: { maxOutputTokens: maxTokens } };
  const body: Record<string, unknown> = { model, max_tokens: maxTokens, messages: [{ role: 'user', content: prompt }] };
  if (stream) body.stream = true;
  return body;
}

/** The answer text of a non-streamed response in any of the three wire formats. */
function answerText(format: WireFormat, body: any): string {
  if (format === 'anthropic') return (body?.content ?? []).filter((b: any) => b?.type === 'text').map((b: any) => b.text).join('');
  if (format === 'openai') return String(body?.choices?.[0]?.message?.content ?? '');
  return (body?.candidates?.[0]?.content?.parts ?? []).filter((p: any) => typeof p?.text === 'string' && !p.thought).map((p: any) => p.text).join('');
}

const STATUS_CLASSES: [test: (status: number) => boolean, meaning: string][] = [
  [(st) => st === 401 || st === 403, 'authentication failed: check the credentials'],
  [(st) => st === 404, 'not found: check the base URL, deployment or model'],
  [(st) => st === 429, 'rate limited or out of quota'],
  [(st) => st === 400 || st === 422, 'request refused: check the model name'],
  [(st) => st >= 500, 'upstream server error'],
];

/**
 * A short classification of an upstream error answer: its status, what that usually means and the
 * provider's error type when it is a plain identifier (`invalid_api_key`, `not_found_error`). The
 * body's text is never passed on: an account pointed at an internal service must not turn the
 * test into a way of reading that service's answers.
 */
export function classifyUpstreamError(status: number, body: any): string {
  const meaning = STATUS_CLASSES.find(([test]) => test(status))?.[1] ?? 'unexpected answer';
  const type = body?.error?.type ?? body?.error?.status ?? body?.error?.code ?? body?.type;
  const safeType = typeof type === 'string' && /^[A-Za-z][\w.-]{0,63}$/.test(type) && type !== 'error' ? ` (${type})` : '';
  return `upstream answered ${status}: ${meaning}${safeType}`;
}

function parseJson(raw: string): any {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** One test call: the account's adapter, the request in its wire format, and a stopwatch. */
interface PreparedTest {
  adapter: UpstreamAdapter;
  format: WireFormat;
  built: UpstreamHttpRequest;
  dispatchers: EgressDispatchers;
  dispatcher: Dispatcher;
  timeoutMs: number;
  elapsed: () => number;
}

/** Builds the upstream request exactly as real traffic would (URL, headers, signing, model mapping). */
async function prepare(req: AccountTestRequest, stream: boolean): Promise<PreparedTest> {
  const { account, credentials, model } = req;
  const adapter = adapters[account.platform];
  const format = PLATFORM_FORMAT[account.platform];
  const upstreamModel = account.modelMapping[model] ?? adapter.defaultModelId?.(model) ?? model;
  const body = testBody(format, upstreamModel, req.prompt ?? DEFAULT_PROMPT, req.maxTokens ?? (stream ? 512 : 64), stream);
  const timeoutMs = req.timeoutMs ?? 30_000;
  const dispatchers = new EgressDispatchers(Math.min(timeoutMs, 10_000), req.addressPolicy);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const built = await adapter.buildRequest({
      account, credentials, endpoint: (stream ? STREAM_ENDPOINT : TEST_ENDPOINT)[format], clientModel: model, upstreamModel, stream, body, rawBody: null, clientHeaders: {},
    });
    return { adapter, format, built, dispatchers, dispatcher: dispatchers.forAccount(account, req.egressProxyUrl ?? null), timeoutMs, elapsed };
  } catch (e) {
    await dispatchers.close();
    throw e;
  }
}

/** The reason of a request that threw (connection refused, timeout, address policy), without any secret. */
function failureReason(e: unknown): string {
  if (e instanceof UpstreamAddressError) return `request refused: ${e.message}`;
  const code = (e as { code?: string })?.code;
  const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
  return timedOut ? 'upstream timeout' : `request failed: ${code ?? (e as Error)?.message ?? 'unknown error'}`;
}

/** Reads at most `limit` bytes of a body (an error message), discarding the rest. */
async function readCapped(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/**
 * Sends one small non-streamed request through an account with the proxy's own adapter for its
 * platform (same URL, headers, signing and model mapping as real traffic) and reports the status,
 * latency and answer text. Used by the control plane's "test account" action; never throws for
 * upstream failures — they come back as `status`/`error`.
 */
export async function testAccountRequest(req: AccountTestRequest): Promise<AccountTestOutcome> {
  let t: PreparedTest | null = null;
  const started = performance.now();
  try {
    t = await prepare(req, false);
    const { built, format } = t;
    const res = await request(built.url, {
      method: built.method, headers: built.headers, body: built.body, dispatcher: t.dispatcher, headersTimeout: t.timeoutMs, bodyTimeout: t.timeoutMs,
    });
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const parsed = parseJson(ok ? await res.body.text() : await readCapped(res.body, ERROR_BODY_LIMIT));
    return {
      status: res.statusCode,
      latencyMs: t.elapsed(),
      firstTokenMs: null,
      text: ok ? answerText(format, parsed) : '',
      error: ok ? null : classifyUpstreamError(res.statusCode, parsed),
    };
  } catch (e) {
    return { status: 0, latencyMs: t?.elapsed() ?? Math.round(performance.now() - started), firstTokenMs: null, text: '', error: failureReason(e) };
  } finally {
    await t?.dispatchers.close();
  }
}

/**
 * Like {@link testAccountRequest}, but asks for a streamed answer and calls `onText` with each
 * piece of answer text as it arrives (Anthropic `text_delta`, OpenAI `delta.content`, Gemini
 * candidate parts; Bedrock's event stream is decoded by its adapter into Anthropic events).
 * Thinking text is not part of the answer. Aborting `signal` closes the upstream connection at
 * once and resolves with `error: TEST_CANCELLED` and the text received so far. Never throws for
 * upstream failures: an HTTP error, a connection failure or an `error` event inside the stream
 * come back as `status`/`error`.
 */
export async function streamTestAccountRequest(req: AccountTestRequest, onText: (delta: string) => void, signal?: AbortSignal): Promise<AccountTestOutcome> {
  let t: PreparedTest | null = null;
  const started = performance.now();
  let status = 0;
  let text = '';
  let firstTokenMs: number | null = null;
  const elapsed = () => t?.elapsed() ?? Math.round(performance.now() - started);
  const outcome = (error: string | null, overrideText?: string): AccountTestOutcome => ({ status, latencyMs: elapsed(), firstTokenMs, text: overrideText ?? text, error });
  const emit = (delta: string) => {
    if (!delta) return;
    firstTokenMs ??= elapsed();
    text += delta;
    onText(delta);
  };
  try {
    if (signal?.aborted) return outcome(TEST_CANCELLED);
    t = await prepare(req, true);
    const { adapter, built, format } = t;
    const res = await request(built.url, {
      method: built.method, headers: built.headers, body: built.body, dispatcher: t.dispatcher, signal, headersTimeout: t.timeoutMs, bodyTimeout: t.timeoutMs,
    });
    status = res.statusCode;
    if (status < 200 || status >= 300) {
      return outcome(classifyUpstreamError(status, parseJson(await readCapped(res.body, ERROR_BODY_LIMIT))));
    }
    const ctype = String(res.headers['content-type'] ?? '');
    if (!ctype.includes('text/event-stream') && !ctype.includes('amazon.eventstream')) {
      // An upstream that ignored the stream flag: the whole answer at once is still an answer.
      emit(answerText(format, parseJson(await res.body.text())));
      return outcome(null);
    }
    const decoder = adapter.createDecoder();
    const reader = createStreamReader(format);
    let streamError: string | null = null;
    const take = (events: SseEvent[]) => {
      for (const ev of events) {
        for (const e of reader.push(ev)) {
          if (e.type === 'text') emit(e.text);
          else if (e.type === 'error') streamError ??= `upstream stream error: ${e.message}`;
        }
      }
    };
    for await (const chunk of res.body as AsyncIterable<Buffer>) take(decoder.push(chunk));
    take(decoder.end());
    return outcome(streamError);
  } catch (e) {
    if (signal?.aborted) return outcome(TEST_CANCELLED);
    return outcome(failureReason(e));
  } finally {
    await t?.dispatchers.close();
  }
}
