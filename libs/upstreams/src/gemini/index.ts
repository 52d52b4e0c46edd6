import { geminiUsageCollector } from '../formats/gemini.ts';
import { sseFrameDecoder } from '../sse-frames.ts';
import type { Endpoint } from '../endpoint.ts';
import { apiKeyOf, joinUrl, type UpstreamAdapter } from '../types.ts';

/** The method part of the URL. OpenAI embeddings arrive translated to batchEmbedContents. */
function geminiOperation(endpoint: Endpoint, stream: boolean): string {
  switch (endpoint) {
    case 'gemini_count_tokens': return 'countTokens';
    case 'embed_content': return 'embedContent';
    case 'batch_embed_contents':
    case 'embeddings': return 'batchEmbedContents';
    default: return stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  }
}

/**
 * Gemini API: {baseUrl}/v1beta/models/{model}:generateContent, or :streamGenerateContent?alt=sse
 * for streams, `x-goog-api-key`. The model lives in the path, so the body passes as sent.
 */
export const geminiAdapter: UpstreamAdapter = {
  platform: 'gemini',
  format: 'gemini',
  transcodesStream: false,
  buildRequest(ctx) {
    const base = ctx.account.baseUrl ?? 'https://generativelanguage.googleapis.com';
    const model = encodeURIComponent(ctx.upstreamModel.replace(/^models\//, ''));
    const op = geminiOperation(ctx.endpoint, ctx.stream);
    return {
      url: joinUrl(base, `/v1beta/models/${model}:${op}`),
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': apiKeyOf(ctx.credentials) },
      body: ctx.rawBody ?? JSON.stringify(ctx.body),
    };
  },
  createDecoder: sseFrameDecoder,
  createUsageCollector: geminiUsageCollector,
};
