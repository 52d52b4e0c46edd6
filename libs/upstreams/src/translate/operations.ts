/**
 * Translation of the non-chat operations that cross formats: Gemini `countTokens` served by an
 * Anthropic account (as `count_tokens`), and OpenAI `/v1/embeddings` served by a Gemini account (as
 * `batchEmbedContents`). Chat translation goes through the neutral model; these have their own small shapes.
 */
import type { WireFormat } from '@relay/core';
import { clientError, readUpstreamError } from './errors.ts';
import { UnsupportedFeatureError } from './errors.ts';
import { readGeminiRequest } from './requests/gemini.ts';
import { writeAnthropicRequest } from './requests/anthropic.ts';

/** Operations translated here rather than through the neutral chat model. */
export type TranslatedOperation = 'gemini_count_tokens' | 'embeddings';

/** True when `endpoint` is translated by this module. */
export function isTranslatedOperation(endpoint: string | undefined): endpoint is TranslatedOperation {
  return endpoint === 'gemini_count_tokens' || endpoint === 'embeddings';
}

/** Gemini countTokens takes either `contents` (+ tools/systemInstruction) or a whole `generateContentRequest`. */
function countedRequest(body: any): any {
  return body?.generateContentRequest ?? body ?? {};
}

/** The OpenAI embeddings `input` as texts; token-id arrays have no Gemini counterpart. */
function embeddingInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((v) => typeof v === 'string')) return input as string[];
  throw new UnsupportedFeatureError('input', 'Gemini embeds text only; token arrays cannot be translated');
}

/** The request body for the upstream of an operation in another format. */
export function translateOperationRequest(op: TranslatedOperation, from: WireFormat, to: WireFormat, body: any, upstreamModel: string): any {
  if (op === 'gemini_count_tokens' && from === 'gemini' && to === 'anthropic') {
    const req = readGeminiRequest(countedRequest(body));
    // count_tokens takes the message fields only (no max_tokens, sampling or stream flag).
    const full = writeAnthropicRequest(req, { upstreamModel, stream: false });
    const out: any = { model: upstreamModel, messages: full.messages };
    for (const k of ['system', 'tools', 'tool_choice', 'thinking']) if (full[k] !== undefined) out[k] = full[k];
    return out;
  }
  if (op === 'embeddings' && from === 'openai' && to === 'gemini') {
    const model = `models/${upstreamModel.replace(/^models\//, '')}`;
    return {
      requests: embeddingInputs(body.input).map((text) => {
        const r: any = { model, content: { parts: [{ text }] } };
        if (typeof body.dimensions === 'number') r.outputDimensionality = body.dimensions;
        return r;
      }),
    };
  }
  throw new UnsupportedFeatureError(`${op} from ${from} to ${to}`);
}

/** Float32 little-endian bytes in base64: what OpenAI answers for `encoding_format: "base64"` (the SDK's default). */
function base64Floats(values: number[]): string {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

/** Tokens of texts when the upstream reports none: a quarter of the characters, as the limits estimate. */
export function estimateTextTokens(texts: string[]): number {
  return Math.ceil(texts.reduce((n, t) => n + t.length, 0) / 4);
}

/** The upstream's answer to an operation, in the client's format. An upstream error becomes the client's error. */
export function translateOperationResponse(op: TranslatedOperation, upstream: WireFormat, client: WireFormat, body: any, opts: { clientModel: string; requestBody: any }): any {
  const err = readUpstreamError(upstream, body);
  if (err) return clientError(client, err.status, err.message);
  if (op === 'gemini_count_tokens') return { totalTokens: Number(body?.input_tokens ?? 0) };
  const embeddings: { values?: number[] }[] = body?.embeddings ?? [];
  const base64 = opts.requestBody?.encoding_format === 'base64';
  const reported = body?.usageMetadata?.promptTokenCount;
  const promptTokens = typeof reported === 'number' ? reported : estimateTextTokens(embeddingInputs(opts.requestBody?.input));
  return {
    object: 'list',
    data: embeddings.map((e, index) => ({ object: 'embedding', index, embedding: base64 ? base64Floats(e.values ?? []) : (e.values ?? []) })),
    model: opts.clientModel,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** Every text of a Gemini countTokens body, for the local estimate when no account can count. */
function geminiTexts(body: any): { texts: string[]; media: number } {
  const req = countedRequest(body);
  const texts: string[] = [];
  let media = 0;
  const visit = (content: any) => {
    for (const p of content?.parts ?? []) {
      if (typeof p.text === 'string') texts.push(p.text);
      else if (p.inlineData || p.fileData) media++;
      else texts.push(JSON.stringify(p));
    }
  };
  for (const c of req.contents ?? []) visit(c);
  if (req.systemInstruction) visit(req.systemInstruction);
  if (req.tools) texts.push(JSON.stringify(req.tools));
  return { texts, media };
}

/** Gemini bills an image as 258 tokens (its documented flat rate for media up to 384 px). */
const MEDIA_TOKENS = 258;

/** A local countTokens answer (Gemini format) for a model that no Gemini or Anthropic account serves. */
export function estimateGeminiCountTokens(body: any): { totalTokens: number } {
  const { texts, media } = geminiTexts(body);
  return { totalTokens: estimateTextTokens(texts) + media * MEDIA_TOKENS };
}

/** Wraps an SSE-producing stream translator so the client gets Gemini's JSON array (`[` chunk `,` chunk … `]`) instead. */
export function jsonArrayStream<T extends { push(ev: { event?: string; data: string }): string; end(): string; fail(status: number, message: string): string; failed(): boolean }>(inner: T): T {
  let started = false;
  let closed = false;
  const elements = (sse: string): string => {
    let out = '';
    for (const m of sse.matchAll(/^data: ?(.*)$/gm)) {
      out += (started ? ',\r\n' : '[') + m[1];
      started = true;
    }
    return out;
  };
  const close = (tail: string): string => {
    if (closed) return '';
    closed = true;
    return elements(tail) + (started ? ']' : '[]');
  };
  return {
    ...inner,
    push: (ev) => (closed ? '' : elements(inner.push(ev))),
    end: () => close(inner.end()),
    // A broken upstream: the error object is the array's last element, then the array closes.
    fail: (status, message) => close(inner.fail(status, message)),
    failed: () => inner.failed(),
  };
}
