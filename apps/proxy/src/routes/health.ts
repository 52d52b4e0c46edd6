import type { Context } from 'koa';
import { newRequestId } from '@relay/core';
import type { ProxyRuntime } from '../runtime.ts';

/** GET /healthz: the process is up. */
export async function healthz(ctx: Context): Promise<void> {
  ctx.set('x-request-id', newRequestId());
  ctx.body = 'ok';
}

/** GET /readyz: 200 once a snapshot is loaded and the hot store answers, else 503. */
export function readyz(rt: ProxyRuntime) {
  return async (ctx: Context): Promise<void> => {
    ctx.set('x-request-id', newRequestId());
    const ok = rt.snapshots.isLoaded() && rt.store.isReady();
    ctx.status = ok ? 200 : 503;
    ctx.body = { ready: ok, snapshotVersion: rt.snapshots.current().version, store: rt.store.isReady() };
  };
}

/** GET /metrics: Prometheus text from the proxy's own registry. */
export function metrics(rt: ProxyRuntime) {
  return async (ctx: Context): Promise<void> => {
    ctx.set('x-request-id', newRequestId());
    rt.metrics.accountCooldowns.set(rt.health.activeCooldowns(Date.now()));
    ctx.type = rt.metrics.registry.contentType;
    ctx.body = await rt.metrics.registry.metrics();
  };
}
