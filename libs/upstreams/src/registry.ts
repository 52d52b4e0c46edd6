import type { Platform } from '@relay/core';
import { azureOpenAiAdapter } from './azure-openai/index.ts';
import { bedrockAdapter } from './bedrock/index.ts';
import { ccrAdapter } from './ccr/index.ts';
import { claudeConsoleAdapter } from './claude-console/index.ts';
import { claudeOAuthAdapter } from './claude-oauth/index.ts';
import type { OAuthTokenRefresher } from './claude-oauth/token-refresher.ts';
import { geminiAdapter } from './gemini/index.ts';
import { openaiAdapter } from './openai/index.ts';
import type { UpstreamAdapter } from './types.ts';

/** The flat registry: one adapter per platform id. */
export function createAdapterRegistry(deps: { oauth: OAuthTokenRefresher }): Record<Platform, UpstreamAdapter> {
  return {
    'claude-oauth': claudeOAuthAdapter(deps.oauth),
    'claude-console': claudeConsoleAdapter,
    ccr: ccrAdapter,
    bedrock: bedrockAdapter,
    'azure-openai': azureOpenAiAdapter,
    openai: openaiAdapter,
    gemini: geminiAdapter,
  };
}
