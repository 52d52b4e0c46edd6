// `npx tsx bench/session-share.ts`: how much CPU one session gets with 1 and with 2 busy processes
// (alternating, 5 s each, twice). With the kernel's sched_autogroup on, CPU is shared between
// sessions first: on a machine busy with other sessions the total stays the same however many
// processes a session runs, which caps what PROXY_WORKERS can show in `pnpm bench` there.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpuMicros, sessionGroups } from './lib/proc.ts';

const BURN_MS = 5000;

if (process.argv[2] === 'burn') {
  const end = Date.now() + BURN_MS;
  while (Date.now() < end);
  process.exit(0);
}

const { autogroup, busy } = sessionGroups();
process.stdout.write(`sched_autogroup ${autogroup ? 'on' : 'off'}; ${busy} sessions with runnable work; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
for (const n of [1, 2, 1, 2]) {
  const t0 = Date.now();
  const kids = Array.from({ length: n }, () => fork(import.meta.filename, ['burn'], { execArgv: ['--import', 'tsx'] }));
  // Sampled just before the loops end (an exited child's /proc entry is gone).
  await new Promise((r) => setTimeout(r, BURN_MS - 100));
  const cpuS = kids.reduce((sum, k) => sum + cpuMicros(k.pid!), 0) / 1e6;
  const wallS = (Date.now() - t0) / 1000;
  await Promise.all(kids.map((k) => new Promise((r) => k.once('exit', r))));
  process.stdout.write(`${n} busy process(es) in this session: ${cpuS.toFixed(2)} CPU-s in ${wallS.toFixed(1)} s = ${(cpuS / wallS).toFixed(2)} cores\n`);
}
