import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { MockReply, MockUsage, RecordedRequest } from '@relay/mock-upstream';
import { prng } from '@relay/testkit';

/** mulberry32 (fixed seed), so every run sends the same mix. */
export { prng };

export type WireFormat = 'anthropic' | 'openai';
export type ClientKind = 'sdk' | 'fetch';

export interface ModelSpec {
  model: string;
  format: WireFormat;
  /** USD per million tokens, as given to upsertModelPrice. */
  price: { input: string; output: string; cacheWrite: string; cacheRead: string };
}

/** One of the 1,000 requests: who sends what, how. Retries of the job reuse it with a new marker. */
export interface Job {
  index: number;
  user: number;
  model: ModelSpec;
  client: ClientKind;
  stream: boolean;
}

/** Builds `n` jobs from a seed: users, models, SDK vs fetch, stream vs not. */
export function planJobs(n: number, seed: number, users: number, models: ModelSpec[]): Job[] {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  return Array.from({ length: n }, (_, index) => ({
    index,
    user: Math.floor(rnd() * users),
    model: pick(models),
    client: rnd() < 0.5 ? 'sdk' : 'fetch',
    stream: rnd() < 0.5,
  }));
}

const MARKER_RE = /\[fault-marker:([a-z0-9-]+)\]/;

/**
 * What the mock reported per request, keyed by the marker the test put in the prompt. The usage
 * is drawn from the marker itself, so it differs per request but is reproducible.
 */
export class UsageLedger {
  readonly reported = new Map<string, MockUsage>();

  /** The mock's responder: a random usage per request, recorded before the reply is sent. */
  responder = (req: RecordedRequest): MockReply | undefined => {
    const marker = MARKER_RE.exec(req.rawBody)?.[1];
    if (!marker) return undefined;
    let h = 2166136261;
    for (const c of marker) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    const rnd = prng(h);
    const usage: MockUsage = {
      input: 1 + Math.floor(rnd() * 5000),
      output: 1 + Math.floor(rnd() * 2000),
      // OpenAI has no cache-write counter: only Anthropic replies carry one.
      cacheCreation: req.format === 'anthropic' && rnd() < 0.4 ? Math.floor(rnd() * 3000) : 0,
      cacheRead: rnd() < 0.5 ? Math.floor(rnd() * 8000) : 0,
    };
    this.reported.set(marker, usage);
    return { usage, text: `reply to ${marker}`, chunks: 3 };
  };
}

/** A prompt carrying the marker. */
export function prompt(marker: string): string {
  return `Say hello. [fault-marker:${marker}]`;
}

export interface Attempt {
  ok: boolean;
  status: number;
  /** x-request-id of the response (the usage row's request id). */
  requestId: string | null;
  error?: string;
}

/** Sends one attempt of a job to `proxyUrl` with the user's key and reads the whole answer. */
export async function sendAttempt(proxyUrl: string, apiKey: string, job: Job, marker: string): Promise<Attempt> {
  const text = prompt(marker);
  const { model, format } = job.model;
  if (job.client === 'fetch') {
    const anthropic = format === 'anthropic';
    const body = anthropic
      ? { model, max_tokens: 256, stream: job.stream, messages: [{ role: 'user', content: text }] }
      : { model, max_tokens: 256, stream: job.stream, messages: [{ role: 'user', content: text }], ...(job.stream ? { stream_options: { include_usage: true } } : {}) };
    const res = await fetch(`${proxyUrl}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(anthropic ? { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' } : { authorization: `Bearer ${apiKey}` }) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const out = await res.text();
    const requestId = res.headers.get('x-request-id');
    if (res.status !== 200) return { ok: false, status: res.status, requestId, error: out.slice(0, 300) };
    // A stream counts only when it ended properly; a JSON body only when it carries the reply.
    const complete = job.stream ? (anthropic ? out.includes('event: message_stop') : out.includes('data: [DONE]')) : out.includes(`reply to ${marker}`);
    return complete ? { ok: true, status: 200, requestId } : { ok: false, status: 200, requestId, error: `incomplete body: ${out.slice(-200)}` };
  }
  if (format === 'anthropic') {
    const client = new Anthropic({ apiKey, baseURL: proxyUrl, maxRetries: 0, timeout: 30_000 });
    if (job.stream) {
      const { data, response } = await client.messages.create({ model, max_tokens: 256, stream: true, messages: [{ role: 'user', content: text }] }).withResponse();
      let stopped = false;
      for await (const ev of data) if (ev.type === 'message_stop') stopped = true;
      return { ok: stopped, status: response.status, requestId: response.headers.get('x-request-id'), error: stopped ? undefined : 'no message_stop' };
    }
    const { data, response } = await client.messages.create({ model, max_tokens: 256, messages: [{ role: 'user', content: text }] }).withResponse();
    const ok = data.content.some((c) => c.type === 'text' && c.text === `reply to ${marker}`);
    return { ok, status: response.status, requestId: response.headers.get('x-request-id') };
  }
  const client = new OpenAI({ apiKey, baseURL: `${proxyUrl}/v1`, maxRetries: 0, timeout: 30_000 });
  if (job.stream) {
    const { data, response } = await client.chat.completions.create({ model, max_tokens: 256, stream: true, messages: [{ role: 'user', content: text }] }).withResponse();
    let finished = false;
    for await (const chunk of data) if (chunk.choices[0]?.finish_reason) finished = true;
    return { ok: finished, status: response.status, requestId: response.headers.get('x-request-id'), error: finished ? undefined : 'no finish_reason' };
  }
  const { data, response } = await client.chat.completions.create({ model, max_tokens: 256, messages: [{ role: 'user', content: text }] }).withResponse();
  return { ok: data.choices[0]?.message.content === `reply to ${marker}`, status: response.status, requestId: response.headers.get('x-request-id') };
}

/** SDK errors carry the HTTP status; network errors do not. */
export function attemptFromError(err: unknown): Attempt {
  const e = err as { status?: number; headers?: Headers | Record<string, string>; message?: string };
  const headers = e.headers;
  const requestId = headers instanceof Headers ? headers.get('x-request-id') : (headers?.['x-request-id'] ?? null);
  return { ok: false, status: typeof e.status === 'number' ? e.status : 0, requestId, error: String(e.message ?? err).slice(0, 300) };
}
