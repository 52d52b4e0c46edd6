// The systems `pnpm soak` drives: embedded mode (the real main-embedded.ts process, SQLite + in-memory
// hot store) or production mode (control plane on a private MariaDB, proxy on a private Redis, two
// processes). Each is provisioned through GraphQL exactly as an operator would: an OpenAI account on
// the mock and one API key; the soak then reads the key's requestCount (one per recorded row).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startPrivateMariadb, startPrivateRedis, type PrivateMariadb, type PrivateService } from '../../libs/testkit/src/private-services.ts';
import { spawnPinned, type Child } from './proc.ts';
import { ROOT } from './proxy.ts';

const ADMIN_PASSWORD = 'soak-admin-password';
// UPSTREAM_ALLOW_PRIVATE: the bench mock listens on 127.0.0.1, which the upstream address policy refuses by default.
const SECRETS = { API_KEY_SECRET: 'soak-api-key-secret-0123456789abcdef', ENCRYPTION_KEY: 'soak-encryption-key-0123456789abcdef0123', UPSTREAM_ALLOW_PRIVATE: 'true' };
/** Cores: the system under test on 0, load and mock on 1 (as the benchmark pins them). */
const SUT_CORE = 0;

/** One process of the system under test, restartable on the same port. */
export interface SoakProcess {
  label: string;
  child: Child | null;
  /** Its last stdout lines (the logger writes there). */
  lastLines: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SoakSystem {
  /** Base URL clients send /v1/* to. */
  proxyUrl: string;
  /** Base URL of /graphql. */
  controlUrl: string;
  /** The processes whose RSS is sampled (embedded: one). */
  processes: SoakProcess[];
  /** The process `--stop-cp` stops (the control plane; in embedded mode there is none to stop alone). */
  controlPlane: SoakProcess | null;
  redisUrl: string | null;
  apiKey: string;
  /** Rows recorded for the soak key (its requestCount). */
  recordedRows(): Promise<number>;
  close(): Promise<void>;
}

type Gql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

function gqlAt(url: () => string, token?: () => string): Gql {
  return async <T>(query: string, variables?: Record<string, unknown>) => {
    const auth = token?.();
    const res = await fetch(`${url()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (!body.data || body.errors?.length) throw new Error(`GraphQL failed (${res.status}): ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

function appProcess(label: string, script: string, env: NodeJS.ProcessEnv, ready: RegExp | null, nodeArgs: string[]): SoakProcess {
  const p: SoakProcess = {
    label,
    child: null,
    lastLines: [],
    async start() {
      const { child } = await spawnPinned(SUT_CORE, process.execPath, [...nodeArgs, '--import', 'tsx', join(ROOT, script)], {
        cwd: ROOT, env: { LOG_LEVEL: 'warn', ...env }, ready, timeoutMs: 120_000,
        onLine: (line) => {
          p.lastLines.push(line);
          if (p.lastLines.length > 20) p.lastLines.shift();
        },
      });
      p.child = child;
    },
    async stop() {
      await p.child?.stop(15_000);
      p.child = null;
    },
  };
  return p;
}

async function untilOk(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Logs in as admin, creates the OpenAI account on the mock and a key; waits until the proxy serves it. */
async function provision(controlUrl: string, proxyUrl: string, mockUrl: string): Promise<{ apiKey: string; recordedRows: () => Promise<number> }> {
  let token = '';
  const gql = gqlAt(() => controlUrl, () => token);
  token = (await gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: 'admin', p: ADMIN_PASSWORD })).login.token;
  await gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', { i: { name: 'soak mock', platform: 'OPENAI', apiKey: 'sk-openai-soak-upstream', baseUrl: mockUrl } });
  const created = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id } } }', { i: { name: 'soak' } });
  const { key } = created.createApiKey;
  const keyId = created.createApiKey.apiKey.id;
  await untilOk('proxy serving the soak key', async () => (await fetch(`${proxyUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).ok);
  const recordedRows = async () => {
    const data = await gql<{ myApiKeys: { id: string; requestCount: number }[] }>('{ myApiKeys { id requestCount } }');
    return data.myApiKeys.find((k) => k.id === keyId)?.requestCount ?? 0;
  };
  return { apiKey: key, recordedRows };
}

/** Embedded mode: one main-embedded.ts process with a fresh DATA_DIR (SQLite, in-memory hot store). */
export async function startEmbedded(mockUrl: string, nodeArgs: string[]): Promise<SoakSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-soak-embedded-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { PORT: String(port), DATA_DIR: dataDir, ADMIN_PASSWORD, DATABASE_URL: '', REDIS_URL: '', HOT_STORE_PREFIX: '', ...SECRETS };
  const embedded = appProcess('embedded', 'apps/control-plane/src/main-embedded.ts', env, /Relay is running at/, nodeArgs);
  await embedded.start();
  const url = `http://127.0.0.1:${port}`;
  const { apiKey, recordedRows } = await provision(url, url, mockUrl);
  return {
    proxyUrl: url, controlUrl: url, processes: [embedded], controlPlane: null, redisUrl: null, apiKey, recordedRows,
    async close() {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Production mode: private MariaDB + Redis, apps/control-plane/src/main.ts and apps/proxy/src/main.ts as processes. */
export async function startProduction(mockUrl: string, nodeArgs: string[]): Promise<SoakSystem & { db: PrivateMariadb }> {
  let redis: PrivateService | null = null;
  let db: PrivateMariadb | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-soak-production-'));
  [redis, db] = await Promise.all([startPrivateRedis(), startPrivateMariadb({ database: 'relay' })]);
  const cpPort = await freePort();
  const proxyPort = await freePort();
  const common = { ...SECRETS, REDIS_URL: redis.url, DATA_DIR: dataDir };
  const cp = appProcess('control-plane', 'apps/control-plane/src/main.ts', { ...common, DATABASE_URL: db.url, PORT: String(cpPort), ADMIN_PASSWORD, NODE_ENV: 'production' }, null, nodeArgs);
  const proxy = appProcess('proxy', 'apps/proxy/src/main.ts', { ...common, PORT: String(proxyPort), PROXY_ANNOUNCE_PORT: '1', NODE_ENV: 'production', PROXY_WORKERS: '1' }, /PROXY_PORT=\d+/, nodeArgs);
  const controlUrl = `http://127.0.0.1:${cpPort}`;
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  // The control plane prints nothing on stdout once listening: readiness is its /healthz.
  const cpStart = cp.start.bind(cp);
  cp.start = async () => {
    await cpStart();
    await untilOk('control plane /healthz', async () => (await fetch(`${controlUrl}/healthz`)).ok, 120_000);
  };
  await cp.start();
  await proxy.start();
  const { apiKey, recordedRows } = await provision(controlUrl, proxyUrl, mockUrl);
  const privateDb = db;
  const privateRedis = redis;
  return {
    proxyUrl, controlUrl, processes: [cp, proxy], controlPlane: cp, redisUrl: redis.url, apiKey, recordedRows, db,
    async close() {
      await proxy.stop();
      await cp.stop();
      await Promise.all([privateRedis.close(), privateDb.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
