#!/usr/bin/env node
// The whole test suite, in the order a failure is cheapest to find: lint, types, the import graph, the committed
// GraphQL contract (schema.graphql and the admin's gql.tada output), vitest — all three projects
// of vitest.config.ts (unit, integration, e2e) in one run, counted from one JSON report — then
// Playwright in Chromium against the embedded build. Prints one closing line that CI reads:
// "Tests: N passed, N failed, N skipped".
//
// Real-service suites run when TEST_DATABASE_URL / TEST_REDIS_URL are set; with CI=true they must
// be set and reachable (the suites fail, never skip). The browser suite needs Chromium
// (/usr/bin/chromium or CHROMIUM_PATH); with CI=true a missing browser is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ci = process.env.CI === 'true';
const bin = (name) => join(root, 'node_modules', '.bin', name);
const results = [];
let passed = 0, failed = 0, skipped = 0;

function step(name, cmd, args, env = {}) {
  const t0 = Date.now();
  process.stdout.write(`\n━━ ${name}: ${[cmd, ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  results.push({ name, ok, secs: ((Date.now() - t0) / 1000).toFixed(1) });
  return ok;
}

function countVitest(file) {
  if (!existsSync(file)) return false;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  passed += j.numPassedTests ?? 0;
  failed += j.numFailedTests ?? 0;
  // A file that failed to load (or whose hooks threw) has no failed test of its own: count it once.
  failed += (j.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  return true;
}

function countPlaywright(file) {
  if (!existsSync(file)) return false;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  const s = j.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  return true;
}

const outDir = join(root, 'test-results');
mkdirSync(outDir, { recursive: true });

const staticOk = [
  step('lint', bin('eslint'), ['--max-warnings', '0', '.']),
  step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']),
  step('import graph (.dependency-cruiser.cjs)', process.execPath, ['scripts/deps-check.mjs']),
  step('schema.graphql is current', bin('tsx'), ['apps/control-plane/src/emit-schema.ts', '--check']),
  step('admin graphql-env.d.ts is current', process.execPath, ['apps/admin/gql-env.mjs', '--check']),
  step('docs/CONFIGURATION.md is current', bin('tsx'), ['scripts/config-doc.ts', '--check']),
].every(Boolean);
if (!staticOk) failed += 1;

// The embedded-mode tests and Playwright both serve the built admin app (a no-op when current).
if (!step('admin build', process.execPath, ['apps/admin/build.mjs'])) failed += 1;

const vitestJson = join(outDir, 'vitest.json');
rmSync(vitestJson, { force: true });
// No --project filter: every project runs, so a test file in none of the fast subsets still counts.
step('vitest (projects unit, integration, e2e)', bin('vitest'), ['run'], { VITEST_JSON: vitestJson });
if (!countVitest(vitestJson)) failed += 1;

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(chromium)) {
  const pwJson = join(outDir, 'playwright.json');
  rmSync(pwJson, { force: true });
  step('playwright (Chromium)', bin('playwright'), ['test', '-c', 'e2e/playwright.config.ts'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson, CHROMIUM_PATH: chromium });
  if (!countPlaywright(pwJson)) failed += 1;
} else if (ci) {
  process.stdout.write(`\nChromium not found at ${chromium}: the browser suite cannot run in CI.\n`);
  results.push({ name: 'playwright (Chromium)', ok: false, secs: '0' });
  failed += 1;
} else {
  process.stdout.write(`\nSkipping the browser suite: no Chromium at ${chromium} (apt-get install chromium).\n`);
  results.push({ name: 'playwright (Chromium) — skipped, no browser', ok: true, secs: '0' });
}

process.stdout.write('\n━━ Summary\n');
for (const r of results) process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name} (${r.secs}s)\n`);
const allOk = failed === 0 && results.every((r) => r.ok);
process.stdout.write(`\nTests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(allOk ? 0 : 1);
