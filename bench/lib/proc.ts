// Process plumbing for the benchmark: pinned child processes that announce a port on stdout,
// and the kernel's own accounting (/proc) for CPU time and resident memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat utime/stime (USER_HZ; 100 on every Linux build in use). */
const CLK_TCK = 100;

/** CPU time (user + system) a process has used so far, in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start with the state (field 3).
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1_000_000) / CLK_TCK;
}

/**
 * CPU time of this process's children that have exited and been waited for (cutime + cstime of
 * /proc/self/stat), in microseconds: the difference around one wrk run is wrk's own CPU.
 */
export function reapedChildrenCpuMicros(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[13]) + Number(rest[14])) * 1_000_000) / CLK_TCK;
}

/** Busy CPU time of the whole machine so far (all cores, /proc/stat: everything but idle and iowait), in microseconds. */
export function machineBusyMicros(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return ((total - v[3] - v[4]) * 1_000_000) / CLK_TCK;
}

/** The pids of a process's direct children (Linux /proc/<pid>/task/<pid>/children). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * The scheduler's session groups: whether autogroup is on (/proc/sys/kernel/sched_autogroup_enabled;
 * the kernel then shares CPU between sessions first, then between the processes of a session) and
 * how many distinct sessions have a process running or runnable right now.
 */
export function sessionGroups(): { autogroup: boolean; busy: number } {
  let autogroup = false;
  try { autogroup = readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1'; } catch {}
  const groups = new Set<string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'R') continue;
      groups.add(readFileSync(`/proc/${name}/autogroup`, 'utf8').split(' ')[0]);
    } catch {}
  }
  return { autogroup, busy: groups.size };
}

/** The 1-minute load average now. */
export function loadAvg1(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

/** Resident set size of a process in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** A child process plus what it announced. */
export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Everything it printed on stderr (last 8 KB), for error messages. */
  stderr(): string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `cmd args` pinned to CPU `core` (or a taskset list such as "0,1") with taskset and resolves once a stdout line matches
 * `ready` (the match is returned; `null`: at once, for processes that announce nothing on stdout).
 * Rejects when the process exits first or after `timeoutMs`.
 */
export async function spawnPinned(
  core: number | string, cmd: string, args: string[],
  opts: { env?: NodeJS.ProcessEnv; ready: RegExp | null; timeoutMs?: number; cwd?: string; onLine?: (line: string) => void },
): Promise<{ child: Child; match: RegExpExecArray }> {
  const proc = spawn('taskset', ['-c', String(core), cmd, ...args], {
    cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => { err = (err + d).slice(-8192); });
  const child: Child = {
    proc,
    pid: proc.pid!,
    stderr: () => err,
    stop: (graceMs = 5000) => new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const kill = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      proc.once('exit', () => { clearTimeout(kill); resolve(); });
      proc.kill('SIGTERM');
    }),
  };
  if (opts.ready === null) {
    let rest = '';
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const lines = (rest + d).split('\n');
      rest = lines.pop()!;
      for (const line of lines) opts.onLine?.(line);
    });
    return { child, match: Object.assign([''], { index: 0, input: '' }) as RegExpExecArray };
  }
  const ready = opts.ready;
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let buf = '';
    let found = false;
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: not ready after ${opts.timeoutMs ?? 30_000} ms\n${err}`));
    }, opts.timeoutMs ?? 30_000);
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        opts.onLine?.(line);
        const m = found ? null : ready.exec(line);
        if (m) {
          found = true;
          clearTimeout(timer);
          resolve(m);
        }
      }
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`${cmd} ${args.join(' ')} exited (${code ?? signal}) before it was ready\n${err}`));
    });
  });
  return { child, match };
}

/** Runs a command to completion and returns its stdout (rejects on a non-zero exit). */
export function runToEnd(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    proc.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    const timer = opts.timeoutMs ? setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs) : undefined;
    proc.once('error', reject);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

/** The machine, for the report header. */
export function machineInfo(): { nproc: number; cpuModel: string; memoryGb: string; node: string; loadAvg: string } {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {}
  let loadAvg = '';
  try { loadAvg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '); } catch {}
  return { nproc: cpus().length, cpuModel, memoryGb: (totalmem() / 2 ** 30).toFixed(1), node: process.version, loadAvg };
}
