#!/usr/bin/env node
// gql.tada's introspection output (src/graphql-env.d.ts) is generated from schema.graphql and
// committed, like schema.graphql itself. `node apps/admin/gql-env.mjs` regenerates it;
// `--check` regenerates into a temp file and fails when the committed one differs (test command).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const adminDir = new URL('.', import.meta.url).pathname;
const committed = join(adminDir, 'src', 'graphql-env.d.ts');
const cli = join(adminDir, 'node_modules', '.bin', 'gql.tada');
const check = process.argv.includes('--check');

const tmp = check ? mkdtempSync(join(tmpdir(), 'gql-env-')) : null;
const output = tmp ? join(tmp, 'graphql-env.d.ts') : committed;
const r = spawnSync(cli, ['generate', 'output', '--tsconfig', join(adminDir, 'tsconfig.json'), '--output', output], { stdio: ['ignore', 'pipe', 'inherit'] });
if (r.status !== 0) {
  process.stderr.write(r.stdout);
  process.exit(r.status ?? 1);
}
if (!check) {
  process.stdout.write(`wrote ${committed}\n`);
  process.exit(0);
}
const same = readFileSync(output, 'utf8') === readFileSync(committed, 'utf8');
rmSync(tmp, { recursive: true, force: true });
if (!same) {
  process.stderr.write('apps/admin/src/graphql-env.d.ts is stale: run `pnpm gql:generate` and commit it.\n');
  process.exit(1);
}
process.stdout.write('apps/admin/src/graphql-env.d.ts is current\n');
