/**
 * The one module that does money arithmetic. Amounts are integer micro-USD (USD × 1,000,000);
 * prices are integer micro-USD per million tokens; a price rate is an integer in ten-thousandths
 * (1.0 = 10_000, matching the `decimal(10,4)` column). Intermediate products use BigInt so that
 * nothing overflows, and rounding happens in exactly one place (`divRoundHalfUp`).
 *
 * The arithmetic is total: whatever number reaches it (NaN, ±Infinity, fractions, 1e300, negative
 * token counts) it answers a safe integer and never throws, so no request can turn a bad figure
 * into a 500. Token counts are clamped to [0, MAX_TOKENS] (fractions round up: a reservation must
 * not shrink), amounts and results saturate at ±Number.MAX_SAFE_INTEGER. Only the parsers of
 * decimal strings (`usdToMicro`, `parseRate`) and the `micro` assertion throw, by contract: they
 * are the validators callers use at their boundary and turn into their own 400s.
 */
declare const microBrand: unique symbol;
/** Integer micro-USD. */
export type MicroUsd = number & { readonly [microBrand]: true };
declare const rateBrand: unique symbol;
/** A price rate in ten-thousandths: 1.0 → 10_000. */
export type RateBp = number & { readonly [rateBrand]: true };

export const MICRO_PER_USD = 1_000_000;
export const RATE_ONE = 10_000 as RateBp;
export const ZERO = 0 as MicroUsd;

/** The per-million-token prices of one band of prompt sizes, in micro-USD. */
export interface PriceBand {
  input: MicroUsd;
  output: MicroUsd;
  /** Cache write with the default (5-minute) lifetime. */
  cacheWrite: MicroUsd;
  cacheRead: MicroUsd;
  /** Cache write with the 1-hour lifetime (Anthropic `ttl: "1h"`); absent = `cacheWrite`. */
  cacheWrite1h?: MicroUsd;
}

/**
 * Prices of a request whose prompt (input + cache write + cache read tokens) is larger than
 * `aboveInputTokens`: every token of such a request, output included, is billed at these prices
 * (Anthropic's and Gemini's long-context pricing, OpenAI's above 272k).
 */
export interface PriceTier extends PriceBand {
  aboveInputTokens: number;
}

/** Per-million-token prices in micro-USD, with an optional long-context tier. */
export interface ModelPrice extends PriceBand {
  tier?: PriceTier;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Every cache-write token, of either lifetime. */
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  /** The part of `cacheCreationInputTokens` written with the 1-hour lifetime (absent = none). */
  cacheCreation1hInputTokens?: number;
}

export interface CostBreakdown {
  /** Prompt side: input + cache write + cache read. */
  inputCost: MicroUsd;
  outputCost: MicroUsd;
  totalCost: MicroUsd;
}

export interface RatedCost {
  base: CostBreakdown;
  rated: CostBreakdown;
  rate: RateBp;
}

