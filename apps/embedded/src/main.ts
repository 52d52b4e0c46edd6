/**
 * Embedded mode (`pnpm start`): both planes in ONE process on one port. This app is only the
 * composition: it depends on @relay/control-plane and @relay/proxy, which never import each other.
 * The proxy serves its client paths (/v1/*, /v1beta/*, …) from the in-process hot store (or REDIS_URL when given); everything
 * else — /graphql, the admin app — goes to the control plane. Storage is SQLite under DATA_DIR
 * unless DATABASE_URL is set. `/readyz` and `/metrics` on the one port report both planes. A failed
 * boot prints one line saying what to fix and exits non-zero.
 */
import { createServer } from 'node:http';
import { BootError, bootStep, describeError, EnvReader, redactUrl, exitOnBootFailure, loadConfigOrExit, restrictDataDir, startMetricsListener } from '@relay/core';
import { closeLogger, createLogger } from '@relay/core/logger';
import { createHotStore } from '@relay/hot-store';
import { createProxy, loadProxyConfig } from '@relay/proxy';
import {
  closeHttpServer, createControlPlane, databaseFix, firstStartMessage, loadControlPlaneConfig, onShutdownSignal, openDatabase, resolveSecrets, startBackgroundJobs,
} from '@relay/control-plane';

const env = new EnvReader();
const config = loadConfigOrExit(() => loadControlPlaneConfig(env));
await bootStep(`Cannot prepare DATA_DIR ${config.dataDir}`, 'set DATA_DIR to a folder this user owns', () => restrictDataDir(config.dataDir)).catch(exitOnBootFailure);
const secrets = await bootStep(`Cannot read ${config.dataDir}/secrets.json`, 'fix or remove the file (a new one orphans stored credentials and keys)', () => resolveSecrets(config)).catch(exitOnBootFailure);
// The proxy reads the same environment, with the secrets (possibly generated) and port filled in.
const proxyConfig = loadConfigOrExit(() =>
  loadProxyConfig(env.with({ API_KEY_SECRET: secrets.apiKeySecret, ENCRYPTION_KEY: secrets.encryptionKey, PORT: String(config.port), DATA_DIR: config.dataDir })),
);
const logger = createLogger({ name: 'relay', level: config.logLevel, dataDir: config.dataDir });

const { orm, createdAdmin } = await bootStep('Cannot open the database', databaseFix(config), () => openDatabase(config, logger)).catch(exitOnBootFailure);
const store = createHotStore({ redisUrl: config.redisUrl, prefix: config.hotStorePrefix });
if (config.redisUrl) await bootStep(`Cannot reach Redis at ${redactUrl(config.redisUrl)}`, 'check REDIS_URL (or unset it for the in-process store) and that Redis is running', () => store.ping()).catch(exitOnBootFailure);
const { cp, jobs, proxy } = await bootStep('Cannot start', 'check that the database and Redis stay reachable', async () => {
  const plane = await createControlPlane({ orm, store, config, logger, secrets });
  const background = await startBackgroundJobs(plane);
  const dataPlane = await createProxy({ store, config: proxyConfig, logger: logger.child({ plane: 'proxy' }) });
  await dataPlane.ready;
  return { cp: plane, jobs: background, proxy: dataPlane };
}).catch(exitOnBootFailure);
// One port, one answer for both planes: readiness covers the database, the hot store and the
// proxy's snapshot; metrics carry both registries (behind METRICS_TOKEN, as everywhere).
cp.addReadinessCheck('proxy', () => proxy.readiness().ready);
cp.services.metrics.include(async () => (await proxy.metricsText()).body);
const metricsListen = config.metricsListen;
if (metricsListen) {
  await bootStep(`Cannot listen on METRICS_LISTEN ${metricsListen.host}:${metricsListen.port}`, 'choose a free local address for METRICS_LISTEN', () =>
    startMetricsListener(metricsListen, () => cp.services.metrics.text(), config.metricsToken)).catch(exitOnBootFailure);
}
const OPERATOR_PATHS = new Set(['/readyz', '/metrics']);

const server = createServer((req, res) => {
  const pathname = (req.url ?? '/').split('?')[0];
  if (!OPERATOR_PATHS.has(pathname) && proxy.handles(pathname)) proxy.handler(req, res);
  else cp.httpHandler(req, res);
});
server.once('error', (e) => exitOnBootFailure(new BootError(`Cannot listen on PORT ${config.port}: ${describeError(e)}; choose a free PORT`)));
cp.attachWebSocket(server);
server.listen(config.port, () => {
  const url = `http://localhost:${config.port}`;
  logger.info({ port: config.port }, 'relay (embedded) listening');
  if (createdAdmin) process.stdout.write(firstStartMessage(url, createdAdmin));
  else process.stdout.write(`Relay is running at ${url}\n`);
});

// The proxy drains first (readiness 503, streams finish or are cut at SHUTDOWN_GRACE_MS and
// billed); the rest closes after it. The hard stop allows the grace plus time to flush.
onShutdownSignal(logger, async () => {
  await proxy.drain(proxyConfig.shutdownGraceMs);
  await closeHttpServer(server, 2_000);
  await proxy.close();
  await jobs.close();
  await cp.close();
  await store.close();
  await orm.close();
  await closeLogger(logger);
}, proxyConfig.shutdownGraceMs + 20_000);
