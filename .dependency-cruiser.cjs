/* global module */
// The import graph's rules (`pnpm deps:check`, a step of `pnpm test`). Packages talk to each other
// only through the entry points their package.json declares; the two planes never import each
// other (apps/embedded composes them); libs never import apps (libs/testkit excepted: it starts
// them, through their entry points); and no import cycle runs through more than one package.

/** The declared entry points (package.json `exports`), as repository paths. */
const ENTRY_POINTS = [
  '^libs/[^/]+/src/index\\.ts$',
  '^libs/core/src/logger\\.ts$',
  '^libs/testkit/src/private-services\\.ts$',
  '^libs/testkit/src/webhook-receiver\\.ts$',
  '^libs/testkit/src/redis-cluster\\.ts$',
  '^apps/proxy/src/index\\.ts$',
  '^apps/control-plane/src/index\\.ts$',
];
/** A package, or one of the workspace folders that are not under apps/ or libs/. */
const PACKAGE = '^((?:apps|libs)/[^/]+|e2e|bench|scripts)/';

module.exports = {
  forbidden: [
    {
      name: 'control-plane-not-proxy',
      comment: 'The control plane never imports the proxy: shared upstream code lives in @relay/upstreams; apps/embedded runs both planes.',
      severity: 'error',
      from: { path: '^apps/control-plane/' },
      to: { path: '^apps/proxy/' },
    },
    {
      name: 'proxy-not-control-plane',
      comment: 'The proxy is the hot path and never imports the control plane.',
      severity: 'error',
      from: { path: '^apps/proxy/' },
      to: { path: '^apps/control-plane/' },
    },
    {
      name: 'no-foreign-app-imports',
      comment: 'Libraries never import an app (libs/testkit, which starts them, excepted); apps are imported by apps/embedded, libs/testkit, e2e and bench, through their entry points (no-deep-imports).',
      severity: 'error',
      from: { path: '^(libs/[^/]+|scripts)/', pathNot: '^libs/testkit/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-app-to-app',
      comment: 'Apps do not import each other (apps/embedded, the composition, excepted).',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/embedded/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-deep-imports',
      comment: "Another package is imported through its declared entry points only (package.json `exports`), never by a path into its src/.",
      severity: 'error',
      from: { path: PACKAGE },
      to: { path: '^(apps|libs)/', pathNot: ['^$1/', ...ENTRY_POINTS] },
    },
    {
      name: 'no-package-cycles',
      comment: 'No import cycle runs through more than one package.',
      severity: 'error',
      from: { path: '^((?:apps|libs)/[^/]+)/' },
      to: { circular: true, viaSomeNot: '^$1/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a subpath a package does not export does not).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|__fixtures__)/|^apps/admin/(build|gql-env)\\.mjs$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs', '.json', '.d.ts'],
    },
  },
};
