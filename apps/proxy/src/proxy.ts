import type { IncomingMessage, ServerResponse } from 'node:http';
import { SecretBox, systemClock, type Clock, type MetricsText } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import { createApp, proxyHandles } from './app.ts';
import { proxyMetricsText, proxyReadiness } from './routes/health.ts';
import type { ProxyConfig } from './config.ts';
import { Drain } from './drain.ts';
import { createProxyLogger, type Logger } from './logger.ts';
import { ProxyMetrics } from './metrics.ts';
import { translation } from './relay/translation.ts';
import { AccountHealth } from './routing/account-health.ts';
import { UsageWindowTracker } from './routing/usage-windows.ts';
import type { ProxyRuntime } from './runtime.ts';
import { SnapshotCache } from './snapshot/snapshot-cache.ts';
import { createAdapterRegistry, EgressDispatchers, OAuthTokenRefresher } from '@relay/upstreams';
import { InflightRegistry } from './usage/inflight-registry.ts';
import { UsagePublisher } from './usage/usage-publisher.ts';

export interface ProxyInstance {
  /** Node request listener (Koa app.callback()). */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** True for paths the proxy serves (/v1/*, /api/v1/messages, /claude/*, /v1beta/*, /gemini/*, /healthz, /readyz, /metrics). */
  handles(pathname: string): boolean;
  /** Resolves when the first snapshot is loaded (or immediately when none exists yet). */
  ready: Promise<void>;
  /** What `/readyz` reports: a snapshot is loaded and the hot store answers. */
  readiness(): { ready: boolean; snapshotVersion: number; store: boolean; draining: boolean };
  /** The proxy's Prometheus text (for a METRICS_LISTEN listener, or embedded mode's one `/metrics`). */
  metricsText(): Promise<MetricsText>;
  /**
   * SIGTERM drain: /readyz turns 503, running requests get up to `graceMs` to finish, streams
   * still open then end with an error event (and are billed). Resolves with how many were cut.
   * Call `close()` afterwards to flush usage and the in-flight registry.
   */
  drain(graceMs: number): Promise<number>;
  close(): Promise<void>;
}

/** A proxy instance plus its internals, for tests and the harness. */
export interface ProxyInternals extends ProxyInstance {
  runtime: ProxyRuntime;
}

/**
 * Builds the data plane on a hot store: snapshot cache (subscribed + polled), account health,
 * adapters, the usage publisher and the Koa app. Does not listen; callers mount `handler`.
 */
export async function createProxyInternals(deps: { store: HotStore; config: ProxyConfig; logger?: Logger; clock?: Clock }): Promise<ProxyInternals> {
  const { store, config } = deps;
  const logger = deps.logger ?? createProxyLogger(config.logLevel);
  const box = SecretBox.fromKey(config.encryptionKey);
  const snapshots = new SnapshotCache(store, box, config.snapshotPollMs, logger);
  const health = new AccountHealth(store, config.authFailureThreshold, logger, {
    failureThreshold: config.breakerFailures,
    openMs: config.breakerOpenMs,
    // A probe that never reports (hung, its proxy died) frees its slot once no request could still be running.
    probeTimeoutMs: config.totalTimeoutMs + 30_000,
  });
  snapshots.onChange((index) => void health.syncFromStore(index));
  const windows = new UsageWindowTracker(store, logger);
  snapshots.onChange((index) => void windows.syncFromStore(index));
  const metrics = new ProxyMetrics();
  const runtime: ProxyRuntime = {
    config,
    store,
    logger,
    snapshots,
    health,
    windows,
    adapters: createAdapterRegistry({ oauth: new OAuthTokenRefresher(store, box) }),
    dispatchers: new EgressDispatchers(config.connectTimeoutMs, { allowPrivate: config.allowPrivateUpstreams }),
    publisher: new UsagePublisher(store, {
      spoolMaxEvents: config.spoolMaxEvents, dataDir: config.dataDir, streamMaxBytes: config.usageStreamMaxBytes, partitions: config.usageStreamPartitions, streamFullGauge: metrics.usageStreamFull,
    }, logger),
    inflight: new InflightRegistry(store, logger),
    metrics,
    translation,
    drain: new Drain(),
    clock: deps.clock ?? systemClock,
  };
  await health.start();
  await windows.start();
  await snapshots.start();
  // A store that is down at boot must not stop the proxy: the heartbeat timer keeps trying.
  await runtime.inflight.start().catch((err) => logger.warn({ err: (err as Error).message }, 'first heartbeat failed'));
  const app = createApp(runtime);
  return {
    runtime,
    handler: app.callback(),
    handles: proxyHandles,
    ready: snapshots.ready,
    readiness: () => proxyReadiness(runtime),
    metricsText: () => proxyMetricsText(runtime),
    drain: (graceMs) => runtime.drain.run(graceMs),
    async close() {
      await snapshots.close();
      await runtime.inflight.close();
      await health.close();
      await windows.close();
      await runtime.publisher.close();
      await runtime.dispatchers.close();
      runtime.metrics.close();
    },
  };
}

/** The data plane: see ProxyInstance. */
export async function createProxy(deps: { store: HotStore; config: ProxyConfig; logger?: Logger }): Promise<ProxyInstance> {
  const p = await createProxyInternals(deps);
  return { handler: p.handler, handles: p.handles, ready: p.ready, readiness: p.readiness, metricsText: p.metricsText, drain: p.drain, close: p.close };
}
