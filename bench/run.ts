// `pnpm bench` (`pnpm bench -- --quick` for a one-minute smoke): the mock upstream and the load
// generator on core 1, the proxy (production profile, esbuild bundle) on core 0. Absolute figures on
// a shared machine move 2–3× from day to day, so the report leads with what holds still: each case
// is measured direct to the (fast) mock and through the proxy in interleaved rounds, and reported as
// the ratio proxy ÷ direct with its spread, CPU per request next to the mock's own, added latency
// as paired per-round differences (not clamped), and the load average of each round. Then 1 vs 2
// proxy workers (PROXY_WORKERS), first-byte latency, 1,000 slow streams, the usage ingester and a
// CPU profile. Writes docs/BENCHMARKS.md (quick runs: bench/.out/BENCHMARKS-quick.md).
//
// `pnpm bench -- --workers-only [--quick] [--profile]`: only the PROXY_WORKERS 1 vs 2 comparison, printed
// (with --profile: each process's CPU profile at 1 and at 2 workers).
// `pnpm bench -- --profile-only [--cases translated-sse]`: only the CPU profiles, printed.
// `pnpm bench -- --rerender`: docs/BENCHMARKS.md again from the last run's bench/.out/results.json.
//
// Comparing two versions of the proxy (CPU per request only, the figure a shared machine still
// measures fairly): `pnpm bench -- --bundle-to bench/.out/a.mjs` on each commit, then
// `pnpm bench -- --cpu-compare bench/.out/a.mjs,bench/.out/b.mjs [--cases translated-sse,anthropic-sse] [--rounds 5]`
// runs the cases through each bundle in turn, interleaved round by round, and prints median and range;
// with `--side-by-side` both run at once under their own load and each round gives a ratio b ÷ a.
// Usage queries at 1 and 10 million rows: `pnpm bench -- --cases usage-queries` (bench/usage-queries.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allUsageStreams, DEFAULT_USAGE_STREAM_PARTITIONS } from '@relay/core';
import { uniqueSuffix } from '@relay/testkit';
import { CASES, slowRequest, type BenchCase } from './lib/cases.ts';
import { topSelfTime, type HotFunction } from './lib/cpuprofile.ts';
import { benchIngester } from './lib/ingest.ts';
import { loadTool, runLoad, type LoadResult } from './lib/load.ts';
import { childPids, cpuMicros, loadAvg1, machineBusyMicros, machineInfo, reapedChildrenCpuMicros, rssBytes, sessionGroups, spawnPinned, type Child } from './lib/proc.ts';
import { BENCH_METRICS_TOKEN, bundleProxy, OUT_DIR, PROXY_BUNDLE, publishBenchSnapshot, ROOT, startProxy, translateImportPatched, type RunningProxy } from './lib/proxy.ts';
import { deletePrefix, trimStream } from './lib/redis.ts';
import { f, median, renderReport, renderWorkers, type CaseFigures, type LoopDelay, type Report, type Round, type SlowStreamFigures, type Target, type WorkersRound } from './lib/report.ts';
import { measureTtfb } from './lib/ttfb.ts';
import { runUsageQueryBench } from './usage-queries.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const skipIngest = args.includes('--skip-ingest');
const P = quick
  ? { loadS: 2, latS: 2, warmS: 1, rounds: 2, workerRounds: 2, slowClients: 200, slowChunks: 30, directSlowChunks: 20, ingestEvents: 2000, ttfbSamples: 15, profS: 3 }
  : { loadS: 4, latS: 3, warmS: 2, rounds: 3, workerRounds: 3, slowClients: 1000, slowChunks: 300, directSlowChunks: 100, ingestEvents: 10_000, ttfbSamples: 40, profS: 6 };
const SLOW_DELAY_MS = 100;
const PROXY_CORE = 0;
const LOAD_CORE = 1;
/** Where the proxy runs in the workers comparison, for 1 and 2 workers alike (the mock and generator stay on core 1). */
const WORKERS_CORES = '0,1';
const REDIS_URL = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';
const SCRATCH = join(OUT_DIR, 'scratch');
const PROF_DIR = join(OUT_DIR, 'prof');
const MB = 1024 * 1024;
/** Marks the start of the soak section of docs/BENCHMARKS.md, which `pnpm bench` keeps as it is. */
const SOAK_SECTION_MARKER = '<!-- soak section: pnpm soak figures, kept by pnpm bench -->';

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const children: Child[] = [];
const notes: string[] = [];

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return 'unknown';
  }
}

/** The mock child: the real mock (slow streams, TTFB) and the fast one (load cases), and its pid for CPU accounting. */
interface Mock { url: string; fastUrl: string; pid: number }

async function startMock(): Promise<Mock> {
  const { child, match } = await spawnPinned(LOAD_CORE, process.execPath, ['--import', 'tsx', join(ROOT, 'bench/mock-server.ts')], { cwd: ROOT, ready: /MOCK_PORT=(\d+) FAST_MOCK_PORT=(\d+)/ });
  children.push(child);
  return { url: `http://127.0.0.1:${match[1]}`, fastUrl: `http://127.0.0.1:${match[2]}`, pid: child.pid };
}

