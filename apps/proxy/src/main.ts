/**
 * Standalone proxy process (`pnpm start:proxy`): config from the environment, the Redis hot
 * store, the Koa data plane on PORT, metrics on METRICS_LISTEN when set, and a graceful SIGTERM
 * drain (see `shutdown`). A failed boot prints one line and exits. With PROXY_WORKERS > 1 this
 * process becomes the cluster primary and each worker runs the same file (see cluster.ts).
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { BootError, bootStep, describeError, ConfigError, EnvReader, exitOnBootFailure, loadConfigOrExit, restrictDataDir, startMetricsListener } from '@relay/core';
import { createHotStore } from '@relay/hot-store';
import { joinCluster, runPrimary, workerCount } from './cluster.ts';
import { loadProxyConfig, type ProxyConfig } from './config.ts';
import { createProxyLogger } from './logger.ts';
import { createProxyInternals } from './proxy.ts';
import { refreshScrapeGauges } from './routes/health.ts';

const config = loadConfigOrExit(() => {
  const c = loadProxyConfig(new EnvReader());
  if (!c.redisUrl) throw new ConfigError('REDIS_URL', 'a redis:// URL (the standalone proxy shares its hot store)');
  return c;
});
const workers = workerCount(config, availableParallelism());
if (cluster.isPrimary && workers > 1) await runPrimary(config, workers);
else await serve(config, cluster.isWorker);

/** One proxy: the whole process, or one cluster worker (then the primary announces the port and serves METRICS_LISTEN). */
async function serve(config: ProxyConfig, isWorker: boolean): Promise<void> {
  const dataDir = config.dataDir;
  if (dataDir) await bootStep(`Cannot prepare DATA_DIR ${dataDir}`, 'set DATA_DIR to a folder this user owns', () => restrictDataDir(dataDir)).catch(exitOnBootFailure);
  const logger = createProxyLogger(config.logLevel, config.dataDir);
  const store = createHotStore({ redisUrl: config.redisUrl, prefix: config.hotStorePrefix });
  const proxy = await bootStep('Cannot start the proxy', 'check REDIS_URL and that Redis is running', () => createProxyInternals({ store, config, logger })).catch(exitOnBootFailure);
  const metricsListen = config.metricsListen;
  if (metricsListen && !isWorker) {
    await bootStep(`Cannot listen on METRICS_LISTEN ${metricsListen.host}:${metricsListen.port}`, 'choose a free local address for METRICS_LISTEN', () =>
      startMetricsListener(metricsListen, () => proxy.metricsText(), config.metricsToken)).catch(exitOnBootFailure);
  }
  let handler = proxy.handler;
  if (isWorker) {
    const { metrics } = proxy.runtime;
    joinCluster(metrics, () => refreshScrapeGauges(proxy.runtime), () => void shutdown('primary gone'));
    const accepted = metrics.workerRequests.labels(String(cluster.worker!.id), String(process.pid));
    accepted.inc(0); // the series exists (with this pid) from the start
    handler = (req, res) => {
      accepted.inc();
      proxy.handler(req, res);
    };
  }
  const server = createServer(handler);
  server.once('error', (e) => exitOnBootFailure(new BootError(`Cannot listen on PORT ${config.port}: ${describeError(e)}; choose a free PORT`)));
  server.keepAliveTimeout = 65_000;
  server.listen(config.port, () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    logger.info({ port }, isWorker ? 'worker listening' : 'proxy listening');
    // A parent process (tests) reads this line to learn an ephemeral port (the primary prints it for workers).
    if (config.announcePort && !isWorker) process.stdout.write(`PROXY_PORT=${port}\n`);
  });

  let stopping = false;
  /**
   * SIGTERM: /readyz turns 503 at once and new API requests are refused (503, connection closed);
   * running requests and streams get SHUTDOWN_GRACE_MS, then open streams end with an error event
   * and are billed; usage and in-flight checkpoints are flushed before exiting 0.
   */
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'draining');
    const cut = await proxy.drain(config.shutdownGraceMs);
    if (cut > 0) logger.warn({ streams: cut }, 'grace period over: open requests ended with an error event');
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await proxy.close().catch((err) => logger.error({ err: describeError(err) }, 'flushing usage failed'));
    await store.close().catch(() => undefined);
    logger.info('drained; exiting');
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
