import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { EnvReader } from '@relay/core';
import { closeLogger, createLogger, type Logger } from '@relay/core/logger';
import { createHotStore, type HotStore } from '@relay/hot-store';
import { createScratchDatabase, type RelayOrm, type ScratchDatabase } from '@relay/db';
import { createControlPlane, loadControlPlaneConfig, openDatabase, startBackgroundJobs, type ControlPlane, type ControlPlaneConfig } from '@relay/control-plane';
import { testDatabaseUrl, uniqueSuffix } from './services.ts';
import { deleteRedisPrefix } from './redis-cluster.ts';

export interface GqlResult<T> {
  data: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> & { code?: string; field?: string } }[];
  /** HTTP status of the response. */
  status: number;
}

export interface TestControlPlane {
  /** Base URL, e.g. http://127.0.0.1:40123 (GraphQL at `${url}/graphql`). */
  url: string;
  /** POSTs one GraphQL operation; `token` is sent as `Authorization: Bearer`. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GqlResult<T>>;
  /** Session token of the `admin` user. */
  adminToken: string;
  adminPassword: string;
  orm: RelayOrm;
  store: HotStore;
  /** Key prefix of `store`: proxies started with the same Redis URL and prefix see its snapshots. */
  hotStorePrefix: string;
  config: ControlPlaneConfig;
  controlPlane: ControlPlane;
  server: Server;
  /** Folder with the SQLite file, secrets.json and logs/ (removed on close). */
  dataDir: string;
  logger: Logger;
  /** Flushes the log file (call before reading dataDir/logs). */
  flushLogs(): Promise<void>;
  close(): Promise<void>;
}

export interface TestControlPlaneOptions {
  db: 'sqlite' | 'mysql';
  /** Use Redis (with a unique key prefix, deleted on close) instead of the in-memory store. */
  redisUrl?: string;
  /** Extra environment for loadControlPlaneConfig (e.g. { LOGIN_RATE_LIMIT: '3' }). */
  env?: Record<string, string>;
}

/**
 * A real control plane over HTTP on a random port: SQLite in a temp dir or a fresh MariaDB
 * database `relay_test_<suffix>` (dropped on close), memory store or Redis under a unique prefix.
 * Logs go to `<dataDir>/logs` so tests can check what was written.
 */
export async function startTestControlPlane(opts: TestControlPlaneOptions): Promise<TestControlPlane> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-cp-'));
  let scratch: ScratchDatabase | undefined;
  if (opts.db === 'mysql') {
    const root = testDatabaseUrl();
    if (!root) throw new Error('startTestControlPlane({ db: "mysql" }) needs TEST_DATABASE_URL');
    scratch = await createScratchDatabase(root, `relay_test_${uniqueSuffix()}`);
  }
  const adminPassword = `admin-${randomBytes(6).toString('hex')}`;
  const config = loadControlPlaneConfig(
    new EnvReader({
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: adminPassword,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      API_KEY_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'info',
      // The mock upstream listens on 127.0.0.1, which the upstream address policy refuses by default.
      UPSTREAM_ALLOW_PRIVATE: 'true',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
      ...opts.env,
    }),
  );
  const prefix = `test:${uniqueSuffix()}:`;
  const logger = createLogger({ name: 'control-plane', level: config.logLevel, dataDir, pretty: false });
  const { orm } = await openDatabase(config, logger);
  const store = createHotStore({ redisUrl: opts.redisUrl, prefix });
  const controlPlane = await createControlPlane({ orm, store, config, logger });
  const jobs = await startBackgroundJobs(controlPlane);
  const server = createServer(controlPlane.httpHandler);
  controlPlane.attachWebSocket(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function gql<T>(query: string, variables?: Record<string, unknown>, token?: string, headers: Record<string, string> = {}): Promise<GqlResult<T>> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GqlResult<T>, 'status'>;
    return { data: body.data ?? null, errors: body.errors, status: res.status };
  }

  const login = await gql<{ login: { token: string } }>(
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
    { u: 'admin', p: adminPassword },
  );
  if (!login.data) throw new Error(`test control plane: admin login failed: ${JSON.stringify(login.errors)}`);

  let closed = false;
  return {
    url,
    gql,
    adminToken: login.data.login.token,
    adminPassword,
    orm,
    store,
    hotStorePrefix: prefix,
    config,
    controlPlane,
    server,
    dataDir,
    logger,
    flushLogs: () => closeLogger(logger),
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await jobs.close();
      await controlPlane.close();
      await store.close();
      await orm.close(true);
      if (opts.redisUrl) await deleteRedisPrefix(opts.redisUrl, prefix);
      await scratch?.drop();
      await closeLogger(logger);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
