export type { MockUsage, MockToolCall, MockReply, RecordedRequest, RecordedFormat } from './types.ts';
export { startMockUpstream, refusedPort, type MockUpstream, type MockUpstreamOptions } from './server.ts';
export type { AwsCredentials } from './sigv4.ts';
export { pkceChallenge, type IssuedTokens } from './oauth.ts';
export { DEFAULT_TEXT } from './reply-plan.ts';
export { claudeUsageLimitMessage, unifiedRateLimitHeaders, type MockUnifiedRateLimit, type MockUnifiedWindow } from './unified-rate-limit.ts';
