import { anthropicBody, anthropicHeaders, anthropicUsageCollector } from '../formats/anthropic.ts';
import { anthropicPath } from '../anthropic-api.ts';
import { sseFrameDecoder } from '../sse-frames.ts';
import { apiKeyOf, joinUrl, type UpstreamAdapter } from '../types.ts';
import type { OAuthTokenRefresher } from './token-refresher.ts';

/** The beta flag Anthropic requires for subscription (OAuth) tokens. */
export const OAUTH_BETA = 'oauth-2025-04-20';

/**
 * Claude subscription accounts: `Authorization: Bearer <access token>` plus the OAuth beta merged
 * with the client's betas; tokens refreshed ahead of expiry by the shared refresher.
 */
export function claudeOAuthAdapter(refresher: OAuthTokenRefresher): UpstreamAdapter {
  return {
    platform: 'claude-oauth',
    format: 'anthropic',
    transcodesStream: false,
    prepareCredentials: (account, current, dispatcher) => refresher.credentials(account, current, dispatcher),
    refreshRejected: (account, rejected, dispatcher) => refresher.refreshRejected(account, rejected, dispatcher),
    buildRequest(ctx) {
      const headers = anthropicHeaders(ctx.clientHeaders, [OAUTH_BETA]);
      headers.authorization = `Bearer ${apiKeyOf(ctx.credentials)}`;
      return {
        url: joinUrl(ctx.account.baseUrl ?? 'https://api.anthropic.com', anthropicPath(ctx.endpoint)),
        method: 'POST',
        headers,
        body: anthropicBody(ctx.body, ctx.rawBody, ctx.upstreamModel),
      };
    },
    createDecoder: sseFrameDecoder,
    createUsageCollector: anthropicUsageCollector,
  };
}
