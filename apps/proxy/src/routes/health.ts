import type { Context } from 'koa';
import { answerMetrics, newRequestId, type MetricsText } from '@relay/core';
import type { ProxyRuntime } from '../runtime.ts';

/** GET /healthz: the process is up. */
export async function healthz(ctx: Context): Promise<void> {
  ctx.set('x-request-id', newRequestId());
  ctx.body = 'ok';
}

/** Whether this proxy can serve: a snapshot is loaded, the hot store answers and it is not draining. */
export function proxyReadiness(rt: ProxyRuntime): { ready: boolean; snapshotVersion: number; store: boolean; draining: boolean } {
  const store = rt.store.isReady();
  const draining = rt.drain.active;
  return { ready: rt.snapshots.isLoaded() && store && !draining, snapshotVersion: rt.snapshots.current().version, store, draining };
}

/** GET /readyz: 200 once a snapshot is loaded and the hot store answers, else 503 (and from the start of a drain on). */
export function readyz(rt: ProxyRuntime) {
  return async (ctx: Context): Promise<void> => {
    ctx.set('x-request-id', newRequestId());
    const r = proxyReadiness(rt);
    ctx.status = r.ready ? 200 : 503;
    ctx.body = r;
  };
}

/** Sets the gauges read at scrape time (cooldowns); a cluster worker calls it before sending its metrics to the primary. */
export function refreshScrapeGauges(rt: ProxyRuntime): void {
  rt.metrics.accountCooldowns.set(rt.health.activeCooldowns(Date.now()));
}

/** The proxy's Prometheus text (cooldown gauge refreshed first; every worker's under PROXY_WORKERS > 1). */
export async function proxyMetricsText(rt: ProxyRuntime): Promise<MetricsText> {
  refreshScrapeGauges(rt);
  return rt.metrics.text();
}

/**
 * GET /metrics: Prometheus text for operators only — it carries revenue, token totals and account
 * ids — so it needs `Authorization: Bearer <METRICS_TOKEN>`; without a configured token it always
 * answers 401 here (METRICS_LISTEN serves it on a loopback address instead).
 */
export function metrics(rt: ProxyRuntime) {
  return async (ctx: Context): Promise<void> => {
    ctx.respond = false;
    ctx.res.setHeader('x-request-id', newRequestId());
    await answerMetrics(ctx.req, ctx.res, () => proxyMetricsText(rt), rt.config.metricsToken, true);
  };
}
