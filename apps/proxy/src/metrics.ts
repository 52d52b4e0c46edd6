import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { MetricsText } from '@relay/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Distinct values the `account` label takes; errors of further accounts are counted under "other".
 * Each value is a time series kept for the life of the process, so the set must not grow without end.
 */
export const MAX_ACCOUNT_LABELS = 1000;

/**
 * The proxy's Prometheus metrics, on a registry of its own (never the global default). Under
 * PROXY_WORKERS > 1 each worker keeps its own and the primary merges them (apps/proxy/src/cluster.ts):
 * counters, histograms and `activeStreams` are summed; the gauges that describe one shared state
 * (cooldowns, the stream cap) or a worst case (event-loop delay, GC pause) take the maximum.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  /** Set in a cluster worker: `text()` answers with every worker's metrics merged by the primary. */
  source: (() => Promise<MetricsText>) | null = null;
  private readonly accountLabels = new Set<string>();
  readonly requests = new Counter({ name: 'relay_proxy_requests_total', help: 'Requests by client format and status class', labelNames: ['format', 'status_class'] as const, registers: [this.registry] });
  readonly tokens = new Counter({ name: 'relay_proxy_tokens_total', help: 'Tokens billed by kind', labelNames: ['kind'] as const, registers: [this.registry] });
  readonly cost = new Counter({ name: 'relay_proxy_cost_micro_usd_total', help: 'Rated cost billed, micro-USD', registers: [this.registry] });
  readonly duration = new Histogram({ name: 'relay_proxy_request_duration_seconds', help: 'Whole request duration', buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300], registers: [this.registry] });
  readonly ttft = new Histogram({ name: 'relay_proxy_ttft_seconds', help: 'Time to the first upstream content byte', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [this.registry] });
  readonly upstreamErrors = new Counter({ name: 'relay_proxy_upstream_errors_total', help: 'Failed upstream attempts', labelNames: ['platform', 'account'] as const, registers: [this.registry] });
  readonly activeStreams = new Gauge({ name: 'relay_proxy_active_streams', help: 'Streams being relayed now', registers: [this.registry] });
  readonly accountCooldowns = new Gauge({ name: 'relay_proxy_account_cooldowns', help: 'Accounts cooling down now', aggregator: 'max', registers: [this.registry] });
  /** 1 while the usage stream is at USAGE_STREAM_MAX_BYTES: the ingester is behind and the oldest events are being dropped. */
  readonly usageStreamFull = new Gauge({ name: 'relay_proxy_usage_stream_full', help: 'Whether the usage stream is at its size cap (1) or not (0)', aggregator: 'max', registers: [this.registry] });
  /**
   * Event-loop stalls (perf_hooks histogram, 10 ms resolution, reset at every scrape): a stall
   * delays every stream this proxy relays by as much, so it is the first thing to check when
   * clients see gaps. The sampling timer is native and unref'd; its cost is one wake-up per 10 ms.
   */
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  readonly loopDelayMax = new Gauge({
    name: 'relay_proxy_event_loop_delay_max_seconds', help: 'Longest event-loop delay since the previous scrape', aggregator: 'max', registers: [this.registry],
    collect: () => this.collectLoopDelay(),
  });
  readonly loopDelayP99 = new Gauge({ name: 'relay_proxy_event_loop_delay_p99_seconds', help: 'p99 event-loop delay since the previous scrape', aggregator: 'max', registers: [this.registry] });
  /** Longest garbage-collection pause since the previous scrape (tells a GC stall from a busy loop). */
  private gcMaxMs = 0;
  private readonly gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration > this.gcMaxMs) this.gcMaxMs = e.duration;
  });
  readonly gcPauseMax = new Gauge({
    name: 'relay_proxy_gc_pause_max_seconds', help: 'Longest garbage-collection pause since the previous scrape', aggregator: 'max', registers: [this.registry],
    collect: () => {
      this.gcPauseMax.set(this.gcMaxMs / 1000);
      this.gcMaxMs = 0;
    },
  });

  /** Requests each worker process accepted (PROXY_WORKERS > 1 only): `worker` is node's cluster worker id, `pid` its process. */
  readonly workerRequests = new Counter({ name: 'relay_proxy_worker_requests_total', help: 'HTTP requests accepted per proxy worker process', labelNames: ['worker', 'pid'] as const, registers: [this.registry] });

  constructor() {
    this.loopDelay.enable();
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  private collectLoopDelay(): void {
    const h = this.loopDelay;
    // Counted beyond the sampling interval itself; an empty histogram reports NaN/huge minimums.
    this.loopDelayMax.set(h.count > 0 ? Math.max(0, h.max / 1e9 - 0.01) : 0);
    this.loopDelayP99.set(h.count > 0 ? Math.max(0, h.percentile(99) / 1e9 - 0.01) : 0);
    h.reset();
  }

  /** The `account` label for an account id: its own for the first MAX_ACCOUNT_LABELS accounts seen, then "other". */
  accountLabel(accountId: string): string {
    if (this.accountLabels.has(accountId)) return accountId;
    if (this.accountLabels.size >= MAX_ACCOUNT_LABELS) return 'other';
    this.accountLabels.add(accountId);
    return accountId;
  }

  /** The Prometheus text: this process's registry, or in a cluster worker all workers' merged. */
  async text(): Promise<MetricsText> {
    if (this.source) return this.source();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Stops the event-loop sampler and the GC observer (tests that create many proxies). */
  close(): void {
    this.loopDelay.disable();
    this.gcObserver.disconnect();
  }
}
