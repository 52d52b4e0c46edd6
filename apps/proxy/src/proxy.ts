import type { IncomingMessage, ServerResponse } from 'node:http';
import { SecretBox } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import { createApp, proxyHandles } from './app.ts';
import type { ProxyConfig } from './config.ts';
import { createProxyLogger, type Logger } from './logger.ts';
import { ProxyMetrics } from './metrics.ts';
import { translation } from './relay/translation.ts';
import { AccountHealth } from './routing/account-health.ts';
import type { ProxyRuntime } from './runtime.ts';
import { SnapshotCache } from './snapshot/snapshot-cache.ts';
import { OAuthTokenRefresher } from './upstreams/claude-oauth/token-refresher.ts';
import { EgressDispatchers } from './upstreams/egress.ts';
import { createAdapterRegistry } from './upstreams/registry.ts';
import { UsagePublisher } from './usage/usage-publisher.ts';

export interface ProxyInstance {
  /** Node request listener (Koa app.callback()). */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** True for paths the proxy serves (/v1/*, /api/v1/messages, /claude/*, /v1beta/*, /gemini/*, /healthz, /readyz, /metrics). */
  handles(pathname: string): boolean;
  /** Resolves when the first snapshot is loaded (or immediately when none exists yet). */
  ready: Promise<void>;
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
export async function createProxyInternals(deps: { store: HotStore; config: ProxyConfig; logger?: Logger }): Promise<ProxyInternals> {
  const { store, config } = deps;
  const logger = deps.logger ?? createProxyLogger(config.logLevel);
  const box = SecretBox.fromKey(config.encryptionKey);
  const snapshots = new SnapshotCache(store, box, config.snapshotPollMs, logger);
  const health = new AccountHealth(store, config.authFailureThreshold, logger);
  snapshots.onChange((index) => void health.syncFromStore(index));
  const metrics = new ProxyMetrics();
  const runtime: ProxyRuntime = {
    config,
    store,
    logger,
    snapshots,
    health,
    adapters: createAdapterRegistry({ oauth: new OAuthTokenRefresher(store, box) }),
    dispatchers: new EgressDispatchers(config.connectTimeoutMs),
    publisher: new UsagePublisher(store, {
      spoolMaxEvents: config.spoolMaxEvents, dataDir: config.dataDir, streamMaxBytes: config.usageStreamMaxBytes, streamFullGauge: metrics.usageStreamFull,
    }, logger),
    metrics,
    translation,
  };
  await health.start();
  await snapshots.start();
  const app = createApp(runtime);
  return {
    runtime,
    handler: app.callback(),
    handles: proxyHandles,
    ready: snapshots.ready,
    async close() {
      await snapshots.close();
      await health.close();
      await runtime.publisher.close();
      await runtime.dispatchers.close();
      runtime.metrics.close();
    },
  };
}

/** The data plane: see ProxyInstance. */
export async function createProxy(deps: { store: HotStore; config: ProxyConfig; logger?: Logger }): Promise<ProxyInstance> {
  const p = await createProxyInternals(deps);
  return { handler: p.handler, handles: p.handles, ready: p.ready, close: p.close };
}
