import type { Context, Next } from 'koa';
import { newRequestId, type MicroUsd, type WireFormat } from '@relay/core';
import { extractApiKey } from '../auth/extract-key.ts';
import { assertModelAllowed, authenticate } from '../auth/authenticate.ts';
import type { Endpoint, ProxyState } from '../context.ts';
import { proxyError, writeClientError } from '../errors.ts';
import { admit, DEFAULT_MAX_OUTPUT_TOKENS, settleOps, type Reservation } from '../limits/admission.ts';
import type { ProxyRuntime } from '../runtime.ts';
import { buildUsageEvent } from '../usage/build-event.ts';
import type { ForwardOutcome } from '../relay/forward.ts';
import { parseJsonBody, readRawBody } from './body.ts';

export type Middleware = (ctx: Context, next: Next) => Promise<void>;

/** Koa-style composition of one route's chain (requestId → auth → parseBody → model access → limits → handler). */
export function chain(...mws: Middleware[]): (ctx: Context) => Promise<void> {
  return (ctx) => {
    const run = (i: number): Promise<void> => (i < mws.length ? mws[i](ctx, () => run(i + 1)) : Promise.resolve());
    return run(0);
  };
}

/** Which body fields a route reads. */
export interface RouteSpec {
  clientFormat: WireFormat;
  endpoint: Endpoint;
  route: string;
  /** Gemini: the model comes from the path (`ctx.state.pathModel`), not the body. */
  modelFromPath?: boolean;
}

function state(ctx: Context): ProxyState {
  return ctx.state as ProxyState;
}

/**
 * First in every chain: request id (header on every response), the one error writer in the
 * client's format, metrics, and the optional debug line. The response is written by hand
 * (`ctx.respond = false`) so streams go straight to the socket.
 */
export function requestIdMw(rt: ProxyRuntime, clientFormat: WireFormat): Middleware {
  return async (ctx, next) => {
    ctx.respond = false;
    const s = state(ctx);
    s.requestId = newRequestId();
    s.startedAt = Date.now();
    s.clientFormat = clientFormat;
    let status: number;
    try {
      await next();
      status = ctx.res.statusCode;
    } catch (e) {
      status = writeClientError(ctx.res, s.clientFormat, e, s.requestId);
      if (status === 500) rt.logger.error({ err: e instanceof Error ? e.message : String(e), requestId: s.requestId }, 'request failed');
    }
    rt.metrics.requests.inc({ format: s.clientFormat, status_class: `${Math.floor(status / 100)}xx` });
    rt.metrics.duration.observe((Date.now() - s.startedAt) / 1000);
    if (rt.config.debugLog) rt.logger.debug({ requestId: s.requestId, path: ctx.path, status, ms: Date.now() - s.startedAt }, 'request');
  };
}

/** Reads the body once (limit → 413), parses it once (400), and takes model + stream from it. */
export function parseBodyMw(rt: ProxyRuntime, spec: RouteSpec): Middleware {
  return async (ctx, next) => {
    const s = state(ctx);
    s.endpoint = spec.endpoint;
    s.route = spec.route;
    s.rawBody = await readRawBody(ctx.req, rt.config.maxBodyBytes);
    s.body = parseJsonBody(s.rawBody);
    if (spec.modelFromPath) {
      s.model = decodeURIComponent(String(ctx.state.pathModel)).replace(/^models\//, '');
      s.stream = spec.endpoint === 'stream_generate';
    } else {
      if (typeof s.body.model !== 'string' || !s.body.model) throw proxyError('invalid_request', 'The request body needs a "model" string');
      s.model = s.body.model;
      s.stream = s.body.stream === true;
    }
    await next();
  };
}

/**
 * Authenticates the key (headers or `?key=`) against the in-memory snapshot. It runs before the
 * body is read, so a request without a valid key costs its headers and nothing more: the 401 goes
 * out with `Connection: close` and the unread body is never buffered (see writeClientError).
 */
export function authMw(rt: ProxyRuntime): Middleware {
  return async (ctx, next) => {
    const s = state(ctx);
    s.index = rt.snapshots.current();
    const { key, user } = authenticate(s.index, extractApiKey(ctx.headers, ctx.querystring), rt.config.apiKeySecret, Date.now());
    s.key = key;
    s.user = user;
    await next();
  };
}

/** After the body is parsed: the key may use the model, and the model has a price. */
export function modelAccessMw(): Middleware {
  return async (ctx, next) => {
    const s = state(ctx);
    assertModelAllowed(s.key, s.model);
    if (!s.index.hasAnyPrice(s.model)) throw proxyError('invalid_request', `model_not_priced: no price is configured for model ${s.model}`);
    await next();
  };
}

/**
 * ONE admission before the upstream call, ONE settlement after it (with the usage event published
 * in the same tick). A request rejected here changed nothing.
 */
export function limitsMw(rt: ProxyRuntime): Middleware {
  return async (ctx, next) => {
    const s = state(ctx);
    const price = s.index.estimatePrice(s.model)!;
    const maxOut = Number(s.body.max_tokens ?? s.body.max_completion_tokens ?? s.body.generationConfig?.maxOutputTokens) || DEFAULT_MAX_OUTPUT_TOKENS;
    const reservation: Reservation = await admit(rt.store, {
      key: s.key, user: s.user, price, bodyBytes: s.rawBody.length, maxOutputTokens: maxOut, requestId: s.requestId,
      now: s.startedAt, timeZone: rt.config.usageTimezone, leaseTtlMs: rt.config.totalTimeoutMs + 30_000,
    });
    try {
      await next();
    } finally {
      const outcome = ctx.state.outcome as ForwardOutcome | undefined;
      if (!outcome) {
        void rt.store.settle(settleOps(reservation, 0, 0 as MicroUsd)).catch(() => undefined);
      } else {
        // Bill the model that actually served the request (an account's model mapping may send an alias to
        // a differently priced model); an upstream id without a price of its own (e.g. a Bedrock
        // inference-profile id) is billed as the model the client asked for.
        const usedPrice = s.index.ownPrice(outcome.upstreamModel, outcome.platform) ?? s.index.price(s.model, outcome.platform) ?? price;
        const event = buildUsageEvent(s, outcome, usedPrice, { clientIp: ctx.ip || null, userAgent: ctx.get('user-agent') || null, now: Date.now() });
        const tokens = event.inputTokens + event.outputTokens + event.cacheCreationInputTokens + event.cacheReadInputTokens;
        void rt.store.settle([...settleOps(reservation, tokens, event.totalCost), ...outcome.settle]).catch(() => undefined);
        rt.publisher.publish(event);
        rt.metrics.tokens.inc({ kind: 'input' }, event.inputTokens);
        rt.metrics.tokens.inc({ kind: 'output' }, event.outputTokens);
        rt.metrics.tokens.inc({ kind: 'cache_write' }, event.cacheCreationInputTokens);
        rt.metrics.tokens.inc({ kind: 'cache_read' }, event.cacheReadInputTokens);
        rt.metrics.cost.inc(event.totalCost);
      }
    }
  };
}
