import { isOpenAiUsageChunk, openaiBody, openaiUsageCollector } from '../formats/openai.ts';
import { sseFrameDecoder } from '../sse-frames.ts';
import { apiKeyOf, joinUrl, type UpstreamAdapter } from '../types.ts';

/** OpenAI (and OpenAI-compatible base URLs): Bearer auth, /v1/chat/completions. */
export const openaiAdapter: UpstreamAdapter = {
  platform: 'openai',
  format: 'openai',
  transcodesStream: false,
  buildRequest(ctx) {
    const { body, injected } = openaiBody(ctx.body, ctx.rawBody, ctx.upstreamModel, ctx.stream);
    return {
      url: joinUrl(ctx.account.baseUrl ?? 'https://api.openai.com', '/v1/chat/completions'),
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKeyOf(ctx.credentials)}` },
      body,
      dropEvent: injected ? isOpenAiUsageChunk : undefined,
    };
  },
  createDecoder: sseFrameDecoder,
  createUsageCollector: openaiUsageCollector,
};
