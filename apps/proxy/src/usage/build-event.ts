import { completeUsageEvent, type ModelPrice, type Platform, type TokenUsage, type UsageEvent, type UsageEventDraft } from '@relay/core';
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

/** Client facts recorded on the event. */
export interface RequestMeta {
  clientIp: string | null;
  userAgent: string | null;
}

/**
 * The price a request is billed at: the model that actually served it (an account's model mapping
 * may send an alias to a differently priced model); an upstream id without a price of its own
 * (e.g. a Bedrock inference-profile id) is billed as the model the client asked for.
 */
export function billedPrice(s: ProxyState, o: Pick<RequestOutcome, 'upstreamModel' | 'platform'>, fallback: ModelPrice): ModelPrice {
  return s.index.ownPrice(o.upstreamModel, o.platform) ?? s.index.price(s.model, o.platform) ?? fallback;
}

/** The usage event of a request as far as it got: everything but the costs and the end. */
export function usageDraft(s: ProxyState, o: RequestOutcome, price: ModelPrice, meta: RequestMeta): UsageEventDraft {
  return {
    v: 1,
    requestId: s.requestId,
    startedAt: s.startedAt,
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
    ...(o.usage.cacheCreation1hInputTokens ? { cacheCreation1hInputTokens: o.usage.cacheCreation1hInputTokens } : {}),
    price,
    priceRate: s.user.priceRate,
    firstTokenMs: o.firstTokenMs,
    clientIp: meta.clientIp,
    userAgent: meta.userAgent,
    attempts: o.attempts,
  };
}

/** The one usage event of a finished request, with base and rated cost in micro-USD. */
export function buildUsageEvent(s: ProxyState, o: RequestOutcome, price: ModelPrice, meta: RequestMeta & { now: number }): UsageEvent {
  return completeUsageEvent(usageDraft(s, o, price, meta), meta.now);
}
