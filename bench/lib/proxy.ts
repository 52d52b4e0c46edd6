// The proxy under test in its production profile: the standalone process (apps/proxy/src/main.ts)
// on the real Redis hot store, a key with RPM / concurrency / cost limits, accounts on the mock,
// usage events to the Redis stream, metrics on. Runs either as an esbuild bundle (how operators
// run it) or under tsx (the dev runner), pinned to core 0.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHotStore } from '@relay/hot-store';
import { publishSnapshot, TEST_API_KEY_SECRET, TEST_ENCRYPTION_KEY, type SnapshotSpec } from '@relay/testkit';
import { BENCH_KEY } from './cases.ts';
import { spawnPinned, type Child } from './proc.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const OUT_DIR = join(ROOT, 'bench/.out');
export const PROXY_BUNDLE = join(OUT_DIR, 'proxy.mjs');

/** Key limits high enough never to refuse, low enough that every check runs. */
export function benchSpec(mockUrl: string): SnapshotSpec {
  return {
    users: [{ id: '1', priceRate: '1.2' }],
    keys: [{
      id: '1', userId: '1', key: BENCH_KEY, rpm: 100_000_000, concurrency: 5000,
      dailyCostLimit: '1000000', totalCostLimit: '100000000',
    }],
    accounts: [
      { id: '1', platform: 'openai', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-openai-bench-upstream' } },
      { id: '2', platform: 'claude-console', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-ant-bench-upstream' } },
    ],
    prices: [
      { model: 'gpt-4o', price: { input: '2.5', output: '10', cacheRead: '1.25' } },
      { model: 'claude-sonnet-4-20250514', price: { input: '3', output: '15', cacheWrite: '3.75', cacheRead: '0.3' } },
    ],
  };
}

/** Publishes the bench snapshot under `prefix` in Redis (before the proxy starts, so it boots with it). */
export async function publishBenchSnapshot(redisUrl: string, prefix: string, mockUrl: string): Promise<void> {
  const store = createHotStore({ redisUrl, prefix });
  try {
    await publishSnapshot(store, benchSpec(mockUrl));
  } finally {
    await store.close();
  }
}

/**
 * apps/proxy/src/relay/translation.ts loads the translate layer with `import(path)` on a variable,
 * which a bundler cannot follow: the bundle would silently serve same-format traffic only. Until
 * the proxy imports it statically, rewrite that one call to a literal so esbuild bundles the layer.
 */
/** The slice of esbuild's API used here (esbuild is tsx's dependency, so its types are not resolvable from bench/). */
interface EsbuildPlugin { name: string; setup(build: { onLoad(o: { filter: RegExp }, cb: (args: { path: string }) => { contents: string; loader: 'ts' }): void }): void }
interface Esbuild { build(opts: Record<string, unknown>): Promise<unknown> }

const staticTranslateImport: EsbuildPlugin = {
  name: 'static-translate-import',
  setup(build) {
    build.onLoad({ filter: /relay[\\/]translation\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(/import\(\s*\/\*[^*]*\*\/\s*path\s*\)/, "import('../translate/index.ts')");
      translateImportPatched = contents !== source;
      return { contents, loader: 'ts' };
    });
  },
};

/** True when the last bundle needed the translate-import rewrite (reported in BENCHMARKS.md). */
export let translateImportPatched = false;

/**
 * Bundles apps/proxy/src/main.ts and its dependencies into bench/.out/proxy.mjs with esbuild
 * (tsx's own copy: no extra dependency). Returns the bundle path.
 */
export async function bundleProxy(outfile: string = PROXY_BUNDLE): Promise<string> {
  const tsxRequire = createRequire(realpathSync(join(ROOT, 'node_modules/tsx/package.json')));
  const esbuild = tsxRequire('esbuild') as Esbuild;
  mkdirSync(OUT_DIR, { recursive: true });
  await esbuild.build({
    entryPoints: [join(ROOT, 'apps/proxy/src/main.ts')],
    outfile,
    bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: 'linked', logLevel: 'error',
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    plugins: [staticTranslateImport],
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
  });
  return outfile;
}

export type ProxyMode = 'bundle' | 'tsx';

export interface RunningProxy {
  child: Child;
  url: string;
  mode: ProxyMode;
}

/** The bearer token the benchmark's proxy requires on /metrics. */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';

/**
 * Starts the standalone proxy on `core` (a taskset CPU list) and waits until it answers /readyz.
 * `workers` is PROXY_WORKERS (1 unless given: one process, no cluster primary).
 */
export async function startProxy(opts: { mode: ProxyMode; redisUrl: string; prefix: string; core: number | string; workers?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv; bundle?: string }): Promise<RunningProxy> {
  const entry = opts.mode === 'bundle' ? [opts.bundle ?? PROXY_BUNDLE] : ['--import', 'tsx', join(ROOT, 'apps/proxy/src/main.ts')];
  const { child, match } = await spawnPinned(opts.core, process.execPath, [...(opts.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    ready: /PROXY_PORT=(\d+)/,
    env: {
      PORT: '0', PROXY_ANNOUNCE_PORT: '1', NODE_ENV: 'production', LOG_LEVEL: 'warn',
      REDIS_URL: opts.redisUrl, HOT_STORE_PREFIX: opts.prefix,
      API_KEY_SECRET: TEST_API_KEY_SECRET, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      // The mock listens on 127.0.0.1 (refused by the upstream address policy by default); the run scrapes /metrics.
      UPSTREAM_ALLOW_PRIVATE: 'true', METRICS_TOKEN: BENCH_METRICS_TOKEN, PROXY_WORKERS: String(opts.workers ?? 1), ...opts.env,
    },
  });
  const url = `http://127.0.0.1:${match[1]}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`proxy at ${url} not ready (no snapshot or no Redis)\n${child.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, mode: opts.mode };
}
