// `pnpm bench` (`pnpm bench -- --quick` for a one-minute smoke): the mock upstream and the load
// generator on core 1, the proxy (production profile, esbuild bundle) on core 0; every case measured
// direct to the mock and through the proxy, then first-byte latency, 1,000 slow streams, the usage
// ingester and a CPU profile. Writes docs/BENCHMARKS.md (quick runs: bench/.out/BENCHMARKS-quick.md).
//
// Comparing two versions of the proxy (CPU per request only, the figure a shared machine still
// measures fairly): `pnpm bench -- --bundle-to bench/.out/a.mjs` on each commit, then
// `pnpm bench -- --cpu-compare bench/.out/a.mjs,bench/.out/b.mjs [--cases translated-sse,anthropic-sse] [--rounds 5]`
// runs the cases through each bundle in turn, interleaved round by round, and prints median and range.
// Usage queries at 1 and 10 million rows: `pnpm bench -- --cases usage-queries` (bench/usage-queries.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hotKeys } from '@relay/core';
import { uniqueSuffix } from '@relay/testkit';
import { CASES, slowRequest, type BenchCase } from './lib/cases.ts';
import { topSelfTime } from './lib/cpuprofile.ts';
import { benchIngester } from './lib/ingest.ts';
import { loadTool, runLoad, type LoadResult } from './lib/load.ts';
import { cpuMicros, machineInfo, rssBytes, spawnPinned, type Child } from './lib/proc.ts';
import { BENCH_METRICS_TOKEN, bundleProxy, OUT_DIR, PROXY_BUNDLE, publishBenchSnapshot, ROOT, startProxy, translateImportPatched, type RunningProxy } from './lib/proxy.ts';
import { deletePrefix, trimStream } from './lib/redis.ts';
import { f, renderReport, type CaseFigures, type LoopDelay, type Report, type SlowStreamFigures, type Target } from './lib/report.ts';
import { measureTtfb } from './lib/ttfb.ts';
import { runUsageQueryBench } from './usage-queries.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const skipIngest = args.includes('--skip-ingest');
const P = quick
  ? { loadS: 2, latS: 2, warmS: 1, slowClients: 200, slowChunks: 30, directSlowChunks: 20, ingestEvents: 2000, ttfbSamples: 15, profS: 3 }
  : { loadS: 6, latS: 5, warmS: 2, slowClients: 1000, slowChunks: 300, directSlowChunks: 100, ingestEvents: 10_000, ttfbSamples: 40, profS: 6 };
const SLOW_DELAY_MS = 100;
const PROXY_CORE = 0;
const LOAD_CORE = 1;
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

async function startMock(): Promise<string> {
  const { child, match } = await spawnPinned(LOAD_CORE, process.execPath, ['--import', 'tsx', join(ROOT, 'bench/mock-server.ts')], { cwd: ROOT, ready: /MOCK_PORT=(\d+)/ });
  children.push(child);
  return `http://127.0.0.1:${match[1]}`;
}

async function launchProxy(mode: 'bundle' | 'tsx', prefix: string, nodeArgs: string[] = [], bundle?: string): Promise<RunningProxy> {
  const p = await startProxy({ mode, redisUrl: REDIS_URL, prefix, core: PROXY_CORE, nodeArgs, bundle });
  children.push(p.child);
  return p;
}

async function stopChild(c: Child): Promise<void> {
  await c.stop();
  children.splice(children.indexOf(c), 1);
}

const load = (url: string, headers: Record<string, string>, body: string, connections: number, durationS: number) =>
  runLoad({ url, headers, body, connections, durationS, core: LOAD_CORE }, SCRATCH);

/** req/s at 32 connections with the proxy's CPU time over the run, per request. */
async function proxyThroughput(proxy: RunningProxy, c: BenchCase, durationS: number): Promise<{ r: LoadResult; cpuUsPerReq: number; cpuShare: number }> {
  const before = cpuMicros(proxy.child.pid);
  const r = await load(proxy.url + c.proxyPath, c.headers, c.body, 32, durationS);
  const cpu = cpuMicros(proxy.child.pid) - before;
  return { r, cpuUsPerReq: cpu / Math.max(1, r.requests), cpuShare: cpu / (r.durationS * 1e6) };
}

