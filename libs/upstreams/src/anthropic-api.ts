import type { Endpoint } from './endpoint.ts';
import { anthropicBody, anthropicHeaders, anthropicUsageCollector } from './formats/anthropic.ts';
import { sseFrameDecoder } from './sse-frames.ts';
import { apiKeyOf, joinUrl, type UpstreamAdapter, type UpstreamRequestContext } from './types.ts';

/** Path of an Anthropic Messages API operation. */
export function anthropicPath(endpoint: Endpoint): string {
  return endpoint === 'count_tokens' || endpoint === 'gemini_count_tokens' ? '/v1/messages/count_tokens' : '/v1/messages';
}

/**
 * Shared base of the API-key Anthropic platforms (claude-console, ccr): body as sent, only
 * content-type / anthropic-version / anthropic-beta / auth set. `sk-ant-` keys go in x-api-key
 * (Anthropic's own scheme), anything else as a Bearer token (relays and gateways).
 */
export function anthropicApiKeyAdapter(platform: 'claude-console' | 'ccr', defaultBase: string | null): UpstreamAdapter {
  return {
    platform,
    format: 'anthropic',
    transcodesStream: false,
    buildRequest(ctx: UpstreamRequestContext) {
      const base = ctx.account.baseUrl ?? defaultBase;
      if (!base) throw new Error(`${platform} account ${ctx.account.id} has no baseUrl`);
      const key = apiKeyOf(ctx.credentials);
      const headers = anthropicHeaders(ctx.clientHeaders);
      if (key.startsWith('sk-ant-')) headers['x-api-key'] = key;
      else headers.authorization = `Bearer ${key}`;
      return { url: joinUrl(base, anthropicPath(ctx.endpoint)), method: 'POST', headers, body: anthropicBody(ctx.body, ctx.rawBody, ctx.upstreamModel) };
    },
    createDecoder: sseFrameDecoder,
    createUsageCollector: anthropicUsageCollector,
  };
}
