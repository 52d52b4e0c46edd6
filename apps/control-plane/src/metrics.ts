import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsText } from '@relay/core';
import { usagePendingCount } from './modules/usage/ingester-streams.ts';
import type { HotStore, StreamEntry } from '@relay/hot-store';

/** Distinct operation names kept as label values; later ones are counted as `other`. */
const MAX_OPERATION_LABELS = 200;

/** Milliseconds since the epoch encoded in a stream entry id (`<ms>-<seq>`), or NaN. */
function entryTimeMs(id: string): number {
  return Number(id.split('-', 1)[0]);
}

/**
 * What the usage ingester reports to the metrics, through three calls from its loop (so the loop
 * knows nothing of Prometheus).
 */
export interface IngesterObserver {
  /** After each read: an empty read means the ingester has caught up. */
  read(entries: StreamEntry[]): void;
  /** After a batch was stored and acknowledged. */
  stored(entries: StreamEntry[], result: { inserted: number; duplicates: number; deadLetters: number }): void;
  /** After a batch failed to store (it is retried). */
  failed(): void;
}

/**
 * The control plane's Prometheus metrics, on a registry of its own: the usage ingester (lag,
 * pending entries, batches, dead letters), the config snapshot (version, publish failures),
 * GraphQL latency per operation and login throttles. Served at `/metrics` behind METRICS_TOKEN.
 */
export class ControlPlaneMetrics {
  readonly registry = new Registry();
  private readonly extra: (() => Promise<string>)[] = [];

  /**
   * How far the ingester is behind: seconds from the proxy adding the oldest entry of the last
   * stored batch to that batch being committed; 0 once a read comes back empty (caught up).
   */
  readonly ingesterLag = new Gauge({ name: 'relay_cp_usage_ingester_lag_seconds', help: 'Seconds between a usage event entering the stream and being stored (last batch); 0 when caught up', registers: [this.registry] });
  readonly ingesterPending = new Gauge({
    name: 'relay_cp_usage_ingester_pending_entries', help: 'Usage entries delivered to an ingester but not yet acknowledged (whole group)', registers: [this.registry],
    collect: async () => {
      const pending = this.store ? await usagePendingCount(this.store).catch(() => null) : null;
      if (pending !== null && pending !== undefined) this.ingesterPending.set(pending);
    },
  });
  readonly ingesterBatches = new Counter({ name: 'relay_cp_usage_ingester_batches_total', help: 'Usage batches by outcome (stored, failed and retried)', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly ingesterEvents = new Counter({ name: 'relay_cp_usage_ingester_events_total', help: 'Usage events stored (inserted) or skipped as already stored (duplicate)', labelNames: ['result'] as const, registers: [this.registry] });
  readonly deadLetters = new Counter({ name: 'relay_cp_usage_dead_letters_total', help: 'Malformed usage entries logged and dropped', registers: [this.registry] });
  readonly snapshotVersion = new Gauge({
    name: 'relay_cp_snapshot_version', help: 'Version of the last config snapshot this process published', registers: [this.registry],
    collect: () => {
      if (this.snapshot) this.snapshotVersion.set(this.snapshot.lastVersion);
    },
  });
  readonly snapshotPublishFailures = new Counter({ name: 'relay_cp_snapshot_publish_failures_total', help: 'Config snapshot builds or publishes that failed (retried)', registers: [this.registry] });
  readonly graphqlDuration = new Histogram({
    name: 'relay_cp_graphql_duration_seconds', help: 'GraphQL operation latency by operation name', labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });
  /** Login attempts refused by the login throttle; the auth module increments it (`scope`: username or ip). */
  readonly loginThrottles = new Counter({ name: 'relay_cp_login_throttles_total', help: 'Login attempts refused by the login throttle (per username and client address)', registers: [this.registry] });

  private store: HotStore | null = null;
  private readonly operationNames = new Set<string>();
  private snapshot: { lastVersion: number } | null = null;

  /** Where pending entries and the snapshot version are read at scrape time. */
  watch(sources: { store: HotStore; snapshots: { lastVersion: number } }): void {
    this.store = sources.store;
    this.snapshot = sources.snapshots;
  }

  /** Adds another registry's text to `/metrics` (embedded mode: the proxy's metrics on the same port). */
  include(metricsText: () => Promise<string>): void {
    this.extra.push(metricsText);
  }

  /** The Prometheus text of this registry and every included one. */
  async text(): Promise<MetricsText> {
    const parts = await Promise.all([this.registry.metrics(), ...this.extra.map((f) => f())]);
    return { contentType: this.registry.contentType, body: parts.join('\n') };
  }

  /** The observer the usage ingester reports to. */
  ingesterObserver(): IngesterObserver {
    return {
      read: (entries) => {
        if (entries.length === 0) this.ingesterLag.set(0);
      },
      stored: (entries, r) => {
        this.ingesterBatches.inc({ outcome: 'stored' });
        this.ingesterEvents.inc({ result: 'inserted' }, r.inserted);
        this.ingesterEvents.inc({ result: 'duplicate' }, r.duplicates);
        this.deadLetters.inc(r.deadLetters);
        const oldest = Math.min(...entries.map((e) => entryTimeMs(e.id)).filter(Number.isFinite));
        if (Number.isFinite(oldest)) this.ingesterLag.set(Math.max(0, (Date.now() - oldest) / 1000));
      },
      failed: () => this.ingesterBatches.inc({ outcome: 'failed' }),
    };
  }

  /** Apollo plugin: times every operation, labelled with its operation name (`anonymous` without one). */
  graphqlPlugin<T extends object>(): ApolloServerPlugin<T> {
    const histogram = this.graphqlDuration;
    const seen = this.operationNames;
    return {
      async requestDidStart() {
        const started = performance.now();
        let failed = false;
        return {
          async didEncounterErrors() {
            failed = true;
          },
          async willSendResponse({ operationName, operation }) {
            // Names come from clients: only a plain identifier becomes a label value, to bound cardinality.
            const name = operationName ?? operation?.name?.value;
            let label = name && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : 'anonymous';
            if (!seen.has(label)) {
              if (seen.size >= MAX_OPERATION_LABELS) label = 'other';
              else seen.add(label);
            }
            histogram.observe({ operation: label, outcome: failed ? 'error' : 'ok' }, (performance.now() - started) / 1000);
          },
        };
      },
    };
  }
}