async function runCases(mockUrl: string, proxy: RunningProxy, prefix: string): Promise<CaseFigures[]> {
  const figures: CaseFigures[] = [];
  log(`warm-up ${P.warmS} s per case`);
  for (const c of CASES) await load(proxy.url + c.proxyPath, c.headers, c.body, 32, P.warmS);
  for (const c of CASES) {
    log(`case ${c.id}`);
    const directUrl = mockUrl + c.directPath;
    const dHeaders = c.directHeaders ?? c.headers;
    const dBody = c.directBody ?? c.body;
    const directRps = await load(directUrl, dHeaders, dBody, 32, P.loadS);
    const directLat = await load(directUrl, dHeaders, dBody, 1, P.latS);
    const { r: proxyRps, cpuUsPerReq, cpuShare } = await proxyThroughput(proxy, c, P.loadS);
    const proxyLat = await load(proxy.url + c.proxyPath, c.headers, c.body, 1, P.latS);
    figures.push({ id: c.id, title: c.title, stream: c.stream, direct: { rps: directRps, lat: directLat }, proxy: { rps: proxyRps, lat: proxyLat, cpuUsPerReq, cpuShare } });
    log(`  direct ${f(directRps.rps)} req/s, p50 ${f(directLat.p50Ms, 3)} ms | proxy ${f(proxyRps.rps)} req/s, p50 ${f(proxyLat.p50Ms, 3)} ms, ${f(cpuUsPerReq)} µs CPU/req, ${f(100 * cpuShare)} % of core 0`);
    // Nobody ingests during the load runs: keep Redis from holding hundreds of MB of usage events.
    await trimStream(REDIS_URL, prefix + hotKeys.usageStream);
  }
  return figures;
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
async function runProfile(prefix: string): Promise<Report['profile']> {
  const out: Report['profile'] = [];
  for (const id of ['openai-json', 'anthropic-sse', 'translated-sse'] as const) {
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
    await trimStream(REDIS_URL, prefix + hotKeys.usageStream);
  }
  return out;
}

function judge(report: Report): Target[] {
  const t: Target[] = [];
  const by = (id: string) => report.cases.find((c) => c.id === id)!;
  for (const c of report.cases) {
    const goal = c.stream ? 3000 : 5000;
    const rps = c.proxy.rps.rps;
    t.push({ what: `${c.title}: req/s through the proxy @32`, target: `≥ ${f(goal)}`, measured: f(rps), met: rps >= goal, note: rps < goal ? `${f(100 - (100 * rps) / goal)} % short` : undefined });
  }
  for (const c of report.cases) {
    const a50 = c.proxy.lat.p50Ms - c.direct.lat.p50Ms;
    const a99 = c.proxy.lat.p99Ms - c.direct.lat.p99Ms;
    t.push({ what: `${c.title}: added latency p50 / p99 @1`, target: '≤ 0.5 / ≤ 2 ms', measured: `${f(a50, 3)} / ${f(a99, 3)} ms`, met: a50 <= 0.5 && a99 <= 2,
      note: a50 > 0.5 || a99 > 2 ? `over by ${f(Math.max(0, a50 - 0.5), 3)} / ${f(Math.max(0, a99 - 2), 3)} ms` : undefined });
  }
  for (const c of report.cases) {
    const cpu = c.proxy.cpuUsPerReq;
    t.push({ what: `${c.title}: proxy CPU per request`, target: '≤ 200 µs', measured: `${f(cpu)} µs`, met: cpu <= 200, note: cpu > 200 ? `${f(cpu / 200, 2)}× the budget` : undefined });
  }
  t.push({ what: 'proxy RSS after load', target: '< 200 MB', measured: `${f(report.rssAfterLoadMb, 1)} MB`, met: report.rssAfterLoadMb < 200 });
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
  void by;
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
  const cases = ids.map((id) => CASES.find((c) => c.id === id) ?? (() => { throw new Error(`no case ${id}`); })());
  const prefix = `bench:${uniqueSuffix()}:`;
  const samples = new Map<string, number[]>();
  try {
    const mockUrl = await startMock();
    await publishBenchSnapshot(REDIS_URL, prefix, mockUrl);
    for (let round = 1; round <= rounds; round++) {
      for (const bundle of round % 2 ? bundles : [...bundles].reverse()) {
        const proxy = await launchProxy('bundle', prefix, [], bundle);
        for (const c of cases) {
          await load(proxy.url + c.proxyPath, c.headers, c.body, 32, P.warmS);
          const { r, cpuUsPerReq } = await proxyThroughput(proxy, c, P.loadS);
          const key = `${bundle}\t${c.id}`;
          samples.set(key, [...(samples.get(key) ?? []), cpuUsPerReq]);
          log(`round ${round} ${bundle} ${c.id}: ${f(cpuUsPerReq)} µs CPU/req, ${f(r.rps)} req/s${r.errors ? `, ${r.errors} errors` : ''}`);
          await trimStream(REDIS_URL, prefix + hotKeys.usageStream);
        }
        await stopChild(proxy.child);
      }
    }
  } finally {
    for (const c of [...children]) await c.stop().catch(() => undefined);
    await deletePrefix(REDIS_URL, prefix).catch(() => undefined);
  }
  const out = ['| bundle | case | CPU µs/request, median | min – max | runs |', '|---|---|---:|---:|---:|'];
  for (const [key, xs] of samples) {
    const [bundle, id] = key.split('\t');
    const sorted = [...xs].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    out.push(`| ${bundle} | ${id} | ${f(median)} | ${f(sorted[0])} – ${f(sorted[sorted.length - 1])} | ${xs.length} |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const bundleTo = argValue('--bundle-to');
  if (bundleTo) {
    log(`bundled the proxy into ${await bundleProxy(join(ROOT, bundleTo))}`);
    return;
  }
  const compare = argValue('--cpu-compare');
  if (compare) {
    try { execFileSync('taskset', ['-cp', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' }); } catch {}
    mkdirSync(SCRATCH, { recursive: true });
    await cpuCompare(compare.split(',').map((b) => join(ROOT, b)), (argValue('--cases') ?? 'translated-sse').split(','), Number(argValue('--rounds') ?? 4));
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
    quick, durations: { loadS: P.loadS, latS: P.latS }, cases: [], rssAfterLoadMb: 0, rssIdleMb: 0, tsxCompare: [], ttfb: [], slow: null,
    ingest: null, targets: [], profile: [], notes,
  };
  try {
    log('bundling the proxy');
    await bundleProxy();
    if (translateImportPatched) notes.push('apps/proxy/src/relay/translation.ts loads the translate layer with `import(variable)`, which no bundler follows: a plain esbuild bundle serves same-format traffic only (translated requests get 503 no_available_account). The harness rewrites that import to a literal at bundle time; the proxy should import it statically.');
    const mockUrl = await startMock();
    await publishBenchSnapshot(REDIS_URL, prefix, mockUrl);
    const proxy = await launchProxy('bundle', prefix);
    report.rssIdleMb = rssBytes(proxy.child.pid) / MB;
    log(`mock ${mockUrl}, proxy ${proxy.url} (pid ${proxy.child.pid}), load tool ${report.tool}`);

    report.cases = await runCases(mockUrl, proxy, prefix);
    report.rssAfterLoadMb = rssBytes(proxy.child.pid) / MB;

    log('time to first byte');
    for (const id of ['openai-sse', 'anthropic-sse', 'translated-sse'] as const) {
      const d = slowRequest(id, SLOW_DELAY_MS, 50, true);
      const p = slowRequest(id, SLOW_DELAY_MS, 50, false);
      const direct = await measureTtfb(mockUrl, d.path, d.headers, d.body, P.ttfbSamples);
      const viaProxy = await measureTtfb(proxy.url, p.path, p.headers, p.body, P.ttfbSamples);
      report.ttfb.push({ id, direct, proxy: viaProxy });
    }

    await stopChild(proxy.child);
    await trimStream(REDIS_URL, prefix + hotKeys.usageStream);

    // A fresh proxy for the slow streams: after the load runs the heap has room to spare, and
    // RSS would not show what the open streams cost.
    const fresh = await launchProxy('bundle', prefix);
    const warm = slowRequest('anthropic-sse', 0, 5, false);
    await load(fresh.url + warm.path, warm.headers, warm.body, 8, 1);
    report.slow = await runSlowStreams(mockUrl, fresh);
    await stopChild(fresh.child);
    await trimStream(REDIS_URL, prefix + hotKeys.usageStream);

    if (!quick) {
      log('tsx vs bundle');
      const tsxProxy = await launchProxy('tsx', prefix);
      for (const id of ['openai-json', 'anthropic-sse', 'translated-sse'] as const) {
        const c = CASES.find((x) => x.id === id)!;
        await load(tsxProxy.url + c.proxyPath, c.headers, c.body, 32, P.warmS);
        const { r, cpuUsPerReq } = await proxyThroughput(tsxProxy, c, P.loadS);
        const b = report.cases.find((x) => x.id === id)!;
        report.tsxCompare.push({ id, bundleRps: b.proxy.rps.rps, tsxRps: r.rps, bundleCpu: b.proxy.cpuUsPerReq, tsxCpu: cpuUsPerReq });
      }
      await stopChild(tsxProxy.child);
      await trimStream(REDIS_URL, prefix + hotKeys.usageStream);
    }

    log('profiling');
    report.profile = await runProfile(prefix);
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
    // A 3 MB JS bundle inside the repo would be linted by `pnpm lint` (eslint .): remove it unless asked to keep it.
    if (!args.includes('--keep-bundle')) for (const ext of ['', '.map']) rmSync(PROXY_BUNDLE + ext, { force: true });
  }
  const errored = report.cases.filter((c) => c.direct.rps.errors || c.proxy.rps.errors || c.direct.lat.errors || c.proxy.lat.errors);
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
