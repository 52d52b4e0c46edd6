import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@relay/testkit/private-services';

/** The repository root (two levels above e2e/faults). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Secrets shared by the control plane and the proxies of the fault suite (test-only values). */
export const FAULT_SECRETS = {
  API_KEY_SECRET: 'faults-api-key-secret-0123456789abcdef',
  ENCRYPTION_KEY: 'faults-encryption-key-0123456789abcdef0123',
  // The mock upstream listens on 127.0.0.1, which the upstream address policy refuses by default.
  UPSTREAM_ALLOW_PRIVATE: 'true',
};

/**
 * An app (`apps/<name>/src/main.ts`) as ONE child process: `node --import tsx` rather than the tsx
 * CLI, which would put a second process in between and let a SIGKILL orphan the real server.
 * stdout/stderr go to `<logDir>/<label>.log` (appended across restarts) for post-mortems.
 */
export class AppProcess {
  child: ChildProcess | null = null;
  url = '';
  private log: WriteStream;
  private ready: ((out: string) => string | null | Promise<string | null>) | null = null;
  private timeoutMs = 60_000;

  constructor(
    readonly label: string,
    private readonly script: string,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  /** Spawns the process; `ready(stdoutSoFar)` returns the base URL once the process announced itself. */
  async start(ready: (out: string) => string | null | Promise<string | null>, timeoutMs = 60_000): Promise<void> {
    this.ready = ready;
    this.timeoutMs = timeoutMs;
    const child = spawn(process.execPath, ['--import', 'tsx', this.script], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      this.log.write(c);
    });
    child.stderr!.on('data', (c: Buffer) => this.log.write(c));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${this.label} exited with ${child.exitCode} during start:\n${this.tail()}`);
      const url = await ready(out);
      if (url) {
        this.url = url;
        return;
      }
      if (Date.now() > deadline) throw new Error(`${this.label} not ready within ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Starts the process again with the same environment and readiness check. */
  async restart(): Promise<void> {
    if (!this.ready) throw new Error(`${this.label} was never started`);
    await this.start(this.ready, this.timeoutMs);
  }

  /** Sends a signal and resolves once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }

  /** Last lines of the process output. */
  tail(lines = 60): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no output)';
    }
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((r) => this.log.end(() => r()));
  }
}

/** GET `${url}/healthz` answers 200. */
async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** The production control plane (`apps/control-plane/src/main.ts`) on a fixed port, so restarts keep its URL. */
export async function controlPlaneProcess(opts: { databaseUrl: string; redisUrl: string; dataDir: string; adminPassword: string }): Promise<AppProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = new AppProcess('control-plane', 'apps/control-plane/src/main.ts', {
    ...FAULT_SECRETS, DATABASE_URL: opts.databaseUrl, REDIS_URL: opts.redisUrl, DATA_DIR: opts.dataDir, PORT: String(port),
    ADMIN_PASSWORD: opts.adminPassword, LOG_LEVEL: 'info', LOGIN_RATE_LIMIT: '1000',
  }, join(opts.dataDir, 'control-plane.out.log'));
  await proc.start(async () => ((await healthy(url)) ? url : null), 90_000);
  return proc;
}

/**
 * A standalone proxy (`apps/proxy/src/main.ts`) on an ephemeral port (announced on stdout), file spool in dataDir.
 * `env` overrides the defaults (e.g. another control plane's secrets and HOT_STORE_PREFIX).
 */
export async function proxyProcess(label: string, opts: { redisUrl: string; dataDir: string; env?: Record<string, string> }): Promise<AppProcess> {
  const proc = new AppProcess(label, 'apps/proxy/src/main.ts', {
    ...FAULT_SECRETS, REDIS_URL: opts.redisUrl, DATA_DIR: opts.dataDir, PORT: '0', PROXY_ANNOUNCE_PORT: '1',
    LOG_LEVEL: 'warn', SNAPSHOT_POLL_MS: '500', ...opts.env,
  }, join(opts.dataDir, `${label}.out.log`));
  await proc.start((out) => {
    const m = /PROXY_PORT=(\d+)/.exec(out);
    return m ? `http://127.0.0.1:${m[1]}` : null;
  });
  return proc;
}

export interface GqlClient {
  /** Runs one operation and returns `data`; throws with the GraphQL errors otherwise. */
  <T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
}

/** A minimal GraphQL client for the control plane at `url`. */
export function gqlClient(url: string): GqlClient {
  return async <T>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (!body.data || body.errors?.length) throw new Error(`GraphQL failed (${res.status}): ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

/** Polls `probe` until it returns a value (not undefined), at most `ms`; throws with `what` otherwise. */
export async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>, gapMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, gapMs));
  }
}
