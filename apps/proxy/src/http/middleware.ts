import type { Context, Next } from 'koa';
import { newRequestId, type MicroUsd, type WireFormat } from '@relay/core';
import { extractApiKey } from '../auth/extract-key.ts';
import { assertClientAllowed, assertModelAllowed, authenticate, mappedModel } from '../auth/authenticate.ts';
import type { Endpoint, ProxyState } from '../context.ts';
import { proxyError, writeClientError } from '../errors.ts';
import { admit, settleOps, type Reservation } from '../limits/admission.ts';
import { readRequestLimits } from '@relay/upstreams';
import type { ProxyRuntime } from '../runtime.ts';
import { billedPrice, buildUsageEvent } from '../usage/build-event.ts';
import { LEASE_TTL_MS } from '../usage/inflight-registry.ts';
import type { ForwardOutcome } from '../relay/forward.ts';
import { parseJsonBody, readRawBody } from './body.ts';

export type Middleware = (ctx: Context, next: Next) => Promise<void>;

/** Koa-style composition of one route's chain (requestId → auth → parseBody → model mapping → model access → limits → handler). */
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

/** A percent-decoded path segment; malformed encoding (`%E0%A4%A`) is the client's 400, not a URIError. */
export function decodePathSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw proxyError('invalid_request', `The ${what} in the path is not valid percent-encoding: ${JSON.stringify(segment)}`);
  }
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
      s.model = decodePathSegment(String(ctx.state.pathModel), 'model').replace(/^models\//, '');
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
    const { key, user } = authenticate(s.index, extractApiKey(ctx.headers, ctx.querystring), rt.config.apiKeySecret, rt.clock.now());
    // The client rule needs only the headers: refused before the body is read, like a bad key.
    assertClientAllowed(key, ctx.get('user-agent'));
    s.key = key;
    s.user = user;
    await next();
  };
}

/**
 * After the body is parsed: the key's model mapping (`sonnet` → `claude-sonnet-4-5`). From here on
 * `s.model` is the served model: the access check, the price, account choice, the upstream request
 * and the usage record all use it; `s.requestedModel` keeps what the client sent.
 */
export function modelMapMw(): Middleware {
  return async (ctx, next) => {
    const s = state(ctx);
    const served = mappedModel(s.key, s.model);
    if (served !== s.model) {
      s.requestedModel = s.model;
      s.model = served;
    }
    await next();
  };
}

/** After the body is parsed and the model mapped: the key may use the model, and the model has a price. */
export function modelAccessMw(): Middleware {
  return async (ctx, next) => {
    const s = state(ctx);
    assertModelAllowed(s.key, s.model);
    if (!s.index.hasAnyPrice(s.model)) throw proxyError('invalid_request', `model_not_priced: no price is configured for model ${s.model}`);
    await next();
  };
}

/**
 * Reads the request's limits once (400 in the client's format for a maximum that is not an integer
 * in range): admission, translation and passthrough all use `s.limits`.
 */
export function readLimits(s: ProxyState): void {
  s.limits = readRequestLimits(s.clientFormat, s.endpoint, s.body, s.rawBody.length, s.index.maxOutputTokens(s.model));
}

/**
 * ONE admission before the upstream call, ONE settlement after it (with the usage event published
 * in the same tick). A request rejected here changed nothing.
 */
export function limitsMw(rt: ProxyRuntime): Middleware {
  return async (ctx, next) => {
    const s = state(ctx);
    readLimits(s);
    const price = s.index.estimatePrice(s.model)!;
    const reservation: Reservation = await admit(rt.store, {
      key: s.key, user: s.user, price, limits: s.limits, requestId: s.requestId,
      now: rt.clock.now(), timeZone: rt.config.usageTimezone, leaseTtlMs: LEASE_TTL_MS,
    });
    const meta = { clientIp: ctx.ip || null, userAgent: ctx.get('user-agent') || null };
    rt.inflight.begin(s, reservation, price, meta);
    try {
      await next();
    } finally {
      const outcome = ctx.state.outcome as ForwardOutcome | undefined;
      // Before the settlement: its checkpoint deletion leaves in the same write, ahead of it.
      rt.inflight.end(s.requestId);
      if (!outcome) {
        void rt.store.settle(settleOps(reservation, 0, 0 as MicroUsd)).catch(() => undefined);
      } else {
        const event = buildUsageEvent(s, outcome, billedPrice(s, outcome, price), { ...meta, now: Date.now() });
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
