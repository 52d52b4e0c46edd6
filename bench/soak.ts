// `pnpm soak`: steady full-speed traffic against the fast mock for minutes, sampling memory as it goes.
//
//   pnpm soak -- [--mode embedded|production] [--minutes 10] [--sample-s 15] [--connections 8]
//                [--stop-cp-at-min M --stop-cp-for-s N] [--upstream ok|fail] [--node-arg=--heapsnapshot-signal=SIGUSR2]
//
// Embedded: the real main-embedded.ts process (SQLite + in-memory hot store). Production: control plane
// on a private MariaDB and proxy (PROXY_WORKERS=1: one process, comparable across runs) on a private
// Redis, separate processes. At the end: RSS per minute (min / mean / max) of each process. Prints the RSS of each process
// (and Redis used_memory and the usage stream's XLEN in production) every sample and every minute, then
// the growth from minute 2 to the end, and checks that every request was recorded once: rows written for
// the soak key against responses received, counting requests still in flight when the load stopped.
import { join } from 'node:path';
import { allUsageStreams, DEFAULT_USAGE_STREAM_PARTITIONS, USAGE_GROUP } from '../libs/core/src/index.ts';
import { execFileSync } from 'node:child_process';
import { machineInfo, rssBytes, runToEnd, spawnPinned, type Child } from './lib/proc.ts';
import { ROOT } from './lib/proxy.ts';
import { redisProbe, type RedisProbe } from './lib/redis.ts';
import type { SoakLoadResult } from './lib/soak-load-child.ts';
import { startEmbedded, startProduction, type SoakSystem } from './lib/soak-setup.ts';
import { growthFromWarmUp, rssPerMinute, type Sample } from './lib/soak-figures.ts';

const LOAD_CORE = 1;
const MB = 1024 * 1024;
/** XLEN at or under this counts as drained: a few ingester batches (500 entries each). */
const DRAINED_XLEN = 2000;

function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i >= 0 && args[i + 1] !== undefined) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}
const mode = option('mode', 'embedded');
if (mode !== 'embedded' && mode !== 'production') throw new Error(`--mode must be embedded or production, not ${mode}`);
const minutes = Number(option('minutes', '10'));
const sampleS = Number(option('sample-s', '15'));
const connections = Number(option('connections', '8'));
const stopAtMin = Number(option('stop-cp-at-min', '0'));
const stopForS = Number(option('stop-cp-for-s', '60'));
const upstream = option('upstream', 'ok');
if (upstream !== 'ok' && upstream !== 'fail') throw new Error(`--upstream must be ok or fail, not ${upstream}`);
const nodeArgs = process.argv.slice(2).filter((a) => a.startsWith('--node-arg=')).map((a) => a.slice('--node-arg='.length));

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => (bytes / MB).toFixed(0);

async function startMock(): Promise<Child> {
  const { child, match } = await spawnPinned(LOAD_CORE, process.execPath, ['--import', 'tsx', join(ROOT, 'bench/mock-server.ts')], {
    cwd: ROOT, ready: /MOCK_PORT=(\d+)/, env: { BENCH_MOCK_FAIL: upstream === 'fail' ? '1' : '0' },
  });
  mockUrl = `http://127.0.0.1:${match[1]}`;
  return child;
}
let mockUrl = '';

