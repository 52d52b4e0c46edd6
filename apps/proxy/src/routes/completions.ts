import type { Context } from 'koa';
import type { ProxyState } from '../context.ts';
import { forwardRequest } from '../relay/forward.ts';
import type { ProxyRuntime } from '../runtime.ts';
import { readLimits, type Middleware } from '../http/middleware.ts';

/**
 * The last link of every completion chain (messages, chat, generateContent): relay, then hand
 * the outcome to the limits middleware for settlement and the usage event. An error with
 * nothing relayed is thrown to the request-id middleware, which answers in the client's format.
 */
export function completionHandler(rt: ProxyRuntime): Middleware {
  return async (ctx: Context) => {
    const s = ctx.state as ProxyState;
    const outcome = await forwardRequest(rt, ctx.req, ctx.res, s);
    ctx.state.outcome = outcome;
    if (outcome.error) throw outcome.error;
  };
}

/** POST /v1/messages/count_tokens: forwarded to an Anthropic account; nothing is billed. */
export function countTokensHandler(rt: ProxyRuntime): Middleware {
  return async (ctx: Context) => {
    const s = ctx.state as ProxyState;
    readLimits(s);
    const outcome = await forwardRequest(rt, ctx.req, ctx.res, s);
    rt.inflight.end(s.requestId);
    if (outcome.settle.length) void rt.store.settle(outcome.settle).catch(() => undefined);
    if (outcome.error) throw outcome.error;
  };
}
