// @relay/upstreams: everything that speaks an upstream's language — platform adapters, wire
// formats and their usage collectors, the translation between client formats, the egress
// dispatchers, the account test and the Claude OAuth token refresher. Pure of the proxy app: the
// proxy and the control plane both import it through this one entry point.
export { EMBEDDING_ENDPOINTS, INPUT_ONLY_ENDPOINTS, type Endpoint } from './endpoint.ts';
export { ProxyError, proxyError } from './proxy-error.ts';
export { SseDecoder, formatSse, isStreamEnd, type SseEvent } from './sse-decoder.ts';
export { eventJson } from './event-json.ts';
export { sseFrameDecoder } from './sse-frames.ts';
export { apiKeyOf, joinUrl, type FrameDecoder, type UpstreamAdapter, type UpstreamHttpRequest, type UpstreamRequestContext, type UsageCollector } from './types.ts';
export { createAdapterRegistry } from './registry.ts';
export { anthropicUsageCollector } from './formats/anthropic.ts';
export { EgressDispatchers } from './egress.ts';
export { MAX_ACCEPTED_TOKENS, readOutputLimit, readRequestLimits, type RequestLimits } from './request-limits.ts';
export { classifyUpstreamError, streamTestAccountRequest, TEST_CANCELLED, testAccountRequest, type AccountTestOutcome, type AccountTestRequest } from './test-account.ts';
export { CLAUDE_OAUTH_CLIENT_ID, DEFAULT_TOKEN_URL, OAuthTokenRefresher, REFRESH_AHEAD_MS, refreshFailedKey, sharedCredentialsKey } from './claude-oauth/token-refresher.ts';
export * from './translate/index.ts';
