import { defineConfig } from 'vitest/config';

// Three projects, chosen by file name and place (README, "Working on it"):
// - unit: `apps/*/src/**/*.unit.test.ts` and `libs/*/src/**/*.unit.test.ts` — no database, no
//   Redis, no socket, no child process; `pnpm test:unit` runs only these (the fast loop).
// - e2e: everything under `e2e/` (Playwright's browser specs excepted: `pnpm test:e2e`).
// - integration: every other `*.test.ts` — the default, so a new file that is not named
//   `.unit.test.ts` still runs in the full suite (`pnpm test`), never dropped.
const UNIT = ['apps/*/src/**/*.unit.test.{ts,tsx}', 'libs/*/src/**/*.unit.test.{ts,tsx}'];
const ANY_TEST = ['**/*.test.{ts,tsx}'];
const NEVER = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (index.js) and ESM (index.mjs) without an exports map. Vite would pick
    // the .mjs for source files while type-graphql/Apollo (loaded by Node) get the .js: two copies,
    // and `instanceof GraphQLScalarType` fails across them. Pin the one Node uses.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.VITEST_JSON ? ['default', ['json', { outputFile: process.env.VITEST_JSON }]] : ['default'],
    projects: [
      // Threads start faster than forks, and pure tests need no process of their own.
      { extends: true, test: { name: 'unit', include: UNIT, exclude: NEVER, pool: 'threads' } },
      { extends: true, test: { name: 'integration', include: ANY_TEST, exclude: [...NEVER, 'e2e/**', ...UNIT] } },
      { extends: true, test: { name: 'e2e', include: ['e2e/**/*.test.{ts,tsx}'], exclude: [...NEVER, 'e2e/browser/**'] } },
    ],
  },
});
