#!/usr/bin/env node
// Builds the admin SPA into apps/admin/dist with vite's build() API. `pnpm start` and the test
// runner call this on every start, so it skips the build when dist/index.html is newer than every
// source file (src/**, index.html, vite.config.ts). Pass --force to build anyway.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('.', import.meta.url));
const distIndex = join(appDir, 'dist', 'index.html');

/** Newest modification time (ms) of a file or of every file below a directory. */
function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isUpToDate() {
  if (!existsSync(distIndex)) return false;
  const sources = ['src', 'index.html', 'vite.config.ts'].map((p) => join(appDir, p)).filter((p) => existsSync(p));
  const newestSource = Math.max(...sources.map(newestMtime));
  return statSync(distIndex).mtimeMs > newestSource;
}

if (!process.argv.includes('--force') && isUpToDate()) {
  console.log('admin: dist is up to date, build skipped');
} else {
  const { build } = await import('vite');
  const t0 = Date.now();
  await build({ configFile: join(appDir, 'vite.config.ts'), root: appDir, logLevel: 'warn' });
  console.log(`admin: built apps/admin/dist in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}