async function launchProxy(mode: 'bundle' | 'tsx', prefix: string, nodeArgs: string[] = [], bundle?: string, workers = 1): Promise<RunningProxy> {
  const p = await startProxy({ mode, redisUrl: REDIS_URL, prefix, core: workers > 1 ? WORKERS_CORES : PROXY_CORE, workers, nodeArgs, bundle });
  children.push(p.child);
  return p;
}

async function stopChild(c: Child): Promise<void> {
  await c.stop();
  children.splice(children.indexOf(c), 1);
}

const load = (url: string, headers: Record<string, string>, body: string, connections: number, durationS: number) =>
  runLoad({ url, headers, body, connections, durationS, core: LOAD_CORE }, SCRATCH);

/** Nobody ingests during the load runs: keeps Redis from holding hundreds of MB of usage events. */
const trimUsage = (prefix: string) => trimStream(REDIS_URL, allUsageStreams(DEFAULT_USAGE_STREAM_PARTITIONS).map((key) => prefix + key));

function casesById(ids: readonly string[]): BenchCase[] {
  return ids.map((id) => CASES.find((c) => c.id === id) ?? (() => { throw new Error(`no case ${id}`); })());
}

/** A profile's top functions as Markdown table lines. */
function profileTable(top: HotFunction[]): string[] {
  return ['| function | where | self ms | self % |', '|---|---|---:|---:|', ...top.map((h) => `| \`${h.name}\` | ${h.where} | ${f(h.selfMs, 1)} | ${f(h.selfPct, 1)} |`)];
}

/**
 * The rig of the partial runs (--cpu-compare, --profile-only, --workers-only): this harness on the
 * load core, the mock, a snapshot under a fresh prefix pointing at the mock's `mockUrl`; every
 * child stopped and the prefix deleted afterwards.
 */
