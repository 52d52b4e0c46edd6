import { isOpenAiUsageChunk, openaiBody, openaiUsageCollector } from '../formats/openai.ts';
import { responsesBody, responsesUsageCollector } from '../formats/responses.ts';
import { sseFrameDecoder } from '../sse-frames.ts';
import { apiKeyOf, joinUrl, type UpstreamAdapter } from '../types.ts';

/** OpenAI (and OpenAI-compatible base URLs): Bearer auth, /v1/chat/completions or /v1/responses. */
export const openaiAdapter: UpstreamAdapter = {
  platform: 'openai',
  format: 'openai',
  transcodesStream: false,
  buildRequest(ctx) {
    const base = ctx.account.baseUrl ?? 'https://api.openai.com';
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKeyOf(ctx.credentials)}` };
    if (ctx.endpoint === 'responses') {
      return { url: joinUrl(base, '/v1/responses'), method: 'POST', headers, body: responsesBody(ctx.body, ctx.rawBody, ctx.upstreamModel) };
    }
    const { body, injected } = openaiBody(ctx.body, ctx.rawBody, ctx.upstreamModel, ctx.stream);
    return {
      url: joinUrl(base, ctx.endpoint === 'embeddings' ? '/v1/embeddings' : '/v1/chat/completions'),
      method: 'POST',
      headers,
      body,
      dropEvent: injected ? isOpenAiUsageChunk : undefined,
    };
  },
  createDecoder: sseFrameDecoder,
  createUsageCollector: (endpoint) => (endpoint === 'responses' ? responsesUsageCollector() : openaiUsageCollector()),
};
