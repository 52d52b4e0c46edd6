#!/usr/bin/env node
// `pnpm deps:check`: checks the workspace's import graph against .dependency-cruiser.cjs and
// prints one line per violation ("error <rule>: <from> → <to>"); exits 1 when there is any.
// dependency-cruiser's CLI refuses Node < 22 while the project runs on Node >= 20.19; its API
// (the same cruise, same rules) has no such check, so this script calls it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const config = createRequire(import.meta.url)('../.dependency-cruiser.cjs');
const { options } = config;

const t0 = Date.now();
const result = await cruise(
  ['apps', 'libs', 'e2e', 'bench', 'scripts'],
  { ...options, ruleSet: { forbidden: config.forbidden }, validate: true, outputType: 'json' },
  options.enhancedResolveOptions,
  { tsConfig: extractTSConfig(options.tsConfig.fileName) },
);
const output = typeof result.output === 'string' ? JSON.parse(result.output) : result.output;
const violations = output.summary.violations.filter((v) => v.rule.severity === 'error');

// The rule no-package-cycles above sees module cycles only. Two packages can also depend on each
// other without a module cycle (a → b's index, b → a's index): collapse the graph of non-test code
// to packages and report every strongly connected group of more than one. Test files are left out:
// a package's tests may use libs/testkit, which depends on that package.
const TEST_FILE = /\.(test|test-helper)\.tsx?$|\.test-support\.ts$/;
const packageOf = (path) => /^((?:apps|libs)\/[^/]+)\//.exec(path)?.[1];
const edges = new Map();
for (const m of output.modules) {
  const from = packageOf(m.source);
  if (!from || TEST_FILE.test(m.source)) continue;
  for (const d of m.dependencies) {
    const to = packageOf(d.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${m.source} → ${d.resolved}`);
  }
}
for (const group of stronglyConnected(edges)) {
  if (group.length < 2) continue;
  const examples = group.flatMap((a) => group.filter((b) => edges.get(a)?.has(b)).map((b) => edges.get(a).get(b)));
  violations.push({ rule: { name: 'no-package-cycles', severity: 'error' }, from: group.join(' ⇄ '), to: `(${examples.join('; ')})` });
}

/** Tarjan's algorithm over the package graph. */
function stronglyConnected(graph) {
  const index = new Map(), low = new Map(), stack = [], onStack = new Set(), groups = [];
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((m) => [...m.keys()])]);
  const visit = (v) => {
    index.set(v, index.size); low.set(v, index.get(v)); stack.push(v); onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const group = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); group.push(w); } while (w !== v);
      groups.push(group.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return groups;
}
for (const v of violations) {
  const cycle = v.cycle?.length ? ` (cycle: ${[v.from, ...v.cycle.map((c) => c.name ?? c)].join(' → ')})` : '';
  process.stdout.write(`error ${v.rule.name}: ${v.from} → ${v.to}${cycle}\n`);
}
process.stdout.write(`deps:check: ${output.summary.totalCruised} modules, ${output.summary.totalDependenciesCruised} dependencies, ${violations.length} violation(s) (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
process.exit(violations.length ? 1 : 0);
