import type { Platform } from './platforms.ts';

/**
 * A price the bundled catalog (@pydantic/genai-prices) does not have, in USD per million tokens as
 * decimal strings; `source` says where the figures were read. Seeded and synced like catalog prices.
 */
export interface SupplementPrice {
  model: string;
  input: string;
  output: string;
  cacheWrite: string;
  cacheRead: string;
  source: string;
}

/**
 * Names clients send that the catalog prices by pattern (dated ids, `-latest` aliases, the default
 * models of Claude Code, Gemini CLI and Codex) but does not list by name. Each is priced as the
 * catalog model its matcher picks, so it gets a row of its own: the proxy looks prices up by exact name.
 */
export const CATALOG_ALIASES: readonly string[] = [
  // Claude Code 2.1: default `claude-opus-4-8`, `--model sonnet` → claude-sonnet-5, `haiku` → claude-haiku-4-5-20251001.
  'claude-opus-4-8', 'claude-sonnet-5', 'claude-haiku-4-5-20251001',
  'claude-opus-4-5-20251101', 'claude-opus-4-1-20250805', 'claude-opus-4-20250514', 'claude-sonnet-4-5-20250929',
  'claude-sonnet-4-20250514', 'claude-3-7-sonnet-20250219', 'claude-3-5-haiku-20241022',
  // Gemini CLI 0.61: gemini-3.1-pro-preview, gemini-3.5-flash-lite (routing), gemini-3.8-flash.
  'gemini-3.1-pro-preview', 'gemini-3.5-flash-lite', 'gemini-3.8-flash',
  // Codex 0.171 with an API-key provider: gpt-5.5 (also listed by the catalog under its own name).
  'gpt-5.5', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o-mini', 'o4-mini',
];

/**
 * Prices of models the catalog lacks. Empty while catalog 0.1.8 covers every model above; an entry
 * here must name where its figures come from (a provider's pricing page and the date read).
 */
export const PRICE_SUPPLEMENT: readonly SupplementPrice[] = [];

/**
 * The largest output in tokens of the models whose figure we know (the catalog has context windows,
 * not output limits). Claude 3.7 Sonnet's figure is its output-128k beta (a passthrough client may send the header).
 */
export const MODEL_MAX_OUTPUT: Readonly<Record<string, number>> = {
  ...Object.fromEntries(['claude-opus-4-5-20251101', 'claude-opus-4-5'].map((m) => [m, 64_000])),
  ...Object.fromEntries(['claude-opus-4-1-20250805', 'claude-opus-4-1', 'claude-opus-4-20250514', 'claude-opus-4-0'].map((m) => [m, 32_000])),
  ...Object.fromEntries(['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5', 'claude-sonnet-4-20250514', 'claude-sonnet-4-0'].map((m) => [m, 64_000])),
  ...Object.fromEntries(['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet-latest'].map((m) => [m, 128_000])),
  ...Object.fromEntries(['claude-haiku-4-5-20251001', 'claude-haiku-4-5'].map((m) => [m, 64_000])),
  ...Object.fromEntries(['claude-3-5-haiku-20241022', 'claude-3-5-haiku-latest'].map((m) => [m, 8_192])),
  'gpt-5': 128_000,
  'gpt-5-mini': 128_000,
  'gpt-4.1': 32_768,
  'gpt-4.1-mini': 32_768,
  'gpt-4.1-nano': 32_768,
  'gpt-4o': 16_384,
  'gpt-4o-mini': 16_384,
  o3: 100_000,
  'o4-mini': 100_000,
  'gemini-2.5-pro': 65_536,
  'gemini-2.5-flash': 65_536,
  'gemini-2.5-flash-lite': 65_536,
  'gemini-2.0-flash': 8_192,
};

/**
 * Largest output of a model nobody listed, per serving platform: the largest output any current
 * model on that platform can produce (Claude 3.7 Sonnet with the 128k-output beta; GPT-5; Gemini
 * 2.5). A request without a maximum reserves this much, so it can never spend more than it reserved.
 */
export const FALLBACK_MAX_OUTPUT_TOKENS: Readonly<Record<Platform, number>> = {
  'claude-oauth': 128_000,
  'claude-console': 128_000,
  ccr: 128_000,
  bedrock: 128_000,
  'azure-openai': 128_000,
  openai: 128_000,
  gemini: 65_536,
};

const SEED_MAX_OUTPUT = new Map(Object.entries(MODEL_MAX_OUTPUT));

/**
 * The maximum output of a model as `MODEL_MAX_OUTPUT` knows it, else the fallback of its platform (of
 * every platform when the price applies to any).
 */
export function maxOutputTokensOf(model: string, platform: Platform | null): number {
  const known = SEED_MAX_OUTPUT.get(model);
  if (known !== undefined) return known;
  return platform ? FALLBACK_MAX_OUTPUT_TOKENS[platform] : Math.max(...Object.values(FALLBACK_MAX_OUTPUT_TOKENS));
}
