import { registerEnumType } from 'type-graphql';
import { platformFromEnum, platformToEnum, type Platform } from '@relay/core';

/**
 * The upstream platforms as a GraphQL enum. Values are the core platform ids upper-snake-cased
 * (`claude-oauth` ↔ `CLAUDE_OAUTH`); convert with `toPlatform` / `fromPlatform`.
 */
export enum PlatformEnum {
  CLAUDE_OAUTH = 'CLAUDE_OAUTH',
  CLAUDE_CONSOLE = 'CLAUDE_CONSOLE',
  CCR = 'CCR',
  BEDROCK = 'BEDROCK',
  AZURE_OPENAI = 'AZURE_OPENAI',
  OPENAI = 'OPENAI',
  GEMINI = 'GEMINI',
}
registerEnumType(PlatformEnum, {
  name: 'Platform',
  description: 'An upstream LLM platform an account belongs to.',
  valuesConfig: {
    CLAUDE_OAUTH: { description: 'Claude subscription (Pro/Max) via OAuth or a setup token.' },
    CLAUDE_CONSOLE: { description: 'Anthropic API key (console.anthropic.com), optionally another base URL.' },
    CCR: { description: 'An Anthropic-compatible relay: base URL + key.' },
    BEDROCK: { description: 'AWS Bedrock (Anthropic models): region + access keys, or a Bedrock API key.' },
    AZURE_OPENAI: { description: 'Azure OpenAI: endpoint, deployment, API version and key.' },
    OPENAI: { description: 'OpenAI or an OpenAI-compatible API: key and optional base URL.' },
    GEMINI: { description: 'Google Gemini API: key and optional base URL.' },
  },
});

/** GraphQL enum value → core platform id. */
export function toPlatform(value: PlatformEnum): Platform {
  const p = platformFromEnum(value);
  if (!p) throw new Error(`unknown platform enum ${value}`);
  return p;
}

/** Core platform id → GraphQL enum value. */
export function fromPlatform(platform: Platform): PlatformEnum {
  return platformToEnum(platform) as PlatformEnum;
}
