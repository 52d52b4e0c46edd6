/** Gemini-only routes that are not generation: countTokens and the model resource. */
import type { Context } from 'koa';
import { modelFamily, type WireFormat } from '@relay/core';
import type { ProxyState } from '../context.ts';
import { proxyError, sendJson } from '../errors.ts';
import { decodePathSegment, readLimits, type Middleware } from '../http/middleware.ts';
import { forwardRequest } from '../relay/forward.ts';
import { selectAccounts } from '../routing/select-account.ts';
import type { ProxyRuntime } from '../runtime.ts';
import { estimateGeminiCountTokens } from '@relay/upstreams';
import { reachableModels } from './models.ts';

/**
 * Context windows by model family for the model resource's `inputTokenLimit`: the price catalog
 * carries each model's largest output but no input limit, so the family's current figure stands in
 * (Gemini 2.5: 1,048,576; Claude: 200,000; GPT-5: 400,000 — GPT-4o's 128,000 is smaller, the upstream still refuses beyond it).
 */
const INPUT_TOKEN_LIMIT: Readonly<Record<WireFormat, number>> = { gemini: 1_048_576, anthropic: 200_000, openai: 400_000 };

/**
 * POST /v1beta/models/{model}:countTokens. Forwarded to a Gemini account, or translated to
 * `count_tokens` for an Anthropic one; when neither serves the model (an OpenAI account mapped to
 * it) the answer is estimated here. Never billed, no usage event, no limits counted.
 */
export function geminiCountTokensHandler(rt: ProxyRuntime): Middleware {
  return async (ctx: Context) => {
    const s = ctx.state as ProxyState;
    readLimits(s);
    const counters = selectAccounts({
      index: s.index, health: rt.health, key: s.key, model: s.model, clientFormat: 'gemini', endpoint: 'gemini_count_tokens',
      canTranslate: rt.translation.canTranslate, stickyAccountId: null, now: Date.now(),
    });
    if (counters.length === 0) {
      sendJson(ctx.res, 200, estimateGeminiCountTokens(s.body), { 'x-request-id': s.requestId });
      return;
    }
    const outcome = await forwardRequest(rt, ctx.req, ctx.res, s);
    rt.inflight.end(s.requestId);
    if (outcome.settle.length) void rt.store.settle(outcome.settle).catch(() => undefined);
    if (outcome.error) throw outcome.error;
  };
}

/** The Gemini Model resource of a model this key can reach. */
function modelResource(s: ProxyState, id: string): Record<string, unknown> {
  const family = modelFamily(id);
  const embedding = id.includes('embedding');
  return {
    name: `models/${id}`,
    baseModelId: id,
    version: '001',
    displayName: id,
    description: `${id} through the relay`,
    inputTokenLimit: embedding ? 2_048 : INPUT_TOKEN_LIMIT[family ?? 'gemini'],
    outputTokenLimit: embedding ? 1 : s.index.maxOutputTokens(id),
    supportedGenerationMethods: embedding ? ['embedContent', 'batchEmbedContents', 'countTokens'] : ['generateContent', 'streamGenerateContent', 'countTokens'],
  };
}

/** GET /v1beta/models: every reachable model as a Gemini Model resource. */
export function listGeminiModelsHandler(_rt: ProxyRuntime): Middleware {
  return async (ctx: Context) => {
    const s = ctx.state as ProxyState;
    sendJson(ctx.res, 200, { models: reachableModels(s).map((id) => modelResource(s, id)) }, { 'x-request-id': s.requestId });
  };
}

/** GET /v1beta/models/{model}: the model resource in Gemini's format, for models this key can reach. */
export function geminiModelHandler(_rt: ProxyRuntime): Middleware {
  return async (ctx: Context) => {
    const s = ctx.state as ProxyState;
    const id = decodePathSegment(String(ctx.state.pathModel), 'model').replace(/^models\//, '');
    if (!reachableModels(s).includes(id)) throw proxyError('model_not_found', `models/${id} is not found for this API key`);
    sendJson(ctx.res, 200, modelResource(s, id), { 'x-request-id': s.requestId });
  };
}
