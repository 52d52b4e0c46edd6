/**
 * Production control plane (`pnpm start:control-plane`): MySQL/MariaDB (or SQLite) + the shared
 * hot store, GraphQL API, admin app, snapshot publishing and the proxy-event consumer. Proxies run
 * as separate processes (`pnpm start:proxy`). A failed boot (bad config, database or Redis not
 * reachable) prints one line saying what to fix and exits non-zero.
 */
import { createServer } from 'node:http';
import { BootError, bootStep, describeError, ConfigError, redactUrl, EnvReader, exitOnBootFailure, loadConfigOrExit, restrictDataDir, startMetricsListener } from '@relay/core';
import { closeLogger, createLogger } from '@relay/core/logger';
import { createHotStore } from '@relay/hot-store';
import { loadControlPlaneConfig } from './config.ts';
import { databaseFix, firstStartMessage, openDatabase } from './bootstrap.ts';
import { createControlPlane } from './server.ts';
import { startBackgroundJobs } from './background.ts';
import { closeHttpServer, onShutdownSignal } from './shutdown.ts';

const config = loadConfigOrExit(() => {
  const c = loadControlPlaneConfig(new EnvReader());
  // Proxies only see what the control plane publishes to the shared store.
  if (c.databaseUrl && !c.redisUrl) throw new ConfigError('REDIS_URL', 'a redis:// URL (required when DATABASE_URL is set)');
  return c;
});
await bootStep(`Cannot prepare DATA_DIR ${config.dataDir}`, 'set DATA_DIR to a folder this user owns', () => restrictDataDir(config.dataDir)).catch(exitOnBootFailure);
const logger = createLogger({ name: 'control-plane', level: config.logLevel, dataDir: config.dataDir });

const { orm, createdAdmin } = await bootStep('Cannot open the database', databaseFix(config), () => openDatabase(config, logger)).catch(exitOnBootFailure);
const store = createHotStore({ redisUrl: config.redisUrl, prefix: config.hotStorePrefix });
await bootStep(`Cannot reach Redis at ${redactUrl(config.redisUrl ?? '')}`, 'check REDIS_URL and that Redis is running', () => store.ping()).catch(exitOnBootFailure);
const { cp, jobs } = await bootStep('Cannot start the control plane', 'check that the database and Redis stay reachable', async () => {
  const plane = await createControlPlane({ orm, store, config, logger });
  return { cp: plane, jobs: await startBackgroundJobs(plane) };
}).catch(exitOnBootFailure);
const metricsListen = config.metricsListen;
if (metricsListen) {
  await bootStep(`Cannot listen on METRICS_LISTEN ${metricsListen.host}:${metricsListen.port}`, 'choose a free local address for METRICS_LISTEN', () =>
    startMetricsListener(metricsListen, () => cp.services.metrics.text(), config.metricsToken)).catch(exitOnBootFailure);
}

const server = createServer(cp.httpHandler);
server.once('error', (e) => exitOnBootFailure(new BootError(`Cannot listen on PORT ${config.port}: ${describeError(e)}; choose a free PORT`)));
cp.attachWebSocket(server);
server.listen(config.port, () => {
  const url = `http://localhost:${config.port}`;
  logger.info({ port: config.port }, 'control plane listening');
  if (createdAdmin) process.stdout.write(firstStartMessage(url, createdAdmin));
});

onShutdownSignal(logger, async () => {
  await closeHttpServer(server);
  await jobs.close();
  await cp.close();
  await store.close();
  await orm.close();
  await closeLogger(logger);
});
