import { PLATFORM_FORMAT, type AccountCredentials, type SnapshotAccount, type WireFormat } from '@relay/core';
import { request } from 'undici';
import type { Endpoint } from './context.ts';
import type { OAuthTokenRefresher } from './upstreams/claude-oauth/token-refresher.ts';
import { EgressDispatchers } from './upstreams/egress.ts';
import { createAdapterRegistry } from './upstreams/registry.ts';

/** What one test request through an account produced. */
export interface AccountTestOutcome {
  /** Upstream HTTP status; 0 when no response arrived (connection failed, timeout). */
  status: number;
  /** Wall time from sending the request to the end of the response body. */
  latencyMs: number;
  /** The answer's text (successful responses), or the upstream's error message. */
  text: string;
  /** Why the request failed, when it did (no secret in it). */
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
  /** @default 30000 */
  timeoutMs?: number;
}

// The caller passes credentials it has already refreshed, so the OAuth adapter uses them as given.
const passThroughRefresher = { credentials: (_account: SnapshotAccount, current: AccountCredentials) => Promise.resolve(current) } as unknown as OAuthTokenRefresher;
const adapters = createAdapterRegistry({ oauth: passThroughRefresher });

const TEST_ENDPOINT: Record<WireFormat, Endpoint> = { anthropic: 'messages', openai: 'chat', gemini: 'generate' };

function testBody(format: WireFormat, model: string, prompt: string): Record<string, unknown> {
  if (format === 'gemini') return { contents: [{ role: 'user', parts: [{ text: prompt }] }], generationConfig: { maxOutputTokens: 64 } };
  return { model, max_tokens: 64, messages: [{ role: 'user', content: prompt }] };
}

/** The answer text of a non-streamed response in any of the three wire formats. */
function answerText(format: WireFormat, body: any): string {
  if (format === 'anthropic') return (body?.content ?? []).filter((b: any) => b?.type === 'text').map((b: any) => b.text).join('');
  if (format === 'openai') return String(body?.choices?.[0]?.message?.content ?? '');
  return (body?.candidates?.[0]?.content?.parts ?? []).filter((p: any) => typeof p?.text === 'string' && !p.thought).map((p: any) => p.text).join('');
}

/** The message of a provider error body (OpenAI, Anthropic, Gemini and Bedrock shapes). */
function errorMessage(body: any, raw: string): string {
  const m = body?.error?.message ?? body?.message ?? body?.error_description;
  return typeof m === 'string' ? m : raw.slice(0, 200);
}

/**
 * Sends one small non-streamed request through an account with the proxy's own adapter for its
 * platform (same URL, headers, signing and model mapping as real traffic) and reports the status,
 * latency and answer text. Used by the control plane's "test account" action; never throws for
 * upstream failures — they come back as `status`/`error`.
 */
export async function testAccountRequest(req: AccountTestRequest): Promise<AccountTestOutcome> {
  const { account, credentials, model } = req;
  const adapter = adapters[account.platform];
  const format = PLATFORM_FORMAT[account.platform];
  const upstreamModel = account.modelMapping[model] ?? adapter.defaultModelId?.(model) ?? model;
  const body = testBody(format, upstreamModel, req.prompt ?? 'Say hello in five words.');
  const timeoutMs = req.timeoutMs ?? 30_000;
  const dispatchers = new EgressDispatchers(Math.min(timeoutMs, 10_000));
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const built = await adapter.buildRequest({
      account, credentials, endpoint: TEST_ENDPOINT[format], clientModel: model, upstreamModel, stream: false, body, rawBody: null, clientHeaders: {},
    });
    const res = await request(built.url, {
      method: built.method,
      headers: built.headers,
      body: built.body,
      dispatcher: dispatchers.forAccount(account, req.egressProxyUrl ?? null),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const raw = await res.body.text();
    let parsed: any;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return {
      status: res.statusCode,
      latencyMs: elapsed(),
      text: ok ? answerText(format, parsed) : errorMessage(parsed, raw),
      error: ok ? null : `upstream answered ${res.statusCode}`,
    };
  } catch (e) {
    const code = (e as { code?: string })?.code;
    const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
    return { status: 0, latencyMs: elapsed(), text: '', error: timedOut ? 'upstream timeout' : `request failed: ${code ?? (e as Error)?.message ?? 'unknown error'}` };
  } finally {
    await dispatchers.close();
  }
}
