import { calcPrice, findProvider, type MatchLogic, type ModelInfo, type ModelPrice as CatalogPrices, type TieredPrices } from '@pydantic/genai-prices';
import { CATALOG_ALIASES, decimalUsdToMicro, PRICE_SUPPLEMENT, usdToMicro } from '@relay/core';

/** The catalog the prices come from (the exact-pinned dependency of @relay/db). */
export const PRICE_CATALOG = '@pydantic/genai-prices 0.1.8';

/** Long-context tier of a catalog price, micro-USD per million tokens. */
export interface CatalogTier {
  aboveInputTokens: number;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  cacheWrite1h: number | null;
}

/** One model's price as the catalog gives it, already in integer micro-USD per million tokens. */
export interface CatalogPrice {
  model: string;
  /** What the figures came from: `anthropic/claude-opus-4-8`, or the source of a supplement entry. */
  origin: string;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  cacheWrite1h: number | null;
  tier: CatalogTier | null;
}

/**
 * The providers read, each with the models taken from it: the Claude models from Anthropic's own
 * list (the Google provider lists them too, for Vertex, without the 1-hour cache price).
 */
const PROVIDERS: { id: string; takes: (model: string) => boolean }[] = [
  { id: 'anthropic', takes: () => true },
  { id: 'openai', takes: () => true },
  { id: 'google', takes: (model) => !model.startsWith('claude-') },
];

/** The prices in force at `now`: the last entry whose start date has passed (time-of-day discounts are not billed). */
function pricesInForce(model: ModelInfo, now: Date): CatalogPrices {
  if (!Array.isArray(model.prices)) return model.prices;
  for (let i = model.prices.length - 1; i >= 0; i--) {
    const { constraint, prices } = model.prices[i];
    if (!constraint) return prices;
    if (constraint.type === 'start_date' && now >= new Date(constraint.start_date)) return prices;
  }
  return model.prices[0].prices;
}

/** The names a model's match rule accepts literally (`equals`), besides its id. */
function literalNames(match: MatchLogic): string[] {
  if ('equals' in match) return [match.equals];
  if ('or' in match) return match.or.flatMap(literalNames);
  return [];
}

type Component = number | TieredPrices | undefined;

/**
 * Converts one model's catalog prices. A missing cache-write price means writes cost plain input
 * (OpenAI, Gemini), a missing cache-read price means no discount. Returns null when the model has
 * no input or output price (image-only, free, unpriced) or a shape we cannot bill exactly (more than
 * one tier, tiers starting at different prompt sizes): an admin prices those by hand.
 */
export function convertCatalogPrices(prices: CatalogPrices, origin: string, model: string): CatalogPrice | null {
  const parts = {
    input: prices.input_mtok, output: prices.output_mtok, cacheWrite: prices.cache_write_mtok ?? prices.input_mtok,
    cacheRead: prices.cache_read_mtok ?? prices.input_mtok, cacheWrite1h: prices.cache_write_1h_mtok,
  } satisfies Record<string, Component>;
  if (parts.input === undefined || parts.output === undefined) return null;
  const starts = new Set<number>();
  for (const v of Object.values(parts)) {
    if (typeof v !== 'object') continue;
    if (v.tiers.length !== 1) return null;
    starts.add(v.tiers[0].start);
  }
  if (starts.size > 1) return null;
  const base = (v: Component): number => decimalUsdToMicro(typeof v === 'object' ? v.base : v ?? 0);
  const tiered = (v: Component): number => decimalUsdToMicro(typeof v === 'object' ? v.tiers[0].price : v ?? 0);
  const [aboveInputTokens] = [...starts];
  return {
    model, origin,
    input: base(parts.input), output: base(parts.output), cacheWrite: base(parts.cacheWrite), cacheRead: base(parts.cacheRead),
    cacheWrite1h: parts.cacheWrite1h === undefined ? null : base(parts.cacheWrite1h),
    tier: aboveInputTokens === undefined ? null : {
      aboveInputTokens,
      input: tiered(parts.input), output: tiered(parts.output), cacheWrite: tiered(parts.cacheWrite), cacheRead: tiered(parts.cacheRead),
      cacheWrite1h: parts.cacheWrite1h === undefined ? null : tiered(parts.cacheWrite1h),
    },
  };
}

/**
 * Every model price of the bundled catalog in force at `now`, converted once to micro-USD: each
 * catalog model under its id and the names its rule lists, the `CATALOG_ALIASES` priced as the model
 * the catalog's matcher picks for them, and the `PRICE_SUPPLEMENT`. One entry per name, first wins.
 */
export function catalogModelPrices(now: Date = new Date()): CatalogPrice[] {
  const byName = new Map<string, CatalogPrice>();
  const add = (p: CatalogPrice | null): void => {
    if (p && !byName.has(p.model)) byName.set(p.model, p);
  };
  for (const { id, takes } of PROVIDERS) {
    const provider = findProvider({ providerId: id });
    if (!provider) throw new Error(`${PRICE_CATALOG} has no provider "${id}"`);
    for (const model of provider.models) {
      if (!takes(model.id)) continue;
      const prices = pricesInForce(model, now);
      for (const name of new Set([model.id, ...literalNames(model.match)])) {
        if (takes(name)) add(convertCatalogPrices(prices, `${id}/${model.id}`, name.toLowerCase()));
      }
    }
  }
  for (const alias of CATALOG_ALIASES) {
    if (byName.has(alias)) continue;
    for (const { id, takes } of PROVIDERS) {
      const found = takes(alias) ? calcPrice({ input_tokens: 0, output_tokens: 0 }, alias, { providerId: id, timestamp: now }) : null;
      if (found) {
        add(convertCatalogPrices(pricesInForce(found.model, now), `${id}/${found.model.id}`, alias));
        break;
      }
    }
  }
  for (const s of PRICE_SUPPLEMENT) {
    add({
      model: s.model, origin: s.source, input: usdToMicro(s.input), output: usdToMicro(s.output),
      cacheWrite: usdToMicro(s.cacheWrite), cacheRead: usdToMicro(s.cacheRead), cacheWrite1h: null, tier: null,
    });
  }
  return [...byName.values()].sort((a, b) => a.model.localeCompare(b.model));
}
