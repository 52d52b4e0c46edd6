import type { Platform } from './platforms.ts';

/** One seed row: USD per million tokens as decimal strings (parse with `usdToMicro`). */
export interface ModelPriceSeed {
  model: string;
  /** null = the price applies on every platform serving the model. */
  platform: Platform | null;
  input: string;
  output: string;
  cacheWrite: string;
  cacheRead: string;
  /** The model's largest possible output in tokens (what a request without a maximum may produce). */
  maxOutput: number;
}

// Claude 3.7 Sonnet's figure is its output-128k beta (a passthrough client may send the header).
// Claude: cache write (5-minute TTL) = 1.25 × input, cache read = 0.1 × input.
function claude(models: string[], input: string, output: string, cacheWrite: string, cacheRead: string, maxOutput: number): ModelPriceSeed[] {
  return models.map((model) => ({ model, platform: null, input, output, cacheWrite, cacheRead, maxOutput }));
}

// OpenAI bills no cache write surcharge (written tokens cost plain input); cached input per list.
function openai(model: string, input: string, output: string, cachedInput: string, maxOutput: number): ModelPriceSeed {
  return { model, platform: null, input, output, cacheWrite: input, cacheRead: cachedInput, maxOutput };
}

// Gemini: creating a context cache bills its tokens as input; reads at the context-caching price.
// Prices are the ≤200k-token prompt tier.
function gemini(model: string, input: string, output: string, cachedInput: string, maxOutput: number): ModelPriceSeed {
  return { model, platform: null, input, output, cacheWrite: input, cacheRead: cachedInput, maxOutput };
}

/**
 * Public list prices (standard tier, USD per million tokens) of the models people use, seeded
 * into `model_prices` on first start. Admins edit them afterwards; these are only the starting
 * point. Dated ids and their moving aliases are both listed because clients send either.
 * Sources: anthropic.com/pricing, openai.com/api/pricing, ai.google.dev/gemini-api/docs/pricing.
 */
export const DEFAULT_MODEL_PRICES: ModelPriceSeed[] = [
  ...claude(['claude-opus-4-5-20251101', 'claude-opus-4-5'], '5', '25', '6.25', '0.5', 64_000),
  ...claude(['claude-opus-4-1-20250805', 'claude-opus-4-1', 'claude-opus-4-20250514', 'claude-opus-4-0'], '15', '75', '18.75', '1.5', 32_000),
  ...claude(['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5', 'claude-sonnet-4-20250514', 'claude-sonnet-4-0'], '3', '15', '3.75', '0.3', 64_000),
  ...claude(['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet-latest'], '3', '15', '3.75', '0.3', 128_000),
  ...claude(['claude-haiku-4-5-20251001', 'claude-haiku-4-5'], '1', '5', '1.25', '0.1', 64_000),
  ...claude(['claude-3-5-haiku-20241022', 'claude-3-5-haiku-latest'], '0.8', '4', '1', '0.08', 8_192),
  openai('gpt-5', '1.25', '10', '0.125', 128_000),
  openai('gpt-5-mini', '0.25', '2', '0.025', 128_000),
  openai('gpt-4.1', '2', '8', '0.5', 32_768),
  openai('gpt-4.1-mini', '0.4', '1.6', '0.1', 32_768),
  openai('gpt-4.1-nano', '0.1', '0.4', '0.025', 32_768),
  openai('gpt-4o', '2.5', '10', '1.25', 16_384),
  openai('gpt-4o-mini', '0.15', '0.6', '0.075', 16_384),
  openai('o3', '2', '8', '0.5', 100_000),
  openai('o4-mini', '1.1', '4.4', '0.275', 100_000),
  gemini('gemini-2.5-pro', '1.25', '10', '0.125', 65_536),
  gemini('gemini-2.5-flash', '0.3', '2.5', '0.03', 65_536),
  gemini('gemini-2.5-flash-lite', '0.1', '0.4', '0.01', 65_536),
  gemini('gemini-2.0-flash', '0.1', '0.4', '0.025', 8_192),
];

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

const SEED_MAX_OUTPUT = new Map(DEFAULT_MODEL_PRICES.map((p) => [p.model, p.maxOutput]));

/**
 * The maximum output of a model as the catalog knows it, else the fallback of its platform (of
 * every platform when the price applies to any).
 */
export function maxOutputTokensOf(model: string, platform: Platform | null): number {
  const known = SEED_MAX_OUTPUT.get(model);
  if (known !== undefined) return known;
  return platform ? FALLBACK_MAX_OUTPUT_TOKENS[platform] : Math.max(...Object.values(FALLBACK_MAX_OUTPUT_TOKENS));
}
