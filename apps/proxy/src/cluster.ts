/**
 * PROXY_WORKERS > 1: one primary process and N proxy workers sharing PORT through node:cluster
 * (round-robin: the primary accepts and hands each connection to the next worker).
 *
 * - The primary runs no proxy: it forks the workers, replaces one that dies, announces the port
 *   once all listen, serves METRICS_LISTEN, and on SIGTERM/SIGINT passes SIGTERM to every worker
 *   (each drains as a single proxy does, see main.ts) and exits 0 once all exited 0.
 * - Limits, leases and the usage stream live in the hot store, so they stay global across workers.
 * - /metrics: any worker asked for it asks the primary, which collects every worker's registry over
 *   IPC and merges them (prom-client's AggregatorRegistry.aggregate: sums, or the maximum for the
 *   gauges so marked in metrics.ts) together with its own relay_proxy_workers / restarts series.
 * - With DATA_DIR, worker slot 0 uses DATA_DIR itself (a single proxy's spool carries over) and slot
 *   k > 0 uses DATA_DIR/worker-k: the usage spool and log files are never shared by two processes.
 *   A replacement takes its predecessor's slot, so it replays the spool that one left.
 */
import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import { describeError, startMetricsListener, type MetricsText } from '@relay/core';
import { AggregatorRegistry, Counter, Gauge, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { ProxyConfig } from './config.ts';
import { createProxyLogger } from './logger.ts';
import type { ProxyMetrics } from './metrics.ts';

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** IPC between the primary and its workers (tagged so other messages pass by). */
type ClusterMessage =
  | { relay: 'metrics-ask'; id: number }
  | { relay: 'metrics-answer'; id: number; text?: MetricsText; error?: string }
  | { relay: 'collect'; id: number }
  | { relay: 'collected'; id: number; metrics: MetricsJson };

const isClusterMessage = (m: unknown): m is ClusterMessage => typeof m === 'object' && m !== null && 'relay' in m;

/** How long a scrape waits for one worker's registry before leaving it out (a worker that hangs or just died). */
const COLLECT_TIMEOUT_MS = 3_000;
/** A replacement that died before listening is forked again after this pause, not in a tight loop. */
const RESPAWN_PAUSE_MS = 1_000;

/** The number of workers PROXY_WORKERS asks for (its default: every core in production, else 1). */
export function workerCount(config: Pick<ProxyConfig, 'workers' | 'nodeEnv'>, cores: number): number {
  return config.workers ?? (config.nodeEnv === 'production' ? cores : 1);
}

/** The data dir of worker `slot` (see the file comment). */
export function workerDataDir(dataDir: string, slot: number): string {
  return slot === 0 ? dataDir : join(dataDir, `worker-${slot}`);
}

/** Runs the primary until SIGTERM/SIGINT drained every worker, then exits the process. */
export async function runPrimary(config: ProxyConfig, count: number): Promise<void> {
  const logger = createProxyLogger(config.logLevel, config.dataDir, 'proxy-primary');
  const registry = new Registry();
  const live = new Gauge({ name: 'relay_proxy_workers', help: 'Proxy worker processes running (PROXY_WORKERS)', registers: [registry] });
  const restarts = new Counter({ name: 'relay_proxy_worker_restarts_total', help: 'Proxy workers that died and were replaced', registers: [registry] });
  const slots = new Map<number, Worker>();
  const listening = new Set<Worker>();
  const collecting = new Map<number, { worker: Worker; done: (m: MetricsJson | null) => void }>();
  let nextId = 0;
  let stopping = false;
  let announced = false;
  let failedCode = 0;

  /** One worker's registry, or null when it does not answer in time or exits first. */
  const collectFrom = (worker: Worker): Promise<MetricsJson | null> => new Promise((resolve) => {
    const id = nextId++;
    const timer = setTimeout(() => finish(null), COLLECT_TIMEOUT_MS);
    const finish = (m: MetricsJson | null) => {
      clearTimeout(timer);
      collecting.delete(id);
      resolve(m);
    };
    collecting.set(id, { worker, done: finish });
    try {
      worker.send({ relay: 'collect', id } satisfies ClusterMessage);
    } catch {
      finish(null);
    }
  });

  /** Every running worker's metrics merged, plus the primary's own. */
  const clusterMetrics = async (): Promise<MetricsText> => {
    const workers = [...slots.values()].filter((w) => w.isConnected());
    const parts = await Promise.all(workers.map(collectFrom));
    const merged = AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), ...parts.filter((p): p is MetricsJson => p !== null)]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  };

  const exitWhenAllGone = () => {
    if (slots.size > 0) return;
    logger.info({ code: failedCode }, 'all workers exited; primary exiting');
    process.exit(failedCode);
  };

  const stopAll = (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ why, workers: slots.size }, 'draining every worker');
    for (const w of slots.values()) w.process.kill('SIGTERM');
    exitWhenAllGone();
  };

  const fork = (slot: number) => {
    const env: Record<string, string> = config.dataDir ? { DATA_DIR: workerDataDir(config.dataDir, slot) } : {};
    const worker = cluster.fork(env);
    const bornAt = Date.now();
    slots.set(slot, worker);
    live.set(slots.size);
    worker.on('message', (msg: unknown) => {
      if (!isClusterMessage(msg)) return;
      if (msg.relay === 'collected') collecting.get(msg.id)?.done(msg.metrics);
      else if (msg.relay === 'metrics-ask') {
        clusterMetrics().then(
          (text) => worker.isConnected() && worker.send({ relay: 'metrics-answer', id: msg.id, text } satisfies ClusterMessage),
          (err) => worker.isConnected() && worker.send({ relay: 'metrics-answer', id: msg.id, error: describeError(err) } satisfies ClusterMessage),
        );
      }
    });
    worker.once('listening', (address) => {
      listening.add(worker);
      logger.info({ slot, pid: worker.process.pid, port: address.port }, 'worker listening');
      if (!announced && [...slots.values()].every((w) => listening.has(w))) {
        announced = true;
        logger.info({ port: address.port, workers: slots.size }, 'proxy listening');
        // A parent process (tests, the benchmark) reads this line to learn an ephemeral port.
        if (config.announcePort) process.stdout.write(`PROXY_PORT=${address.port}\n`);
      }
    });
    worker.once('exit', (code, signal) => {
      for (const c of collecting.values()) if (c.worker === worker) c.done(null);
      const wasListening = listening.delete(worker);
      if (slots.get(slot) === worker) slots.delete(slot);
      live.set(slots.size);
      if (stopping) {
        // A worker still booting when the SIGTERM came has no handler yet and dies of the signal: not a failure.
        if (code !== 0 && signal !== 'SIGTERM') failedCode = 1;
        exitWhenAllGone();
        return;
      }
      if (!announced && !wasListening) {
        // The first boot failed (bad Redis, port taken): the worker printed why; stop like a single proxy would.
        logger.error({ slot, code, signal }, 'a worker failed to start; stopping');
        failedCode = code || 1;
        stopAll('boot failure');
        return;
      }
      restarts.inc();
      logger.warn({ slot, pid: worker.process.pid, code, signal, livedMs: Date.now() - bornAt }, 'worker died; starting a replacement');
      if (wasListening) fork(slot);
      else setTimeout(() => !stopping && fork(slot), RESPAWN_PAUSE_MS);
    });
  };

  process.on('SIGTERM', () => stopAll('SIGTERM'));
  process.on('SIGINT', () => stopAll('SIGINT'));
  for (let slot = 0; slot < count; slot++) fork(slot);
  logger.info({ workers: count }, 'primary started');
  const metricsListen = config.metricsListen;
  if (metricsListen) {
    await startMetricsListener(metricsListen, clusterMetrics, config.metricsToken).catch((err) => {
      process.stderr.write(`Cannot listen on METRICS_LISTEN ${metricsListen.host}:${metricsListen.port}: ${describeError(err)}; choose a free local address for METRICS_LISTEN\n`);
      failedCode = 1;
      stopAll('metrics listener');
    });
  }
}

