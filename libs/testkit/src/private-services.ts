import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private Redis and MariaDB instances for fault tests: each runs as a child process on a spare
 * port with its data in a temp dir, so a test may stop, kill or restart it without disturbing
 * the shared services (or other suites) on this machine.
 */

/** A free TCP port on 127.0.0.1 (the OS picks one; it is released before the caller binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it resolves true or the deadline passes (then throws with `what`). */
async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what}: process exited with code ${child.exitCode}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends one raw RESP-inline command and resolves with the first reply line. */
function redisCommand(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('redis command timed out'));
    }, timeoutMs);
    sock.on('connect', () => sock.write(`${command}\r\n`));
    sock.on('data', (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\r\n');
      if (nl >= 0) {
        clearTimeout(timer);
        sock.end();
        resolve(buf.slice(0, nl));
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Sends SIGTERM (SIGKILL after `killAfterMs`) and resolves once the process has exited. */
function stopChild(child: ChildProcess, killAfterMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface PrivateService {
  /** Connection URL (redis://127.0.0.1:<port> or mysql://root@127.0.0.1:<port>/<db>). */
  readonly url: string;
  readonly port: number;
  /** True while the server process runs. */
  readonly running: boolean;
  /** Stops the server (SIGTERM) and resolves once the process has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port (and, for MariaDB, the same data dir); resolves when it answers. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Stops the server for good and removes its temp dir. */
  close(): Promise<void>;
}

/**
 * One server process on a fixed port with its temp dir: `launch` spawns it, `ready` resolves once
 * it answers. start() is a no-op while it runs; stop() waits for the exit; close() also removes the dir.
 */
async function serverProcess(opts: {
  url: string; port: number; dir: string; launch: () => ChildProcess; ready: (child: ChildProcess) => Promise<void>; killAfterMs?: number;
}): Promise<PrivateService> {
  let child: ChildProcess | null = null;
  async function start(): Promise<void> {
    if (child && child.exitCode === null) return;
    child = opts.launch();
    await opts.ready(child);
  }
  async function stop(): Promise<void> {
    if (child) await stopChild(child, opts.killAfterMs);
  }
  await start();
  return {
    url: opts.url,
    port: opts.port,
    get running() {
      return !!child && child.exitCode === null && child.signalCode === null;
    },
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      rmSync(opts.dir, { recursive: true, force: true });
    },
  };
}

/**
 * A private redis-server on a free port, nothing persisted (`--save '' --appendonly no`): a
 * restart comes back EMPTY, like a production Redis without persistence after a crash.
 */
export async function startPrivateRedis(): Promise<PrivateService> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-redis-'));
  const port = await freePort();
  return serverProcess({
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    launch: () => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log')], { stdio: 'ignore' }),
    ready: (c) => waitUntil(`private redis on ${port}`, async () => (await redisCommand(port, 'PING')) === '+PONG', 10_000, c),
  });
}

/** Runs a command to completion and resolves with its stdout; rejects with its output when it fails. */
function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout!.on('data', (d) => (out += d));
    c.stderr!.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${(out + err).slice(-2000)}`))));
  });
}

export interface PrivateMariadb extends PrivateService {
  /**
   * Runs SQL with the `mariadb` client over TCP in the service's database and returns the rows as
   * string cells (tab-separated batch output; NULL comes back as the string "NULL").
   */
  query(sql: string): Promise<string[][]>;
}

/**
 * A private MariaDB on a free port with a fresh data dir: root@127.0.0.1 with an empty password
 * (`--auth-root-authentication-method=normal`), and the database `db` created. Runs as root when
 * the test runs as root (`--user=root`; mariadbd refuses root otherwise). stop() shuts it down
 * cleanly (SIGTERM), start() brings it back on the same data dir and port.
 */
export async function startPrivateMariadb(opts: { database?: string } = {}): Promise<PrivateMariadb> {
  const database = opts.database ?? 'relay';
  const dir = mkdtempSync(join(tmpdir(), 'relay-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'mariadb.sock');
  const user = process.getuid?.() === 0 ? 'root' : (process.env.USER ?? 'root');
  await run('mariadb-install-db', [
    '--no-defaults', `--datadir=${datadir}`, `--user=${user}`, '--auth-root-authentication-method=normal', '--skip-test-db',
  ]);
  const port = await freePort();
  const client = (sql: string) => run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '-e', sql]);
  const server = await serverProcess({
    url: `mysql://root@127.0.0.1:${port}/${database}`,
    port,
    dir,
    killAfterMs: 30_000,
    launch: () => spawn('mariadbd', [
      '--no-defaults', `--datadir=${datadir}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${socket}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`, `--user=${user}`, `--log-error=${join(dir, 'error.log')}`,
      '--skip-log-bin', '--innodb-buffer-pool-size=64M', '--innodb-log-file-size=48M', '--innodb-flush-log-at-trx-commit=2',
      '--max-connections=200', '--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci',
    ], { stdio: 'ignore' }),
    // Answers over TCP as root@127.0.0.1 — exactly what the app will do.
    ready: (c) => waitUntil(
      `private mariadb on ${port}`,
      async () => {
        await run('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uroot', '-e', 'select 1']);
        return true;
      },
      30_000,
      c,
    ),
  });
  await client(`create database if not exists \`${database}\``);
  return Object.assign(server, {
    async query(sql: string): Promise<string[][]> {
      const out = await run('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uroot', '--batch', '--skip-column-names', '-e', sql, database]);
      return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
    },
  });
}
