/**
 * Production control plane (`pnpm start:control-plane`): MySQL/MariaDB (or SQLite) + the shared
 * hot store, GraphQL API, admin app, snapshot publishing and the proxy-event consumer. Proxies run
 * as separate processes (`pnpm start:proxy`).
 */
import { createServer } from 'node:http';
import { ConfigError, EnvReader, loadConfigOrExit } from '@relay/core';
import { closeLogger, createLogger } from '@relay/core/logger';
import { createHotStore } from '@relay/hot-store';
import { loadControlPlaneConfig } from './config.ts';
import { firstStartMessage, openDatabase } from './bootstrap.ts';
import { createControlPlane } from './server.ts';
import { startBackgroundJobs } from './background.ts';
import { closeHttpServer, onShutdownSignal } from './shutdown.ts';

const config = loadConfigOrExit(() => {
  const c = loadControlPlaneConfig(new EnvReader());
  // Proxies only see what the control plane publishes to the shared store.
  if (c.databaseUrl && !c.redisUrl) throw new ConfigError('REDIS_URL', 'a redis:// URL (required when DATABASE_URL is set)');
  return c;
});
const logger = createLogger({ name: 'control-plane', level: config.logLevel, dataDir: config.dataDir });

const { orm, createdAdmin } = await openDatabase(config, logger);
const store = createHotStore({ redisUrl: config.redisUrl, prefix: config.hotStorePrefix });
const cp = await createControlPlane({ orm, store, config, logger });
const jobs = await startBackgroundJobs(cp);

const server = createServer(cp.httpHandler);
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
