import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@relay/testkit/private-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The shippable build: `pnpm build` bundles the processes with esbuild into dist/, and
// `node dist/embedded.mjs` (no tsx, no TypeScript at run time) runs the whole platform: it prints
// the admin login, answers /healthz and /readyz, logs the admin in over GraphQL and serves the SPA.
const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'relay-bundle-'));
let child: ChildProcess | null = null;

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`pnpm build failed:\n${build.stdout}${build.stderr}`);
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded bundle (pnpm build && node dist/embedded.mjs)', () => {
  it('prints the admin login, answers /healthz and GraphQL login, serves the admin app, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir };
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'ADMIN_PASSWORD', 'ENCRYPTION_KEY', 'API_KEY_SECRET', 'HOT_STORE_PREFIX', 'METRICS_LISTEN', 'NODE_OPTIONS']) delete env[name];
    const proc = spawn(process.execPath, ['dist/embedded.mjs'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bundle start timed out:\n${output}`)), 60_000);
      const onData = (d: Buffer) => {
        output += d.toString();
        if (output.includes('Relay is running at')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`bundle exited with ${code}:\n${output}`)));
    });
    const password = /log in as admin \/ (\S+)/.exec(output)?.[1];
    expect(password, output).toBeTruthy();
    const base = `http://127.0.0.1:${port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const login = await fetch(`${base}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($u:String!,$p:String!){ login(username:$u, password:$p){ token user { role } } }', variables: { u: 'admin', p: password } }),
    });
    expect(await login.json()).toMatchObject({ data: { login: { token: expect.any(String), user: { role: 'ADMIN' } } } });
    const spa = await fetch(`${base}/`);
    expect(spa.status).toBe(200);
    expect(await spa.text()).toContain('<div id="root">');

    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
