import { isOpenAiUsageChunk, openaiBody, openaiUsageCollector } from '../formats/openai.ts';
import { responsesBody, responsesUsageCollector } from '../formats/responses.ts';
import { sseFrameDecoder } from '../sse-frames.ts';
import { apiKeyOf, joinUrl, type UpstreamAdapter } from '../types.ts';

const DEFAULT_API_VERSION = '2024-10-21';

/**
 * Azure OpenAI: {baseUrl}/openai/deployments/{deployment}/chat/completions?api-version=…,
 * `api-key` header. The deployment decides the model, so the body's model is left as sent.
 * The Responses API lives at {baseUrl}/openai/v1/responses (Azure's v1 API, no api-version), where
 * the body's `model` names the deployment.
 */
export const azureOpenAiAdapter: UpstreamAdapter = {
  platform: 'azure-openai',
  format: 'openai',
  transcodesStream: false,
  buildRequest(ctx) {
    const { baseUrl, settings, id } = ctx.account;
    if (!baseUrl) throw new Error(`azure-openai account ${id} has no baseUrl`);
    const deployment = settings.deployment ?? ctx.upstreamModel;
    const headers = { 'content-type': 'application/json', 'api-key': apiKeyOf(ctx.credentials) };
    if (ctx.endpoint === 'responses') {
      return { url: joinUrl(baseUrl, '/openai/v1/responses'), method: 'POST', headers, body: responsesBody(ctx.body, ctx.rawBody, deployment) };
    }
    const apiVersion = settings.apiVersion ?? DEFAULT_API_VERSION;
    const { body, injected } = openaiBody(ctx.body, ctx.rawBody, ctx.upstreamModel, ctx.stream, true);
    return {
      url: joinUrl(baseUrl, `/openai/deployments/${encodeURIComponent(deployment)}/${ctx.endpoint === 'embeddings' ? 'embeddings' : 'chat/completions'}?api-version=${encodeURIComponent(apiVersion)}`),
      method: 'POST',
      headers,
      body,
      dropEvent: injected ? isOpenAiUsageChunk : undefined,
    };
  },
  createDecoder: sseFrameDecoder,
  createUsageCollector: (endpoint) => (endpoint === 'responses' ? responsesUsageCollector() : openaiUsageCollector()),
};
