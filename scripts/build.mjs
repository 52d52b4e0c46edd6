#!/usr/bin/env node
// `pnpm build`: the admin SPA (apps/admin/dist, copied to dist/admin) and one esbuild bundle per
// process — dist/proxy.mjs, dist/control-plane.mjs, dist/embedded.mjs — run with plain `node`.
//
// Bundled: our workspace code and most dependencies. External (left in node_modules, see
// EXTERNAL): MikroORM (it loads its drivers and knex dialects by name at run time, and libsql has
// native bindings), pino (its transports run in worker threads that load files by path) and the
// graphql family (see below). So
// that `node dist/*.mjs` still finds them through ordinary node_modules resolution, the build links
// dist/node_modules/<pkg> to the copy the workspace package that uses it resolves; a bundle is
// therefore run from a checkout (or image) where `pnpm install` ran, not copied alone.
import { cpSync, existsSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');

/** Packages kept out of the bundles, and the workspace package whose node_modules provides each. */
const EXTERNAL = {
  '@mikro-orm/core': 'libs/db',
  '@mikro-orm/knex': 'libs/db',
  '@mikro-orm/libsql': 'libs/db',
  '@mikro-orm/mariadb': 'libs/db',
  '@mikro-orm/mysql': 'libs/db',
  '@mikro-orm/migrations': 'libs/db',
  // limits.ts loads these two with a created require (not bundlable), so graphql, which they must
  // share with Apollo and type-graphql as ONE copy, stays external too.
  graphql: 'apps/control-plane',
  'graphql-query-complexity': 'apps/control-plane',
  '@escape.tech/graphql-armor': 'apps/control-plane',
  pino: 'libs/core',
  'pino-roll': 'libs/core',
};

const ENTRIES = {
  proxy: 'apps/proxy/src/main.ts',
  'control-plane': 'apps/control-plane/src/main.ts',
  embedded: 'apps/embedded/src/main.ts',
};

/** esbuild is tsx's dependency (no extra install): load tsx's copy. */
function loadEsbuild() {
  return createRequire(realpathSync(join(ROOT, 'node_modules/tsx/package.json')))('esbuild');
}

/** dist/node_modules/<pkg> → the package folder as the workspace package that depends on it sees it. */
function linkExternals() {
  for (const [pkg, owner] of Object.entries(EXTERNAL)) {
    const source = join(ROOT, owner, 'node_modules', pkg);
    if (!existsSync(source)) throw new Error(`build: ${pkg} is not installed under ${owner}; run pnpm install`);
    const link = join(DIST, 'node_modules', pkg);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), realpathSync(source)), link, 'dir');
  }
}

const t0 = Date.now();
execFileSync(process.execPath, [join(ROOT, 'apps/admin/build.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
const esbuild = loadEsbuild();
await esbuild.build({
  entryPoints: ENTRIES,
  outdir: DIST,
  outExtension: { '.js': '.mjs' },
  bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: 'linked', logLevel: 'warning',
  external: Object.keys(EXTERNAL),
  // The control plane serves the admin SPA from dist/admin next to the bundle (see admin-static.ts).
  define: { __RELAY_ADMIN_DIST__: JSON.stringify('admin') },
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __relayCreateRequire } from 'node:module'; const require = __relayCreateRequire(import.meta.url);" },
});
cpSync(join(ROOT, 'apps/admin/dist'), join(DIST, 'admin'), { recursive: true });
linkExternals();
writeFileSync(join(DIST, 'package.json'), JSON.stringify({ type: 'module', private: true }, null, 2) + '\n');
console.log(`build: dist/{${Object.keys(ENTRIES).join(',')}}.mjs and dist/admin in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
