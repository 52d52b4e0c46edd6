import { computeCost, type ModelPrice, type Platform, type TokenUsage, type UsageEvent } from '@relay/core';
import type { ProxyState } from '../context.ts';

export interface RequestOutcome {
  status: number;
  errorType: string | null;
  accountId: string | null;
  platform: Platform | null;
  upstreamModel: string;
  usage: TokenUsage;
  attempts: number;
  firstTokenMs: number | null;
}

/** The one usage event of a finished request, with base and rated cost in micro-USD. */
export function buildUsageEvent(s: ProxyState, o: RequestOutcome, price: ModelPrice, meta: { clientIp: string | null; userAgent: string | null; now: number }): UsageEvent {
  const cost = computeCost(o.usage, price, s.user.priceRate);
  return {
    v: 1,
    requestId: s.requestId,
    startedAt: s.startedAt,
    finishedAt: meta.now,
    userId: s.user.id,
    apiKeyId: s.key.id,
    accountId: o.accountId,
    platform: o.platform,
    model: s.model,
    upstreamModel: o.upstreamModel,
    endpoint: s.route,
    clientFormat: s.clientFormat,
    stream: s.stream,
    status: o.status,
    errorType: o.errorType,
    inputTokens: o.usage.inputTokens,
    outputTokens: o.usage.outputTokens,
    cacheCreationInputTokens: o.usage.cacheCreationInputTokens,
    cacheReadInputTokens: o.usage.cacheReadInputTokens,
    price,
    priceRate: s.user.priceRate,
    baseInputCost: cost.base.inputCost,
    baseOutputCost: cost.base.outputCost,
    baseTotalCost: cost.base.totalCost,
    inputCost: cost.rated.inputCost,
    outputCost: cost.rated.outputCost,
    totalCost: cost.rated.totalCost,
    latencyMs: meta.now - s.startedAt,
    firstTokenMs: o.firstTokenMs,
    clientIp: meta.clientIp,
    userAgent: meta.userAgent,
    attempts: o.attempts,
  };
}
