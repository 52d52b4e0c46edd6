import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The proxy's Prometheus metrics, on a registry of its own (never the global default). */
export class ProxyMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'relay_proxy_requests_total', help: 'Requests by client format and status class', labelNames: ['format', 'status_class'] as const, registers: [this.registry] });
  readonly tokens = new Counter({ name: 'relay_proxy_tokens_total', help: 'Tokens billed by kind', labelNames: ['kind'] as const, registers: [this.registry] });
  readonly cost = new Counter({ name: 'relay_proxy_cost_micro_usd_total', help: 'Rated cost billed, micro-USD', registers: [this.registry] });
  readonly duration = new Histogram({ name: 'relay_proxy_request_duration_seconds', help: 'Whole request duration', buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300], registers: [this.registry] });
  readonly ttft = new Histogram({ name: 'relay_proxy_ttft_seconds', help: 'Time to the first upstream content byte', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [this.registry] });
  readonly upstreamErrors = new Counter({ name: 'relay_proxy_upstream_errors_total', help: 'Failed upstream attempts', labelNames: ['platform', 'account'] as const, registers: [this.registry] });
  readonly activeStreams = new Gauge({ name: 'relay_proxy_active_streams', help: 'Streams being relayed now', registers: [this.registry] });
  readonly accountCooldowns = new Gauge({ name: 'relay_proxy_account_cooldowns', help: 'Accounts cooling down now', registers: [this.registry] });
}
