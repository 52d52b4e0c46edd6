// One lint setup for the whole workspace. The rule that matters most: apps/proxy is the hot
// path and may not import the ORM or GraphQL, so the boundary is enforced, not remembered.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const proxyForbidden = [
  { group: ['@mikro-orm/*', '@mikro-orm/**'], message: 'apps/proxy is the hot path: it never talks to MySQL. Read the config snapshot from the hot store instead.' },
  { group: ['type-graphql', '@apollo/server', '@apollo/server/*', 'graphql', 'graphql-ws'], message: 'apps/proxy is the hot path: no GraphQL here. The control plane owns the API.' },
  { group: ['@relay/db', '@relay/db/*'], message: 'apps/proxy is the hot path: it never imports the DB entities (they pull in MikroORM).' },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**', 'bench/.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', performance: 'readonly', window: 'readonly', document: 'readonly', navigator: 'readonly', localStorage: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-control-regex': 'off',
    },
  },
  {
    // libs/upstreams runs inside the proxy's request path too.
    files: ['apps/proxy/**/*.ts', 'libs/upstreams/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: proxyForbidden }] },
  },
);
