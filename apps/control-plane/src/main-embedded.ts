/**
 * Embedded mode (`pnpm start`): both planes in ONE process on one port. The proxy serves its client
 * paths (/v1/*, /v1beta/*, …) from the in-process hot store (or REDIS_URL when given); everything
 * else — /graphql, the admin app — goes to the control plane. Storage is SQLite under DATA_DIR
 * unless DATABASE_URL is set.
 */
import { createServer } from 'node:http';
import { EnvReader, loadConfigOrExit } from '@relay/core';
import { closeLogger, createLogger } from '@relay/core/logger';
import { createHotStore } from '@relay/hot-store';
import { createProxy, loadProxyConfig } from '@relay/proxy';
import { loadControlPlaneConfig } from './config.ts';
import { resolveSecrets } from './secrets.ts';
import { firstStartMessage, openDatabase } from './bootstrap.ts';
import { createControlPlane } from './server.ts';
import { startBackgroundJobs } from './background.ts';
import { closeHttpServer, onShutdownSignal } from './shutdown.ts';

const env = new EnvReader();
const config = loadConfigOrExit(() => loadControlPlaneConfig(env));
const secrets = resolveSecrets(config);
// The proxy reads the same environment, with the secrets (possibly generated) and port filled in.
const proxyConfig = loadConfigOrExit(() =>
  loadProxyConfig(env.with({ API_KEY_SECRET: secrets.apiKeySecret, ENCRYPTION_KEY: secrets.encryptionKey, PORT: String(config.port), DATA_DIR: config.dataDir })),
);
const logger = createLogger({ name: 'relay', level: config.logLevel, dataDir: config.dataDir });

const { orm, createdAdmin } = await openDatabase(config, logger);
const store = createHotStore({ redisUrl: config.redisUrl, prefix: config.hotStorePrefix });
const cp = await createControlPlane({ orm, store, config, logger, secrets });
const jobs = await startBackgroundJobs(cp);
const proxy = await createProxy({ store, config: proxyConfig, logger: logger.child({ plane: 'proxy' }) });
await proxy.ready;

const server = createServer((req, res) => {
  const pathname = (req.url ?? '/').split('?')[0];
  if (proxy.handles(pathname)) proxy.handler(req, res);
  else cp.httpHandler(req, res);
});
cp.attachWebSocket(server);
server.listen(config.port, () => {
  const url = `http://localhost:${config.port}`;
  logger.info({ port: config.port }, 'relay (embedded) listening');
  if (createdAdmin) process.stdout.write(firstStartMessage(url, createdAdmin));
  else process.stdout.write(`Relay is running at ${url}\n`);
});

onShutdownSignal(logger, async () => {
  await closeHttpServer(server);
  await proxy.close();
  await jobs.close();
  await cp.close();
  await store.close();
  await orm.close();
  await closeLogger(logger);
});
