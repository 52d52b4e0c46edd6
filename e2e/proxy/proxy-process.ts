import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_API_KEY_SECRET, TEST_ENCRYPTION_KEY } from '@relay/testkit';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ProxyProcess {
  url: string;
  child: ChildProcess;
}

/** Starts `apps/proxy/src/main.ts` as its own process on Redis under `prefix`; resolves with its URL once it listens. */
export function startProxyProcess(redisUrl: string, prefix: string): Promise<ProxyProcess> {
  const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['apps/proxy/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, REDIS_URL: redisUrl, HOT_STORE_PREFIX: prefix, PORT: '0', PROXY_ANNOUNCE_PORT: '1', LOG_LEVEL: 'silent',
      API_KEY_SECRET: TEST_API_KEY_SECRET, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, UPSTREAM_ALLOW_PRIVATE: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /PROXY_PORT=(\d+)/.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, child });
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => reject(new Error(`proxy process exited with ${code}: ${err}`)));
  });
}

/** SIGTERM to each process; resolves once all have exited. */
export async function stopProxyProcesses(procs: ProxyProcess[]): Promise<void> {
  await Promise.all(procs.map((p) => new Promise<void>((r) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return r();
    p.child.once('exit', () => r());
    p.child.kill('SIGTERM');
  })));
}
