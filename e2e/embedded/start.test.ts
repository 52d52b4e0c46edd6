import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a newcomer gets from `pnpm start`: one process, one port, SQLite + in-process store, the
// admin user created on first start with a password printed once, and everything served there.
const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'relay-embedded-'));
const children: ChildProcess[] = [];
const METRICS_TOKEN = 'embedded-metrics-token-0001';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Starts the embedded platform and resolves with what it printed once it is listening. */
async function startEmbedded(port: number): Promise<{ child: ChildProcess; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, METRICS_TOKEN };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'ADMIN_PASSWORD', 'ENCRYPTION_KEY', 'API_KEY_SECRET', 'HOT_STORE_PREFIX', 'METRICS_LISTEN']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/embedded/src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedded start timed out:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('Relay is running at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`embedded process exited with ${code}:\n${output}`)));
  });
  return { child, output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function login(base: string, password: string): Promise<any> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($u:String!,$p:String!){ login(username:$u, password:$p){ token user { username role } } }', variables: { u: 'admin', p: password } }),
  });
  return res.json();
}

beforeAll(() => {
  // The admin app is served from its build; build.mjs is a no-op when the build is current.
  const build = spawnSync(process.execPath, ['apps/admin/build.mjs'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`admin build failed:\n${build.stdout}${build.stderr}`);
}, 120_000);

afterAll(async () => {
  await Promise.all(children.map(stop));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded mode (pnpm start)', () => {
  let password = '';

  it('starts on one port with SQLite, prints the admin login, and serves health, GraphQL, the LLM paths and the admin app', async () => {
    const port = await freePort();
    const { child, output } = await startEmbedded(port);
    const m = /log in as admin \/ (\S+)/.exec(output);
    expect(m, output).not.toBeNull();
    password = m![1];
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);

    const logged = await login(base, password);
    expect(logged.errors).toBeUndefined();
    expect(logged.data.login.token).toMatch(/\S{20,}/);
    expect(logged.data.login.user).toEqual({ username: 'admin', role: 'ADMIN' });

    // The proxy answers on the same port, in the client's own error format.
    const noKey = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"gpt-4o","messages":[]}' });
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error.message).toBeTruthy();

    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\//);

    expect(existsSync(join(dataDir, 'relay.db'))).toBe(true);
    await stop(child);
  });

  it('readiness and metrics on the one port cover both planes; metrics only with METRICS_TOKEN', async () => {
    const port = await freePort();
    const { child } = await startEmbedded(port);
    const base = `http://127.0.0.1:${port}`;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: true, hotStore: true, proxy: true });

    const anonymous = await fetch(`${base}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toMatch(/relay_(cp|proxy)_/);
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toMatch(/^relay_cp_usage_ingester_lag_seconds \d/m);
    expect(text).toMatch(/^relay_cp_usage_ingester_pending_entries \d/m);
    expect(text).toMatch(/^# TYPE relay_proxy_requests_total counter$/m);
    await stop(child);
  });

  it('keeps DATA_DIR private: database, secrets and logs 0600, folders 0700 (also tightening files an older version left open)', async () => {
    // A log file from before, world-readable: the next start makes it private.
    writeFileSync(join(dataDir, 'logs', 'old.log'), 'old\n', { mode: 0o644 });
    const port = await freePort();
    const { child } = await startEmbedded(port);
    await stop(child);
    const entries = [dataDir, ...readdirSync(dataDir, { recursive: true }).map((p) => join(dataDir, String(p)))];
    const modes = Object.fromEntries(entries.map((p) => [p.slice(dataDir.length) || '/', (statSync(p).mode & 0o777).toString(8)]));
    expect(Object.keys(modes)).toEqual(expect.arrayContaining(['/', '/relay.db', '/secrets.json', '/logs', '/logs/old.log']));
    expect(Object.keys(modes).some((p) => /^\/logs\/relay\.\d+\.log$/.test(p))).toBe(true);
    for (const [path, mode] of Object.entries(modes)) {
      expect(mode, path).toBe(statSync(join(dataDir, path)).isDirectory() ? '700' : '600');
    }
  });

  it('a bad DATA_DIR ends the start with one line saying what to fix, no stack trace', async () => {
    const notADir = join(dataDir, 'secrets.json');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'apps/embedded/src/main.ts'], {
      cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATA_DIR: join(notADir, 'sub'), PORT: '0', DATABASE_URL: '', REDIS_URL: '' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Cannot prepare DATA_DIR .*; set DATA_DIR to a folder this user owns$/)]);
    expect(r.stdout).toBe('');
  });

  it('keeps its data across a restart: no new admin, the same password still works', async () => {
    expect(password).not.toBe('');
    const port = await freePort();
    const { child, output } = await startEmbedded(port);
    expect(output).not.toMatch(/log in as admin \//);
    const logged = await login(`http://127.0.0.1:${port}`, password);
    expect(logged.data.login.user.username).toBe('admin');
    await stop(child);
  });
});
