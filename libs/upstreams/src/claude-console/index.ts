import { anthropicApiKeyAdapter } from '../anthropic-api.ts';

/** Claude Console (API key) accounts: api.anthropic.com unless the account sets a base URL. */
export const claudeConsoleAdapter = anthropicApiKeyAdapter('claude-console', 'https://api.anthropic.com');