/**
 * In a worker: answers the primary's requests for this process's registry, and makes `metrics.text()`
 * (the /metrics route) ask the primary for every worker's merged. `beforeCollect` refreshes gauges
 * read at scrape time. `onPrimaryGone` runs when the IPC channel closes (the primary died).
 */
export function joinCluster(metrics: ProxyMetrics, beforeCollect: () => void, onPrimaryGone: () => void): void {
  const waiting = new Map<number, (m: Extract<ClusterMessage, { relay: 'metrics-answer' }>) => void>();
  let nextId = 0;
  process.on('message', (msg: unknown) => {
    if (!isClusterMessage(msg)) return;
    if (msg.relay === 'collect') {
      beforeCollect();
      void metrics.registry.getMetricsAsJSON().then((m) => process.send?.({ relay: 'collected', id: msg.id, metrics: m } satisfies ClusterMessage));
    } else if (msg.relay === 'metrics-answer') waiting.get(msg.id)?.(msg);
  });
  metrics.source = () => new Promise<MetricsText>((resolve, reject) => {
    const id = nextId++;
    const timer = setTimeout(() => answer({ relay: 'metrics-answer', id, error: 'the primary did not answer' }), COLLECT_TIMEOUT_MS + 2_000);
    const answer = (m: Extract<ClusterMessage, { relay: 'metrics-answer' }>) => {
      clearTimeout(timer);
      waiting.delete(id);
      if (m.text) resolve(m.text);
      else reject(new Error(m.error ?? 'no metrics'));
    };
    waiting.set(id, answer);
    process.send?.({ relay: 'metrics-ask', id } satisfies ClusterMessage);
  });
  process.once('disconnect', onPrimaryGone);
}