function runLoadFor(system: SoakSystem, durationS: number): Promise<SoakLoadResult> {
  const spec = {
    url: `${system.proxyUrl}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${system.apiKey}` },
    body: JSON.stringify({ model: 'gpt-4o', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello.' }] }),
    connections, durationS,
  };
  return runToEnd('taskset', ['-c', String(LOAD_CORE), process.execPath, '--import', 'tsx', join(ROOT, 'bench/lib/soak-load-child.ts'), JSON.stringify(spec)], { timeoutMs: (durationS + 120) * 1000 })
    .then((out) => JSON.parse(out.trim().split('\n').pop()!) as SoakLoadResult);
}

async function sample(system: SoakSystem, probe: RedisProbe | null, streamKeys: string[], t0: number): Promise<Sample> {
  const rss: Record<string, number> = {};
  for (const p of system.processes) rss[p.label] = p.child ? rssBytes(p.child.pid) : 0;
  const s: Sample = { atS: (Date.now() - t0) / 1000, rss, rows: await system.recordedRows().catch(() => undefined) };
  if (probe) {
    s.redisUsedMemory = await probe.usedMemory().catch(() => undefined);
    s.xlen = await probe.xlen(streamKeys).catch(() => undefined);
    s.pending = await probe.pending(streamKeys, USAGE_GROUP).then((p) => p.count, () => undefined);
  }
  return s;
}

function describe(s: Sample): string {
  const parts = Object.entries(s.rss).map(([label, bytes]) => `${label} ${bytes ? `${mb(bytes)} MB` : 'stopped'}`);
  if (s.redisUsedMemory !== undefined) parts.push(`redis used_memory ${mb(s.redisUsedMemory)} MB`);
  if (s.xlen !== undefined) parts.push(`XLEN ${s.xlen} (pending ${s.pending ?? '?'})`);
  parts.push(`rows ${s.rows ?? '(control plane down)'}`);
  return `t=${s.atS.toFixed(0).padStart(4)} s  ${parts.join('  ')}`;
}

const machine = machineInfo();
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
say(`${new Date().toISOString()}  commit ${commit}  ${machine.nproc} CPUs ${machine.cpuModel}, ${machine.memoryGb} GiB, node ${machine.node}, load average ${machine.loadAvg}`);
const mock = await startMock();
say(`soak: mode ${mode}, upstream ${upstream === 'ok' ? 'answering' : 'failing (every call 502)'}, ${minutes} min, ${connections} connections, sample every ${sampleS} s${stopAtMin ? `, control plane stopped at minute ${stopAtMin} for ${stopForS} s` : ''}`);
const system = mode === 'embedded' ? await startEmbedded(mockUrl, nodeArgs) : await startProduction(mockUrl, nodeArgs);
const probe = system.redisUrl ? redisProbe(system.redisUrl) : null;
/** Every usage stream the proxies write (the default USAGE_STREAM_PARTITIONS) and the pre-partition one. */
const streamKeys = allUsageStreams(DEFAULT_USAGE_STREAM_PARTITIONS);
say(`pids: ${system.processes.map((p) => `${p.label}=${p.child?.pid}`).join(' ')}`);
const samples: Sample[] = [];
const t0 = Date.now();
const stopEvents: { stoppedAtS?: number; restartedAtS?: number; xlenAtRestart?: number; drainedAtS?: number } = {};
try {
  const load = runLoadFor(system, minutes * 60);
  let loadDone = false;
  void load.finally(() => { loadDone = true; });
  const outage = stopAtMin > 0 && system.controlPlane
    ? (async () => {
      await sleep(stopAtMin * 60_000);
      const stopAsked = (Date.now() - t0) / 1000;
      const stopping = system.controlPlane!.child;
      await system.controlPlane!.stop();
      say(`control plane asked to stop at t=${stopAsked.toFixed(1)} s, exit ${stopping?.proc.exitCode ?? stopping?.proc.signalCode}`);
      const tail = [...(stopping?.stderr().trim().split('\n') ?? []), ...system.controlPlane!.lastLines].filter(Boolean).slice(-5).join('\n  ');
      if (tail && stopping?.proc.exitCode !== 0) say(`  its last log lines:\n  ${tail}`);
      stopEvents.stoppedAtS = (Date.now() - t0) / 1000;
      say(`control plane stopped at t=${stopEvents.stoppedAtS.toFixed(0)} s`);
      await sleep(stopForS * 1000);
      await system.controlPlane!.start();
      stopEvents.restartedAtS = (Date.now() - t0) / 1000;
      stopEvents.xlenAtRestart = await probe?.xlen(streamKeys);
      const pending = await probe?.pending(streamKeys, USAGE_GROUP).catch(() => undefined);
      if (pending) {
        const age = pending.oldest ? `, oldest added at t=${((Number(pending.oldest.split('-')[0]) - t0) / 1000).toFixed(1)} s` : '';
        say(`  pending in the group at the restart: ${pending.count} (${pending.consumers.map(([c, n]) => `${c}: ${n}`).join(', ') || 'none'}${age})`);
      }
      say(`control plane restarted at t=${stopEvents.restartedAtS.toFixed(0)} s, XLEN ${stopEvents.xlenAtRestart}`);
    })()
    : Promise.resolve();
  while (!loadDone) {
    await Promise.race([sleep(sampleS * 1000), load.catch(() => undefined)]);
    const s = await sample(system, probe, streamKeys, t0);
    samples.push(s);
    if (stopEvents.restartedAtS !== undefined && stopEvents.drainedAtS === undefined && s.xlen !== undefined && s.xlen <= DRAINED_XLEN) stopEvents.drainedAtS = s.atS;
    const minuteMark = Math.floor(s.atS / 60) > Math.floor((s.atS - sampleS) / 60);
    say(`${minuteMark ? '[minute] ' : ''}${describe(s)}`);
  }
  const result = await load;
  await outage;
  // Everything answered has been published; give the ingester time to write the rows.
  let rows = -1;
  for (let waited = 0, stableFor = 0, last = -1; waited < 180 && stableFor < 5; waited++) {
    rows = await system.recordedRows().catch(() => rows);
    const xlen = await probe?.xlen(streamKeys).catch(() => undefined);
    if (stopEvents.restartedAtS !== undefined && stopEvents.drainedAtS === undefined && xlen !== undefined && xlen <= DRAINED_XLEN) stopEvents.drainedAtS = (Date.now() - t0) / 1000;
    stableFor = rows === last && rows >= result.completed ? stableFor + 1 : 0;
    last = rows;
    await sleep(1000);
  }
  const inFlight = result.sent - result.completed;
  const final = await sample(system, probe, streamKeys, t0);
  say('');
  say(`load: ${result.sent} sent, ${result.completed} answered (${result.non2xx} non-2xx, ${result.errors} errors), ${inFlight} in flight at the end; ${(result.completed / result.durationS).toFixed(0)} req/s`);
  const once = rows >= result.completed && rows <= result.sent;
  say(`recorded: ${rows} rows for ${result.completed} answered + ${inFlight} in flight → ${once ? 'every request recorded once' : 'MISMATCH'}`);
  say(`after drain: ${describe(final)}`);
  for (const g of growthFromWarmUp(samples, 120)) say(`growth ${g.label}: ${g.fromMb.toFixed(0)} MB at minute 2 → ${g.toMb.toFixed(0)} MB at the end (max ${g.maxMb.toFixed(0)}): ${g.mbPerMin.toFixed(1)} MB/min, ${g.percent.toFixed(1)} %`);
  say('RSS per minute (min / mean / max of the samples in that minute, MB):');
  for (const m of rssPerMinute(samples)) say(`  minute ${String(m.minute).padStart(2)}  ${m.label.padEnd(14)} ${m.minMb.toFixed(0).padStart(4)} / ${m.meanMb.toFixed(0).padStart(4)} / ${m.maxMb.toFixed(0).padStart(4)}  (${m.samples} samples)`);
  const xlens = samples.map((s) => s.xlen).filter((x): x is number => x !== undefined);
  if (xlens.length) say(`XLEN: max ${Math.max(...xlens)}, median ${xlens.sort((a, b) => a - b)[Math.floor(xlens.length / 2)]}, at the end ${final.xlen}`);
  if (stopEvents.restartedAtS !== undefined) {
    const drain = stopEvents.drainedAtS === undefined ? 'not within the run' : `${(stopEvents.drainedAtS - stopEvents.restartedAtS).toFixed(0)} s after the restart (first check with XLEN ≤ ${DRAINED_XLEN})`;
    say(`control-plane outage: XLEN ${stopEvents.xlenAtRestart} at the restart, drained ${drain}`);
  }
  if (!once) process.exitCode = 1;
} finally {
  probe?.close();
  await system.close();
  await mock.stop();
}
