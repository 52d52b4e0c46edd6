import type { Clock, Platform } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import type { ProxyConfig } from './config.ts';
import type { Drain } from './drain.ts';
import type { Logger } from './logger.ts';
import type { ProxyMetrics } from './metrics.ts';
import type { Translation } from './relay/translation.ts';
import type { AccountHealth } from './routing/account-health.ts';
import type { UsageWindowTracker } from './routing/usage-windows.ts';
import type { SnapshotCache } from './snapshot/snapshot-cache.ts';
import type { EgressDispatchers, UpstreamAdapter } from '@relay/upstreams';
import type { InflightRegistry } from './usage/inflight-registry.ts';
import type { UsagePublisher } from './usage/usage-publisher.ts';

/** The long-lived parts of one proxy instance, handed to routes and the relay. */
export interface ProxyRuntime {
  config: ProxyConfig;
  store: HotStore;
  logger: Logger;
  snapshots: SnapshotCache;
  health: AccountHealth;
  /** Claude subscription usage windows (pauses, remaining window) shared through the hot store. */
  windows: UsageWindowTracker;
  adapters: Record<Platform, UpstreamAdapter>;
  dispatchers: EgressDispatchers;
  publisher: UsagePublisher;
  /** This instance's in-flight requests: heartbeat, lease renewal, usage checkpoints. */
  inflight: InflightRegistry;
  metrics: ProxyMetrics;
  /** SIGTERM drain: readiness, the in-flight count, and the deadline that cuts open streams. */
  drain: Drain;
  translation: Translation;
  /** The instant admission windows, budgets' day and key expiry are judged at (tests inject a fixed one). */
  clock: Clock;
}
