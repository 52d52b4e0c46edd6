import { anthropicApiKeyAdapter } from '../anthropic-api.ts';

/** CCR (Claude Code Relay style) accounts: an Anthropic-compatible endpoint at the account's base URL. */
export const ccrAdapter = anthropicApiKeyAdapter('ccr', null);
