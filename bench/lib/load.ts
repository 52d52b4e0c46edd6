// The load generator, pinned to core 1: wrk (Debian's /usr/bin/wrk) with a Lua script for the POST
// body and a machine-readable summary, or autocannon in a child process when wrk is absent.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runToEnd } from './proc.ts';

export interface LoadResult {
  tool: 'wrk' | 'autocannon';
  requests: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Non-2xx answers plus socket errors and timeouts: any of these makes the figure suspect. */
  errors: number;
}

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationS: number;
  /** CPU the generator runs on. */
  core: number;
}

const WRK = '/usr/bin/wrk';

export function loadTool(): 'wrk' | 'autocannon' {
  return existsSync(WRK) ? 'wrk' : 'autocannon';
}

function luaString(s: string): string {
  let eq = '';
  while (s.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[${s}]${eq}]`;
}

let scriptSeq = 0;

/** Writes the wrk script: fixed POST body and headers, a one-line summary in done(). */
function wrkScript(dir: string, spec: LoadSpec): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `wrk-${process.pid}-${scriptSeq++}.lua`);
  const headers = Object.entries(spec.headers).map(([k, v]) => `wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`).join('\n');
  writeFileSync(file, `wrk.method = "POST"
wrk.body = ${luaString(spec.body)}
${headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %.1f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout, latency.mean, e.status))
end
`);
  return file;
}

/** Runs one load and returns its figures (latency in ms). */
export async function runLoad(spec: LoadSpec, scratchDir: string): Promise<LoadResult> {
  if (loadTool() === 'wrk') {
    const script = wrkScript(scratchDir, spec);
    const out = await runToEnd('taskset', ['-c', String(spec.core), WRK, '-t1', `-c${spec.connections}`, `-d${spec.durationS}s`, '--timeout', '10s', '-s', script, spec.url], {
      timeoutMs: (spec.durationS + 30) * 1000,
    });
    const m = /BENCH (\d+) (\d+) (\d+) (\d+) (\d+) ([\d.]+)/.exec(out);
    if (!m) throw new Error(`wrk output not understood:\n${out}`);
    const requests = Number(m[1]);
    const durationS = Number(m[2]) / 1e6;
    return {
      tool: 'wrk', requests, durationS, rps: requests / durationS,
      p50Ms: Number(m[3]) / 1000, p99Ms: Number(m[4]) / 1000, meanMs: Number(m[6]) / 1000, errors: Number(m[5]),
    };
  }
  const out = await runToEnd('taskset', ['-c', String(spec.core), process.execPath, '--import', 'tsx', join(import.meta.dirname, 'autocannon-child.ts'), JSON.stringify(spec)], {
    timeoutMs: (spec.durationS + 30) * 1000,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
}
