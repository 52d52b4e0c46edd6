import { computeCost, type MicroUsd, type ModelPrice, type RateBp, type TokenUsage } from './money.ts';
import type { Platform, WireFormat } from './platforms.ts';

/**
 * How a request ended for billing: `completed` — the proxy that served it published the event;
 * `interrupted` — that proxy died mid-request and the control plane billed it from its last
 * in-flight checkpoint (tokens counted up to then).
 */
export type UsageOutcome = 'completed' | 'interrupted';
export const USAGE_OUTCOMES: readonly UsageOutcome[] = ['completed', 'interrupted'];

/**
 * One finished request, published once by the proxy (idempotent by requestId) on the usage
 * stream and the live-log channel. All money is integer micro-USD; `inputCost`/`outputCost`/
 * `totalCost` are rated (× priceRate), `base*` are before the rate.
 */
export interface UsageEvent {
  v: 1;
  requestId: string;
  /** Epoch ms when the request arrived / finished. */
  startedAt: number;
  finishedAt: number;
  userId: string;
  apiKeyId: string;
  accountId: string | null;
  platform: Platform | null;
  /** The model the client asked for. */
  model: string;
  /** The model id actually sent upstream (after mapping). */
  upstreamModel: string;
  endpoint: string;
  clientFormat: WireFormat;
  stream: boolean;
  /** HTTP status returned to the client (499 when the client went away). */
  status: number;
  errorType: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  /** The part of `cacheCreationInputTokens` cached for 1 hour (billed at `price.cacheWrite1h`); absent = none. */
  cacheCreation1hInputTokens?: number;
  price: ModelPrice;
  priceRate: RateBp;
  baseInputCost: MicroUsd;
  baseOutputCost: MicroUsd;
  baseTotalCost: MicroUsd;
  inputCost: MicroUsd;
  outputCost: MicroUsd;
  totalCost: MicroUsd;
  latencyMs: number;
  firstTokenMs: number | null;
  clientIp: string | null;
  userAgent: string | null;
  /** How many upstream attempts were made (failover). */
  attempts: number;
  /** Absent means `completed` (the proxy's own events leave it out). */
  outcome?: UsageOutcome;
}

/** A usage event before the request ends: no costs, no end time (what an in-flight checkpoint holds). */
export type UsageEventDraft = Omit<UsageEvent, 'finishedAt' | 'latencyMs' | 'baseInputCost' | 'baseOutputCost' | 'baseTotalCost' | 'inputCost' | 'outputCost' | 'totalCost' | 'outcome'>;

/** Completes a draft into the event to publish: base and rated costs from its tokens, price and rate. */
export function completeUsageEvent(draft: UsageEventDraft, finishedAt: number, outcome?: UsageOutcome): UsageEvent {
  const usage: TokenUsage = draft;
  const cost = computeCost(usage, draft.price, draft.priceRate);
  const event: UsageEvent = {
    ...draft,
    finishedAt,
    latencyMs: Math.max(0, finishedAt - draft.startedAt),
    baseInputCost: cost.base.inputCost,
    baseOutputCost: cost.base.outputCost,
    baseTotalCost: cost.base.totalCost,
    inputCost: cost.rated.inputCost,
    outputCost: cost.rated.outputCost,
    totalCost: cost.rated.totalCost,
  };
  if (outcome && outcome !== 'completed') event.outcome = outcome;
  return event;
}

const NUM_FIELDS = [
  'startedAt', 'finishedAt', 'status', 'inputTokens', 'outputTokens', 'cacheCreationInputTokens', 'cacheReadInputTokens',
  'priceRate', 'baseInputCost', 'baseOutputCost', 'baseTotalCost', 'inputCost', 'outputCost', 'totalCost', 'latencyMs', 'attempts',
] as const;

export function encodeUsageEvent(e: UsageEvent): string {
  return JSON.stringify(e);
}

/** Parses and checks an event from the stream; throws with the offending field on bad data. */
export function decodeUsageEvent(s: string): UsageEvent {
  const e = JSON.parse(s) as UsageEvent;
  if (e?.v !== 1) throw new Error('usage event: unsupported version');
  for (const k of ['requestId', 'userId', 'apiKeyId', 'model'] as const) {
    if (typeof e[k] !== 'string' || !e[k]) throw new Error(`usage event: bad ${k}`);
  }
  for (const k of NUM_FIELDS) {
    if (!Number.isSafeInteger(e[k])) throw new Error(`usage event: bad ${k}`);
  }
  if (e.outcome !== undefined && !USAGE_OUTCOMES.includes(e.outcome)) throw new Error('usage event: bad outcome');
  return e;
}

export function totalTokens(e: Pick<UsageEvent, 'inputTokens' | 'outputTokens' | 'cacheCreationInputTokens' | 'cacheReadInputTokens'>): number {
  return e.inputTokens + e.outputTokens + e.cacheCreationInputTokens + e.cacheReadInputTokens;
}
