// Proof that the admin's GraphQL types come from schema.graphql: the admin app is copied, gql.tada's
// output is regenerated from a schema in which one field the admin shows is renamed, and the
// TypeScript compiler must then fail exactly where the pages read that field. The same copy with
// the schema unchanged must compile, so the failure is the rename's doing and nothing else.
// Integration project: it runs the gql.tada CLI and tsc as child processes (~20 s).
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const adminDir = fileURLToPath(new URL('../../', import.meta.url));
const rootDir = join(adminDir, '..', '..');
const schema = readFileSync(join(rootDir, 'schema.graphql'), 'utf8');

/** Runs a program to completion; resolves with its exit code and everything it printed. */
function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: adminDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** `schema.graphql` with one field of one type renamed. */
function renameField(sdl: string, typeName: string, from: string, to: string): string {
  const start = sdl.indexOf(`type ${typeName} {`);
  const end = sdl.indexOf('\n}', start);
  const body = sdl.slice(start, end);
  expect(body).toMatch(new RegExp(`\\n  ${from}:`));
  return sdl.slice(0, start) + body.replace(new RegExp(`\\n  ${from}:`), `\n  ${to}:`) + sdl.slice(end);
}

const workDirs: string[] = [];

/**
 * A copy of the admin app (inside its node_modules, so imports resolve as they do for the real
 * one) typed from `sdl`: gql.tada regenerates graphql-env.d.ts from it, then tsc checks the copy.
 */
async function typecheckAgainst(sdl: string): Promise<{ code: number | null; output: string; srcDir: string }> {
  const cacheDir = join(adminDir, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const dir = mkdtempSync(join(cacheDir, 'schema-drift-'));
  workDirs.push(dir);
  cpSync(join(adminDir, 'src'), join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'schema.graphql'), sdl);
  const tsconfig = join(dir, 'tsconfig.json');
  const plugin = { name: 'gql.tada/ts-plugin', schema: './schema.graphql', tadaOutputLocation: './src/graphql-env.d.ts' };
  // The app's own sources only (no tests, no Node types): what the browser bundle is built from.
  const compilerOptions = { plugins: [plugin], types: [] };
  writeFileSync(tsconfig, JSON.stringify({ extends: join(adminDir, 'tsconfig.json'), compilerOptions, include: ['src/**/*'], exclude: ['src/**/*.test.ts'] }));
  const generated = await run(join(adminDir, 'node_modules', '.bin', 'gql.tada'), ['generate', 'output', '--tsconfig', tsconfig]);
  if (generated.code !== 0) throw new Error(`gql.tada generate output failed:\n${generated.output}`);
  const checked = await run(join(rootDir, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig, '--noEmit', '--pretty', 'false']);
  return { ...checked, srcDir: join(dir, 'src') };
}

/** tsc's `file(line,col): error TS…` lines as { file relative to src, the source line }. */
function errorSites(output: string, srcDir: string): { file: string; line: string }[] {
  return [...output.matchAll(/^(.+?)\((\d+),\d+\): error TS\d+/gm)].map((m) => {
    const file = join(adminDir, m[1]);
    return { file: relative(srcDir, file), line: readFileSync(file, 'utf8').split('\n')[Number(m[2]) - 1] };
  });
}

describe('admin types follow schema.graphql (gql.tada)', () => {
  let renamed: Awaited<ReturnType<typeof typecheckAgainst>>;
  let unchanged: Awaited<ReturnType<typeof typecheckAgainst>>;

  beforeAll(async () => {
    // Both checks at once: each is one tsc over the whole admin app.
    [renamed, unchanged] = await Promise.all([typecheckAgainst(renameField(schema, 'ApiKey', 'keyPrefix', 'displayPrefix')), typecheckAgainst(schema)]);
  }, 120_000);

  afterAll(() => {
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('fails the typecheck where the pages use a field the schema renamed', () => {
    expect(renamed.code).not.toBe(0);
    const sites = errorSites(renamed.output, renamed.srcDir);
    expect(sites.length).toBeGreaterThan(0);
    // Every error is at a use of the renamed field, and both key tables that show it are named.
    expect(sites.filter((s) => !s.line.includes('.keyPrefix'))).toEqual([]);
    expect(new Set(sites.map((s) => s.file))).toEqual(new Set(['pages/api-keys/AllKeysTab.tsx', 'pages/api-keys/MyKeysTab.tsx']));
  });

  it('passes with the schema unchanged', () => {
    expect(unchanged.output).toBe('');
    expect(unchanged.code).toBe(0);
  });
});
