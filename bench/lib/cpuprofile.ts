// Reads a V8 .cpuprofile (node --cpu-prof) and ranks functions by self time: the evidence the
// report gives for a missed target.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Maps bundle positions back to the TypeScript sources through the bundle's .map file, when there is one. */
function sourceMapper(root: string): (url: string, line: number, column: number) => string {
  const maps = new Map<string, SourceMap | null>();
  return (url, line, column) => {
    const file = fileURLToPath(url);
    if (!maps.has(file)) {
      const mapFile = `${file}.map`;
      maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null);
    }
    const map = maps.get(file);
    const entry = map?.findEntry(line, column) as { originalSource?: string; originalLine?: number } | undefined;
    if (entry?.originalSource) {
      const src = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
      return `${relative(root, src).replace(/^(\.\.\/)*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')}:${(entry.originalLine ?? 0) + 1}`;
    }
    return `${relative(root, file)}:${line + 1}`;
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] }

export interface HotFunction {
  name: string;
  /** file:line (relative to the repo or node: built-in). */
  where: string;
  selfMs: number;
  selfPct: number;
}

/** Groups samples (from `fromUs` on) by function (name + location) and returns the top `n` by self time. */
export function topSelfTime(file: string, root: string, n = 15, fromUs = 0): { total: number; top: HotFunction[]; idlePct: number; gcPct: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // Self time per node from the sample timeline (more exact than hitCount × the nominal interval).
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Sample timestamps are CLOCK_MONOTONIC µs, the clock of process.hrtime: samples before `fromUs`
  // (start-up, module compilation, warm-up) are left out.
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at < fromUs) continue;
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
  }
  const mapPosition = sourceMapper(root);
  const groups = new Map<string, HotFunction & { us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    totalUs += us;
    if (functionName === '(idle)') { idleUs += us; continue; }
    if (functionName === '(garbage collector)') gcUs += us;
    const where = url.startsWith('file://') ? mapPosition(url, lineNumber, columnNumber) : url;
    const name = functionName || '(anonymous)';
    const key = `${name}@${where}`;
    const g = groups.get(key) ?? { name, where, selfMs: 0, selfPct: 0, us: 0 };
    g.us += us;
    groups.set(key, g);
  }
  const busyUs = totalUs - idleUs;
  const top = [...groups.values()].sort((a, b) => b.us - a.us).slice(0, n)
    .map((g) => ({ name: g.name, where: g.where, selfMs: g.us / 1000, selfPct: busyUs ? (100 * g.us) / busyUs : 0 }));
  return { total: busyUs / 1000, top, idlePct: totalUs ? (100 * idleUs) / totalUs : 0, gcPct: busyUs ? (100 * gcUs) / busyUs : 0 };
}