async function withRig<T>(mockUrl: 'url' | 'fastUrl', run: (mock: Mock, prefix: string) => Promise<T>): Promise<T> {
  try { execFileSync('taskset', ['-cp', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' }); } catch {}
  mkdirSync(SCRATCH, { recursive: true });
  const prefix = `bench:${uniqueSuffix()}:`;
  try {
    const mock = await startMock();
    await publishBenchSnapshot(REDIS_URL, prefix, mock[mockUrl]);
    return await run(mock, prefix);
  } finally {
    for (const c of [...children]) await c.stop().catch(() => undefined);
    await deletePrefix(REDIS_URL, prefix).catch(() => undefined);
  }
}

/** The proxy bundle a run made goes when it ends, unless --keep-bundle: a 3 MB JS file inside the repo would be linted by `pnpm lint` (eslint .). */
function removeBundle(): void {
  if (!args.includes('--keep-bundle')) for (const ext of ['', '.map']) rmSync(PROXY_BUNDLE + ext, { force: true });
}

/** CPU µs of a proxy: the process, plus its cluster workers when it is a primary. */
function proxyTreeCpu(pid: number): number {
  return [pid, ...childPids(pid)].reduce((sum, p) => sum + (() => { try { return cpuMicros(p); } catch { return 0; } })(), 0);
}

/** One load run with the CPU every party used meanwhile: the proxy (tree), the mock, the generator (wrk, once reaped) and the whole machine. */
async function measured(url: string, c: BenchCase, direct: boolean, connections: number, durationS: number, mockPid: number, proxyPid?: number) {
  const headers = direct ? (c.directHeaders ?? c.headers) : c.headers;
  const body = direct ? (c.directBody ?? c.body) : c.body;
  const at = { proxy: proxyPid ? proxyTreeCpu(proxyPid) : 0, mock: cpuMicros(mockPid), gen: reapedChildrenCpuMicros(), machine: machineBusyMicros() };
  const loadAvg = loadAvg1();
  const t0 = performance.now();
  const r = await load(url, headers, body, connections, durationS);
  // Cores are CPU over the whole window measured (the generator's start and exit included), not over wrk's own duration.
  const wallUs = (performance.now() - t0) * 1000;
  const n = Math.max(1, r.requests);
  const proxyUs = proxyPid ? proxyTreeCpu(proxyPid) - at.proxy : 0;
  const mockUs = cpuMicros(mockPid) - at.mock;
  const genUs = reapedChildrenCpuMicros() - at.gen;
  return {
    r, loadAvg,
    proxyCpuUs: proxyUs / n, proxyCores: proxyUs / wallUs,
    mockCpuUs: mockUs / n, mockCores: mockUs / wallUs,
    genCpuUs: genUs / n, genCores: genUs / wallUs,
    machineCores: (machineBusyMicros() - at.machine) / wallUs,
  };
}

/** req/s at 32 connections with the proxy's CPU time over the run, per request. */
async function proxyThroughput(proxy: RunningProxy, c: BenchCase, durationS: number, mockPid: number): Promise<{ r: LoadResult; cpuUsPerReq: number }> {
  const m = await measured(proxy.url + c.proxyPath, c, false, 32, durationS, mockPid, proxy.child.pid);
  return { r: m.r, cpuUsPerReq: m.proxyCpuUs };
}

/**
 * Every case in `rounds` interleaved rounds against the fast mock: throughput (32 connections)
 * direct and through the proxy, then latency (1 connection) direct and through the proxy, the
 * order of direct and proxy swapped every round so a slow phase of the machine falls on both.
 */
async function runCases(mock: Mock, proxy: RunningProxy, prefix: string): Promise<CaseFigures[]> {
  const figures: CaseFigures[] = [];
  log(`warm-up ${P.warmS} s per case`);
  for (const c of CASES) await load(proxy.url + c.proxyPath, c.headers, c.body, 32, P.warmS);
  for (const c of CASES) {
    log(`case ${c.id}`);
    const rounds: Round[] = [];
    for (let i = 0; i < P.rounds; i++) {
      const directFirst = i % 2 === 0;
      const tput = async (direct: boolean) => measured(direct ? mock.fastUrl + c.directPath : proxy.url + c.proxyPath, c, direct, 32, P.loadS, mock.pid, direct ? undefined : proxy.child.pid);
      const lat = async (direct: boolean) => measured(direct ? mock.fastUrl + c.directPath : proxy.url + c.proxyPath, c, direct, 1, P.latS, mock.pid, direct ? undefined : proxy.child.pid);
      const [d, p] = directFirst ? [await tput(true), await tput(false)] : [await tput(false), await tput(true)].reverse();
      const [dl, pl] = directFirst ? [await lat(true), await lat(false)] : [await lat(false), await lat(true)].reverse();
      rounds.push({
        directFirst, loadAvg: d.loadAvg, direct: d.r, proxy: p.r, directLat: dl.r, proxyLat: pl.r,
        proxyCpuUs: p.proxyCpuUs, proxyShare: p.proxyCores, mockCpuDirectUs: d.mockCpuUs, mockCpuProxyUs: p.mockCpuUs, genCpuDirectUs: d.genCpuUs, genCpuProxyUs: p.genCpuUs,
      });
      log(`  round ${i + 1}: direct ${f(d.r.rps)} req/s, proxy ${f(p.r.rps)} req/s (${f(p.r.rps / d.r.rps, 3)}×), added p50 ${f(pl.r.p50Ms - dl.r.p50Ms, 3)} / p99 ${f(pl.r.p99Ms - dl.r.p99Ms, 3)} ms, proxy ${f(p.proxyCpuUs)} µs/req, mock ${f(d.mockCpuUs)} µs/req, load ${f(d.loadAvg, 2)}`);
      // Nobody ingests during the load runs: keep Redis from holding hundreds of MB of usage events.
      await trimUsage(prefix);
    }
    figures.push({ id: c.id, title: c.title, stream: c.stream, rounds });
  }
  return figures;
}

/**
 * OpenAI JSON through PROXY_WORKERS=1 and =2 (both allowed on cores 0 and 1; the mock and the
 * generator pinned to core 1), a fresh proxy per run, the two configurations alternating round by
 * round. Each run records req/s and the CPU each party used, to read the scaling with the mock's
 * and the generator's share of the two cores accounted for.
 */
async function runWorkers(mock: Mock, prefix: string): Promise<WorkersRound[]> {
  const c = CASES.find((x) => x.id === 'openai-json')!;
  const out: WorkersRound[] = [];
  for (let i = 0; i < P.workerRounds; i++) {
    for (const workers of i % 2 === 0 ? [1, 2] : [2, 1]) {
      const proxy = await launchProxy('bundle', prefix, [], undefined, workers);
      await load(proxy.url + c.proxyPath, c.headers, c.body, 32, P.warmS);
      const sessions = sessionGroups();
      const primaryBefore = workers > 1 ? cpuMicros(proxy.child.pid) : 0;
      const m = await measured(proxy.url + c.proxyPath, c, false, 32, P.loadS, mock.pid, proxy.child.pid);
      const primaryCpuUs = workers > 1 ? (cpuMicros(proxy.child.pid) - primaryBefore) / Math.max(1, m.r.requests) : 0;
      const rssMb = [proxy.child.pid, ...childPids(proxy.child.pid)].reduce((sum, p) => sum + rssBytes(p), 0) / MB;
      await stopChild(proxy.child);
      out.push({ round: i + 1, workers, rps: m.r.rps, errors: m.r.errors, loadAvg: m.loadAvg, proxyCpuUs: m.proxyCpuUs, proxyCores: m.proxyCores, mockCores: m.mockCores, genCores: m.genCores, machineCores: m.machineCores, rssMb, autogroup: sessions.autogroup, busySessions: sessions.busy, primaryCpuUs });
      log(`  round ${i + 1}, ${workers} worker(s): ${f(m.r.rps)} req/s, proxy ${f(m.proxyCpuUs)} µs/req on ${f(m.proxyCores, 2)} cores, mock ${f(m.mockCores, 2)} + generator ${f(m.genCores, 2)} cores, machine busy ${f(m.machineCores, 2)} of 2, load ${f(m.loadAvg, 2)}, ${sessions.busy} busy sessions`);
      await trimUsage(prefix);
    }
  }
  return out;
}

async function runSlowStreams(mockUrl: string, proxy: RunningProxy): Promise<SlowStreamFigures> {
  const clientScript = join(ROOT, 'bench/slow-streams-client.ts');
  const runClient = async (url: string, chunks: number, direct: boolean, onOpen?: () => void) => {
    const req = slowRequest('anthropic-sse', SLOW_DELAY_MS, chunks, direct);
    const spec = { url, path: req.path, headers: req.headers, body: req.body, clients: P.slowClients };
    let result = '';
    const { child } = await spawnPinned(LOAD_CORE, process.execPath, ['--import', 'tsx', clientScript, JSON.stringify(spec)], {
      cwd: ROOT, ready: /^OPEN /, timeoutMs: 60_000, onLine: (line) => { if (line.startsWith('{')) result = line; },
    });
    children.push(child);
    onOpen?.();
    await new Promise<void>((resolve) => (child.proc.exitCode !== null ? resolve() : child.proc.once('exit', () => resolve())));
    children.splice(children.indexOf(child), 1);
    if (!result) throw new Error(`slow-stream client printed no result\n${child.stderr()}`);
    return JSON.parse(result) as { completed: number; failed: number; firstError: string | null; worstGapMs: number | null; p99MaxGapMs: number | null; worstGapAfterOpenMs: number };
  };

  log(`slow streams: ${P.slowClients} direct to the mock, ${P.directSlowChunks} chunks (baseline gap)`);
  const direct = await runClient(mockUrl, P.directSlowChunks, true);

  log(`slow streams: ${P.slowClients} through the proxy, ${P.slowChunks} chunks × ${SLOW_DELAY_MS} ms`);
  const pid = proxy.child.pid;
  const rssBefore = rssBytes(pid);
  const cpuBefore = cpuMicros(pid);
  let peak = rssBefore;
  const sampler = setInterval(() => { peak = Math.max(peak, rssBytes(pid)); }, 250);
  await loopDelay(proxy.url); // resets the proxy's event-loop histogram and GC maximum
  let opening: Awaited<ReturnType<typeof loopDelay>> = null;
  const res = await runClient(proxy.url, P.slowChunks, false, () => {
    peak = Math.max(peak, rssBytes(pid));
    void loopDelay(proxy.url).then((d) => (opening = d)); // the opening burst, up to every stream's first byte
  });
  clearInterval(sampler);
  const cpu = cpuMicros(pid) - cpuBefore;
  const delay = await loopDelay(proxy.url); // steady state: after every stream was open
  return {
    clients: P.slowClients, chunks: P.slowChunks, delayMs: SLOW_DELAY_MS,
    rssBeforeMb: rssBefore / MB, rssPeakMb: peak / MB, kbPerStream: (peak - rssBefore) / 1024 / P.slowClients,
    worstGapMs: res.worstGapMs, p99MaxGapMs: res.p99MaxGapMs, completed: res.completed, failed: res.failed, firstError: res.firstError,
    directWorstGapMs: direct.worstGapMs, worstGapAfterOpenMs: res.worstGapAfterOpenMs, directWorstGapAfterOpenMs: direct.worstGapAfterOpenMs, cpuUsPerStream: cpu / P.slowClients,
    loopDelay: { opening, steady: delay },
  };
}

/** The proxy's event-loop delay and GC pause gauges since the previous scrape (the scrape resets them); null if unavailable. */
async function loopDelay(proxyUrl: string): Promise<LoopDelay | null> {
  try {
    const text = await (await fetch(`${proxyUrl}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })).text();
    const gauge = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
    const maxMs = gauge('relay_proxy_event_loop_delay_max_seconds');
    return Number.isFinite(maxMs) ? { maxMs, p99Ms: gauge('relay_proxy_event_loop_delay_p99_seconds'), gcMaxMs: gauge('relay_proxy_gc_pause_max_seconds') } : null;
  } catch {
    return null;
  }
}

/** A separate proxy run under --cpu-prof: top self-time functions for three representative cases (the translated stream is the costliest). */
async function runProfile(prefix: string, ids: readonly string[] = ['openai-json', 'anthropic-sse', 'translated-sse']): Promise<Report['profile']> {
  const out: Report['profile'] = [];
  for (const id of ids) {
    const dir = join(PROF_DIR, id);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const proxy = await launchProxy('bundle', prefix, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const c = CASES.find((x) => x.id === id)!;
    await load(proxy.url + c.proxyPath, c.headers, c.body, 32, P.warmS);
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const r = await load(proxy.url + c.proxyPath, c.headers, c.body, 32, P.profS);
    await stopChild(proxy.child);
    const file = readdirSync(dir).find((n) => n.endsWith('.cpuprofile'));
    if (!file) {
      notes.push(`no .cpuprofile written for ${id}`);
      continue;
    }
    const prof = topSelfTime(join(dir, file), ROOT, 15, fromUs);
    out.push({ label: `${c.title}, 32 connections, ${P.profS} s after a warm-up (${f(r.rps)} req/s under the profiler); file bench/.out/prof/${id}/${file}`, busyMs: prof.total, gcPct: prof.gcPct, top: prof.top });
    await trimUsage(prefix);
  }
  return out;
}

/**
 * `--workers-only --profile`: OpenAI JSON at 1 and at 2 workers under --cpu-prof (cluster workers
 * inherit the flag and write a profile each): busy CPU per request of every process and each one's
 * top functions, to show where a second worker's time goes.
 */
async function profileWorkers(prefix: string): Promise<string> {
  const c = CASES.find((x) => x.id === 'openai-json')!;
  const out: string[] = [];
  for (const workers of [1, 2]) {
    const dir = join(PROF_DIR, `workers-${workers}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const proxy = await launchProxy('bundle', prefix, ['--cpu-prof', `--cpu-prof-dir=${dir}`], undefined, workers);
    await load(proxy.url + c.proxyPath, c.headers, c.body, 32, P.warmS);
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const r = await load(proxy.url + c.proxyPath, c.headers, c.body, 32, P.profS);
    const primaryPid = proxy.child.pid;
    await stopChild(proxy.child);
    const files = readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'));
    const profiles = files.map((file) => ({ file, pid: Number(/\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(file)?.[1]), prof: topSelfTime(join(dir, file), ROOT, 8, fromUs) }));
    const busy = profiles.reduce((sum, p) => sum + p.prof.total, 0);
    out.push(`### ${workers} worker(s): ${f(r.requests)} requests in ${P.profS} s (${f(r.rps)} req/s) under the profiler; busy ${f(busy)} ms in all, ${f((busy * 1000) / Math.max(1, r.requests))} µs per request`, '');
    for (const p of profiles) {
      const role = workers === 1 ? 'single process' : p.pid === primaryPid ? 'primary' : 'worker';
      out.push(`${role} (pid ${p.pid}, bench/.out/prof/workers-${workers}/${p.file}): busy ${f(p.prof.total)} ms (${f((p.prof.total * 1000) / Math.max(1, r.requests))} µs per request of the whole), garbage collector ${f(p.prof.gcPct, 1)} %, idle ${f(p.prof.idlePct, 1)} % of samples`, '');
      out.push(...profileTable(p.prof.top), '');
    }
    await trimUsage(prefix);
  }
  return `${out.join('\n')}\n`;
}

function judge(report: Report): Target[] {
  const t: Target[] = [];
  for (const c of report.cases) {
    const goal = c.stream ? 3000 : 5000;
    const rps = median(c.rounds.map((r) => r.proxy.rps));
    t.push({ what: `${c.title}: req/s through the proxy @32 (median of ${c.rounds.length})`, target: `≥ ${f(goal)}`, measured: f(rps), met: rps >= goal, note: rps < goal ? `${f(100 - (100 * rps) / goal)} % short` : undefined });
  }
  for (const c of report.cases) {
    const a50 = median(c.rounds.map((r) => r.proxyLat.p50Ms - r.directLat.p50Ms));
    const a99 = median(c.rounds.map((r) => r.proxyLat.p99Ms - r.directLat.p99Ms));
    t.push({ what: `${c.title}: added latency p50 / p99 @1 (median of per-round differences)`, target: '≤ 0.5 / ≤ 2 ms', measured: `${f(a50, 3)} / ${f(a99, 3)} ms`, met: a50 <= 0.5 && a99 <= 2,
      note: a50 > 0.5 || a99 > 2 ? `over by ${f(Math.max(0, a50 - 0.5), 3)} / ${f(Math.max(0, a99 - 2), 3)} ms` : undefined });
  }
  for (const c of report.cases) {
    const cpu = median(c.rounds.map((r) => r.proxyCpuUs));
    t.push({ what: `${c.title}: proxy CPU per request`, target: '≤ 200 µs', measured: `${f(cpu)} µs`, met: cpu <= 200, note: cpu > 200 ? `${f(cpu / 200, 2)}× the budget` : undefined });
  }
  t.push({ what: 'proxy RSS after load', target: '< 200 MB', measured: `${f(report.rssAfterLoadMb, 1)} MB`, met: report.rssAfterLoadMb < 200 });
  if (report.workers.length) {
    const rps = (n: number) => median(report.workers.filter((w) => w.workers === n).map((w) => w.rps));
    const ratio = rps(2) / rps(1);
    t.push({ what: 'OpenAI JSON req/s, PROXY_WORKERS=2 ÷ 1 (medians; mock and generator on the same 2 cores)', target: '≥ 1.7×', measured: `${f(ratio, 2)}×`, met: ratio >= 1.7,
      note: ratio < 1.7 ? 'see "Proxy workers" for the CPU accounting' : undefined });
  }
  const ttfbPass = report.ttfb.find((x) => x.id === 'anthropic-sse');
  const ttfbTr = report.ttfb.find((x) => x.id === 'translated-sse');
  if (ttfbPass && ttfbTr) {
    const d = ttfbTr.proxy.p50Ms - ttfbPass.proxy.p50Ms;
    t.push({ what: 'translated first byte vs passthrough (p50, same Anthropic upstream)', target: '≤ +5 ms', measured: `${d >= 0 ? '+' : ''}${f(d, 2)} ms`, met: d <= 5 });
  }
  if (report.slow) {
    const s = report.slow;
    t.push({ what: `${f(s.clients)} slow streams: memory per open stream`, target: '< 100 KB', measured: `${f(s.kbPerStream, 1)} KB`, met: s.kbPerStream < 100 });
    const gap = s.worstGapMs ?? Infinity;
    t.push({ what: `${f(s.clients)} slow streams: worst gap between chunks (whole run, opening burst included)`, target: '≤ 250 ms', measured: `${f(gap, 1)} ms (${s.failed} failed)`, met: gap <= 250 && s.failed === 0,
      note: gap > 250 ? `over by ${f(gap - 250)} ms; once all streams were open: ${f(s.worstGapAfterOpenMs, 1)} ms` : undefined });
  }
  if (report.ingest && !('error' in report.ingest)) {
    const e = report.ingest.eventsPerSecond;
    t.push({ what: 'usage ingester into MariaDB', target: '≥ 5,000 events/s', measured: `${f(e)} events/s`, met: e >= 5000, note: e < 5000 ? `${f(100 - (100 * e) / 5000)} % short` : undefined });
  }
  return t;
}

/** Where docs/BENCHMARKS.md's hand-recorded comparisons (from --cpu-compare runs) start; a full run keeps them. */
const COMPARISONS_MARKER = '<!-- comparisons: kept by pnpm bench -->';

/**
 * The sections of an existing report that other commands write (the comparisons, and the soak
 * figures of pnpm soak), to carry over into the regenerated one: everything from the first marker on.
 */
function keptSections(file: string): string {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const starts = [COMPARISONS_MARKER, SOAK_SECTION_MARKER].map((m) => old.indexOf(m)).filter((at) => at >= 0);
  return starts.length === 0 ? '' : `\n${old.slice(Math.min(...starts))}`;
}

/** The value after `name` on the command line, if any. */
function argValue(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * CPU µs per request of each case through each bundle, `rounds` times, alternating the bundles'
 * order every round so a slow phase of the shared machine falls on both. Prints a Markdown table.
 */
async function cpuCompare(bundles: string[], ids: string[], rounds: number): Promise<void> {
  const cases = casesById(ids);
  const samples = new Map<string, number[]>();
  await withRig('url', async (mock, prefix) => {
    for (let round = 1; round <= rounds; round++) {
      for (const bundle of round % 2 ? bundles : [...bundles].reverse()) {
        const proxy = await launchProxy('bundle', prefix, [], bundle);
        for (const c of cases) {
          await load(proxy.url + c.proxyPath, c.headers, c.body, 32, P.warmS);
          const { r, cpuUsPerReq } = await proxyThroughput(proxy, c, P.loadS, mock.pid);
          const key = `${bundle}\t${c.id}`;
          samples.set(key, [...(samples.get(key) ?? []), cpuUsPerReq]);
          log(`round ${round} ${bundle} ${c.id}: ${f(cpuUsPerReq)} µs CPU/req, ${f(r.rps)} req/s${r.errors ? `, ${r.errors} errors` : ''}`);
          await trimUsage(prefix);
        }
        await stopChild(proxy.child);
      }
    }
  });
  const out = ['| bundle | case | CPU µs/request, median | min – max | runs |', '|---|---|---:|---:|---:|'];
  for (const [key, xs] of samples) {
    const [bundle, id] = key.split('\t');
    out.push(`| ${bundle} | ${id} | ${f(median(xs))} | ${f(Math.min(...xs))} – ${f(Math.max(...xs))} | ${xs.length} |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * `--cpu-compare a.mjs,b.mjs --side-by-side`: both bundles run at the same time, each proxy on the
 * proxy core under its own load generator (16 connections each), so whatever the host does during
 * a round (another tenant, a slower phase) falls on both alike; per round the ratio of b's CPU per
 * request to a's is the figure, printed with its spread. Both are started afresh every round, in
 * alternating order. Interleaving rounds (the default) cannot
 * cancel a host that slows down 2× between rounds; this can.
 */
async function cpuCompareSideBySide(bundles: string[], ids: string[], rounds: number): Promise<void> {
  if (bundles.length !== 2) throw new Error('--side-by-side compares exactly two bundles');
  const cases = casesById(ids);
  const rows: string[] = [];
  await withRig('url', async (_mock, prefix) => {
    for (const c of cases) {
      const ratios: number[] = [];
      const per: [number[], number[]] = [[], []];
      for (let round = 1; round <= rounds; round++) {
        // Fresh processes every round, started in alternating order: neither bundle keeps the
        // first-started process's place (its port, its wrk, its turn on the core).
        const order = round % 2 ? [0, 1] : [1, 0];
        const proxies: RunningProxy[] = [];
        for (const i of order) proxies[i] = await launchProxy('bundle', prefix, [], bundles[i]);
        await Promise.all(proxies.map((p) => load(p.url + c.proxyPath, c.headers, c.body, 16, P.warmS)));
        const at = proxies.map((p) => proxyTreeCpu(p.child.pid));
        const loadAvg = loadAvg1();
        const runs = await Promise.all(proxies.map((p) => load(p.url + c.proxyPath, c.headers, c.body, 16, P.loadS)));
        const us = proxies.map((p, i) => (proxyTreeCpu(p.child.pid) - at[i]) / Math.max(1, runs[i].requests));
        for (const p of proxies) await stopChild(p.child);
        per[0].push(us[0]);
        per[1].push(us[1]);
        ratios.push(us[1] / us[0]);
        log(`${c.id} round ${round}: ${f(us[0])} vs ${f(us[1])} µs CPU/req (${f(us[1] / us[0], 3)}×), ${f(runs[0].rps)} vs ${f(runs[1].rps)} req/s${runs[0].errors + runs[1].errors ? `, ${runs[0].errors + runs[1].errors} errors` : ''}, load ${f(loadAvg, 2)}`);
        await trimUsage(prefix);
      }
      rows.push(`| ${c.id} | ${f(median(per[0]))} | ${f(median(per[1]))} | ${f(median(ratios), 3)}× | ${f(Math.min(...ratios), 3)} – ${f(Math.max(...ratios), 3)} | ${ratios.map((r) => f(r, 3)).join(', ')} |`);
    }
  });
  process.stdout.write(`a = ${bundles[0]}, b = ${bundles[1]}, both at once, ${rounds} rounds of ${P.warmS} s warm-up + ${P.loadS} s\n`);
  process.stdout.write(`| case | a: CPU µs/req, median | b: CPU µs/req, median | b ÷ a, median | min – max | per round |\n|---|---:|---:|---:|---|---|\n${rows.join('\n')}\n`);
}

async function main(): Promise<void> {
  const bundleTo = argValue('--bundle-to');
  if (bundleTo) {
    log(`bundled the proxy into ${await bundleProxy(join(ROOT, bundleTo))}`);
    return;
  }
  const compare = argValue('--cpu-compare');
  if (compare) {
    const compareBundles = compare.split(',').map((b) => join(ROOT, b));
    const compareCases = (argValue('--cases') ?? 'translated-sse').split(',');
    if (args.includes('--side-by-side')) await cpuCompareSideBySide(compareBundles, compareCases, Number(argValue('--rounds') ?? 8));
    else await cpuCompare(compareBundles, compareCases, Number(argValue('--rounds') ?? 4));
    return;
  }
  if (args.includes('--rerender')) {
    // Renders docs/BENCHMARKS.md again from the last full run's bench/.out/results.json (after a change to the report's wording).
    const saved = JSON.parse(readFileSync(join(OUT_DIR, 'results.json'), 'utf8')) as Report;
    const file = join(ROOT, 'docs/BENCHMARKS.md');
    writeFileSync(file, renderReport(saved) + keptSections(file));
    log(`wrote ${file} from bench/.out/results.json (${saved.date})`);
    return;
  }
  if (args.includes('--profile-only')) {
    // Only the CPU profile of the given cases (default: the three of a full run), printed as Markdown.
    await bundleProxy();
    await withRig('url', async (_mock, prefix) => {
      for (const p of await runProfile(prefix, argValue('--cases')?.split(','))) {
        process.stdout.write(`### ${p.label}\n\nBusy ${f(p.busyMs)} ms, garbage collector ${f(p.gcPct, 1)} %\n\n${profileTable(p.top).join('\n')}\n`);
      }
    }).finally(removeBundle);
    return;
  }
  if (args.includes('--workers-only')) {
    // Only the PROXY_WORKERS 1 vs 2 comparison, printed as Markdown (docs/BENCHMARKS.md untouched).
    await bundleProxy();
    await withRig('fastUrl', async (mock, prefix) => {
      process.stdout.write(`load average at start ${machineInfo().loadAvg}\n${renderWorkers(await runWorkers(mock, prefix)).join('\n')}\nload average at the end ${machineInfo().loadAvg}\n`);
      if (args.includes('--profile')) process.stdout.write(await profileWorkers(prefix));
    }).finally(removeBundle);
    return;
  }
  if (argValue('--cases') === 'usage-queries') {
    await runUsageQueryBench(args, DATABASE_URL);
    return;
  }
  // The harness itself (TTFB client, bookkeeping, ingester) stays off the proxy's core.
  try { execFileSync('taskset', ['-cp', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' }); } catch {}
  mkdirSync(SCRATCH, { recursive: true });
  const machine = machineInfo();
  if (machine.nproc < 2) notes.push('fewer than 2 CPUs: proxy and load generator share a core, figures are not comparable');
  const prefix = `bench:${uniqueSuffix()}:`;
  const report: Report = {
    date: new Date().toISOString(), commit: gitCommit(), command: quick ? 'pnpm bench -- --quick' : 'pnpm bench', machine, tool: loadTool(),
    mode: 'esbuild bundle of apps/proxy/src/main.ts (bench/.out/proxy.mjs), `node proxy.mjs`, NODE_ENV=production LOG_LEVEL=warn',
    quick, durations: { loadS: P.loadS, latS: P.latS, rounds: P.rounds }, loadAvgEnd: '', cases: [], workers: [], rssAfterLoadMb: 0, rssIdleMb: 0, tsxCompare: [], ttfb: [], slow: null,
    ingest: null, targets: [], profile: [], notes,
  };
  try {
    log('bundling the proxy');
    await bundleProxy();
    if (translateImportPatched) notes.push('apps/proxy/src/relay/translation.ts loads the translate layer with `import(variable)`, which no bundler follows: a plain esbuild bundle serves same-format traffic only (translated requests get 503 no_available_account). The harness rewrites that import to a literal at bundle time; the proxy should import it statically.');
    const mock = await startMock();
    // The load cases run against the fast mock; first-byte and slow streams need the real one (slow replies).
    await publishBenchSnapshot(REDIS_URL, prefix, mock.fastUrl);
    const proxy = await launchProxy('bundle', prefix);
    report.rssIdleMb = rssBytes(proxy.child.pid) / MB;
    log(`mock ${mock.url}, fast mock ${mock.fastUrl}, proxy ${proxy.url} (pid ${proxy.child.pid}), load tool ${report.tool}`);

    report.cases = await runCases(mock, proxy, prefix);
    report.rssAfterLoadMb = rssBytes(proxy.child.pid) / MB;
    await stopChild(proxy.child);

    log('proxy workers: 1 vs 2');
    report.workers = await runWorkers(mock, prefix);

    if (!quick) {
      log('tsx vs bundle');
      const tsxProxy = await launchProxy('tsx', prefix);
      for (const id of ['openai-json', 'anthropic-sse', 'translated-sse'] as const) {
        const c = CASES.find((x) => x.id === id)!;
        await load(tsxProxy.url + c.proxyPath, c.headers, c.body, 32, P.warmS);
        const { r, cpuUsPerReq } = await proxyThroughput(tsxProxy, c, P.loadS, mock.pid);
        const b = report.cases.find((x) => x.id === id)!;
        report.tsxCompare.push({ id, bundleRps: median(b.rounds.map((x) => x.proxy.rps)), tsxRps: r.rps, bundleCpu: median(b.rounds.map((x) => x.proxyCpuUs)), tsxCpu: cpuUsPerReq });
      }
      await stopChild(tsxProxy.child);
      await trimUsage(prefix);
    }

    log('profiling');
    report.profile = await runProfile(prefix);

    await publishBenchSnapshot(REDIS_URL, prefix, mock.url);
    log('time to first byte');
    const ttfbProxy = await launchProxy('bundle', prefix);
    for (const id of ['openai-sse', 'anthropic-sse', 'translated-sse'] as const) {
      const d = slowRequest(id, SLOW_DELAY_MS, 50, true);
      const p = slowRequest(id, SLOW_DELAY_MS, 50, false);
      const direct = await measureTtfb(mock.url, d.path, d.headers, d.body, P.ttfbSamples);
      const viaProxy = await measureTtfb(ttfbProxy.url, p.path, p.headers, p.body, P.ttfbSamples);
      report.ttfb.push({ id, direct, proxy: viaProxy });
    }
    await stopChild(ttfbProxy.child);
    await trimUsage(prefix);

    // A fresh proxy for the slow streams: after the load runs the heap has room to spare, and
    // RSS would not show what the open streams cost.
    const fresh = await launchProxy('bundle', prefix);
    const warm = slowRequest('anthropic-sse', 0, 5, false);
    await load(fresh.url + warm.path, warm.headers, warm.body, 8, 1);
    report.slow = await runSlowStreams(mock.url, fresh);
    await stopChild(fresh.child);
    await trimUsage(prefix);
    for (const c of [...children]) await stopChild(c);

    if (!skipIngest) {
      log(`usage ingester: ${P.ingestEvents} events`);
      try {
        report.ingest = await benchIngester({ redisUrl: REDIS_URL, databaseUrl: DATABASE_URL, events: P.ingestEvents });
      } catch (err) {
        report.ingest = { error: (err as Error).message.split('\n')[0] };
      }
    }
  } finally {
    for (const c of [...children]) await c.stop().catch(() => undefined);
    await deletePrefix(REDIS_URL, prefix).catch(() => undefined);
    removeBundle();
  }
  report.loadAvgEnd = machineInfo().loadAvg;
  const errored = report.cases.filter((c) => c.rounds.some((r) => r.direct.errors || r.proxy.errors || r.directLat.errors || r.proxyLat.errors));
  if (errored.length) notes.push(`non-2xx answers or socket errors during ${errored.map((c) => c.id).join(', ')}: those figures are suspect.`);
  notes.push('All processes share one 2-core machine with whatever else runs on it (other builds, tests); the load average at start is in the header. The mock upstream and the load generator share core 1, so the direct column is bounded by that core, not by the mock alone.');
  report.targets = judge(report);
  const file = quick ? join(OUT_DIR, 'BENCHMARKS-quick.md') : join(ROOT, 'docs/BENCHMARKS.md');
  if (!existsSync(join(ROOT, 'docs'))) mkdirSync(join(ROOT, 'docs'));
  // The comparisons and the soak section (pnpm soak figures) come from other commands: keep them across bench runs.
  writeFileSync(file, renderReport(report) + keptSections(file));
  writeFileSync(join(OUT_DIR, quick ? 'results-quick.json' : 'results.json'), JSON.stringify(report, null, 2));
  log(`wrote ${file}`);
  for (const t of report.targets) log(`${t.met ? 'met   ' : 'MISSED'} ${t.what}: ${t.measured} (goal ${t.target})`);
}

await main().catch(async (err) => {
  process.stderr.write(`[bench] failed: ${(err as Error).stack ?? err}\n`);
  for (const c of [...children]) await c.stop().catch(() => undefined);
  process.exit(1);
});