function divRoundHalfUp(n: bigint, d: bigint): bigint {
  if (n < 0n) return -divRoundHalfUp(-n, d);
  return (n + d / 2n) / d;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Largest token count the arithmetic takes; larger counts are clamped to it. */
export const MAX_TOKENS = 1_000_000_000_000;

/** Saturates a BigInt result into the safe-integer range. */
function toSafe(n: bigint): MicroUsd {
  if (n > MAX_SAFE) return Number.MAX_SAFE_INTEGER as MicroUsd;
  if (n < -MAX_SAFE) return -Number.MAX_SAFE_INTEGER as MicroUsd;
  return Number(n) as MicroUsd;
}

/** Any number as a safe integer (rounded half up, saturated; NaN → 0): the boundary of every amount. */
function safeInt(n: number): bigint {
  if (Number.isNaN(n)) return 0n;
  if (n >= Number.MAX_SAFE_INTEGER) return MAX_SAFE;
  if (n <= -Number.MAX_SAFE_INTEGER) return -MAX_SAFE;
  return BigInt(Math.floor(n + 0.5));
}

/** Any number as a token count: clamped to [0, MAX_TOKENS], fractions rounded up, NaN → 0. */
export function toTokenCount(n: number): number {
  if (!(n > 0)) return 0;
  return n >= MAX_TOKENS ? MAX_TOKENS : Math.ceil(n);
}

/** Asserts an integer micro-USD amount (trusted data such as database columns); throws RangeError otherwise. */
export function micro(n: number): MicroUsd {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer micro-USD amount: ${n}`);
  return n as MicroUsd;
}

/** Sum of amounts, saturating at the safe-integer range. */
export function addMicro(...xs: MicroUsd[]): MicroUsd {
  let s = 0n;
  for (const x of xs) s += safeInt(x);
  return toSafe(s);
}

const USD_RE = /^(-)?(\d{1,12})(?:\.(\d{1,6}))?$/;
/** Parses a decimal USD string ("3", "0.075", "15.000000") exactly. Throws on anything else. */
export function usdToMicro(usd: string): MicroUsd {
  const m = USD_RE.exec(usd.trim());
  if (!m) throw new RangeError(`not a USD amount with at most 6 decimals: ${JSON.stringify(usd)}`);
  const frac = (m[3] ?? '').padEnd(6, '0');
  const v = BigInt(m[2]) * 1_000_000n + BigInt(frac);
  return toSafe(m[1] ? -v : v);
}

const DECIMAL_RE = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;
/**
 * Converts a catalog price — a non-negative decimal number or string in USD, such as 0.075, 3.75 or
 * 1.875e-5 — to micro-USD exactly, through its decimal digits (`String(n)` is the shortest text that
 * reads back as the same number, so 0.3 is "0.3", never 0.29999…). A value finer than a micro-dollar
 * is rounded half-up once, here. Throws RangeError on anything that is not such a number.
 */
export function decimalUsdToMicro(usd: number | string): MicroUsd {
  const m = DECIMAL_RE.exec(String(usd).trim());
  if (!m) throw new RangeError(`not a non-negative decimal USD amount: ${JSON.stringify(usd)}`);
  const digits = m[1] + (m[2] ?? '');
  // The value is digits × 10^scale; micro-USD multiplies by 10^6.
  const scale = 6 - (m[2] ?? '').length + Number(m[3] ?? 0);
  const n = BigInt(digits);
  if (scale >= 0) return toSafe(n * 10n ** BigInt(scale));
  return toSafe(divRoundHalfUp(n, 10n ** BigInt(-scale)));
}

/** Formats micro-USD as a decimal USD string with exactly six decimals: 1500 → "0.001500". */
export function microToUsd(x: MicroUsd | number): string {
  const v = safeInt(x);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const s = `${a / 1_000_000n}.${(a % 1_000_000n).toString().padStart(6, '0')}`;
  return neg ? `-${s}` : s;
}

const RATE_RE = /^(\d{1,6})(?:\.(\d{1,4}))?$/;
/** Parses a price rate string ("1", "0.85", "1.2500") exactly into ten-thousandths. */
export function parseRate(rate: string): RateBp {
  const m = RATE_RE.exec(rate.trim());
  if (!m) throw new RangeError(`not a rate with at most 4 decimals: ${JSON.stringify(rate)}`);
  return (Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'))) as RateBp;
}

/** 12500 → "1.2500" */
export function formatRate(rate: RateBp | number): string {
  const r = Math.max(0, Number(safeInt(rate)));
  return `${Math.trunc(r / 10_000)}.${String(r % 10_000).padStart(4, '0')}`;
}

/** tokens × price-per-million, rounded half-up to the micro-dollar. */
export function tokenCost(tokens: number, pricePerMillion: MicroUsd): MicroUsd {
  return toSafe(divRoundHalfUp(BigInt(toTokenCount(tokens)) * safeInt(pricePerMillion), 1_000_000n));
}

/** Scales an amount by a rate, rounded half-up. */
export function applyRate(amount: MicroUsd, rate: RateBp): MicroUsd {
  return toSafe(divRoundHalfUp(safeInt(amount) * safeInt(rate), 10_000n));
}

/** The prices a request with this many prompt tokens pays: the tier's once the prompt is above its threshold. */
export function priceBand(price: ModelPrice, promptTokens: number): PriceBand {
  return price.tier && promptTokens > price.tier.aboveInputTokens ? price.tier : price;
}

/**
 * The dearest of two prices, component by component (the lower tier threshold, each tier price
 * at least the base it replaces): an estimate made with it covers a request billed at either.
 */
export function dearestPrice(a: ModelPrice, b: ModelPrice): ModelPrice {
  const band = (x: PriceBand, y: PriceBand): PriceBand => {
    const out: PriceBand = {
      input: Math.max(x.input, y.input) as MicroUsd,
      output: Math.max(x.output, y.output) as MicroUsd,
      cacheWrite: Math.max(x.cacheWrite, y.cacheWrite) as MicroUsd,
      cacheRead: Math.max(x.cacheRead, y.cacheRead) as MicroUsd,
    };
    if (x.cacheWrite1h !== undefined || y.cacheWrite1h !== undefined) {
      out.cacheWrite1h = Math.max(x.cacheWrite1h ?? x.cacheWrite, y.cacheWrite1h ?? y.cacheWrite) as MicroUsd;
    }
    return out;
  };
  const base = band(a, b);
  if (!a.tier && !b.tier) return base;
  const tierA = a.tier ?? { ...a, aboveInputTokens: Infinity };
  const tierB = b.tier ?? { ...b, aboveInputTokens: Infinity };
  const tier = { ...band(base, band(tierA, tierB)), aboveInputTokens: Math.min(tierA.aboveInputTokens, tierB.aboveInputTokens) };
  return { ...base, tier };
}

/**
 * Base and rated cost of one request. Each component is rounded once; totals are sums of the
 * rounded components, so `inputCost + outputCost === totalCost` always holds, for base and rated.
 */
export function computeCost(usage: TokenUsage, price: ModelPrice, rate: RateBp): RatedCost {
  const written = toTokenCount(usage.cacheCreationInputTokens);
  const written1h = Math.min(written, toTokenCount(usage.cacheCreation1hInputTokens ?? 0));
  const band = priceBand(price, toTokenCount(usage.inputTokens) + written + toTokenCount(usage.cacheReadInputTokens));
  const inputCost = addMicro(
    tokenCost(usage.inputTokens, band.input),
    tokenCost(written - written1h, band.cacheWrite),
    tokenCost(written1h, band.cacheWrite1h ?? band.cacheWrite),
    tokenCost(usage.cacheReadInputTokens, band.cacheRead),
  );
  const outputCost = tokenCost(usage.outputTokens, band.output);
  const base = { inputCost, outputCost, totalCost: addMicro(inputCost, outputCost) };
  const rIn = applyRate(inputCost, rate);
  const rOut = applyRate(outputCost, rate);
  return { base, rated: { inputCost: rIn, outputCost: rOut, totalCost: addMicro(rIn, rOut) }, rate };
}

/** Upper-bound estimate used to reserve budget before a call (settled to the real cost after). */
export function estimateCost(promptTokens: number, maxOutputTokens: number, price: ModelPrice, rate: RateBp): MicroUsd {
  const band = priceBand(price, toTokenCount(promptTokens));
  const base = addMicro(tokenCost(promptTokens, band.input), tokenCost(maxOutputTokens, band.output));
  return applyRate(base, rate);
}
