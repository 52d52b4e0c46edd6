// Every environment variable of the platform, declared once. The proxy's and the control plane's
// loaders, their config types (PlaneConfig) and docs/CONFIGURATION.md (`pnpm config:doc`) are all
// derived from this list. To add a variable, add one `variable({...})` entry here (see the
// "Configuration" paragraph of docs/ARCHITECTURE.md), then run `pnpm config:doc`.
import { parse, variable } from './config.ts';
import { parseListenAddress } from './listen-address.ts';
import { parseRedisNodesVariable, parseRedisUrlVariable } from './redis-target.ts';
import { DEFAULT_USAGE_STREAM_PARTITIONS, MAX_USAGE_STREAM_PARTITIONS } from './hot-keys.ts';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The declarations, in the order the docs list them. */
export const CONFIG_VARIABLES = [
  variable({
    name: 'PORT', key: 'port', type: 'integer 0–65535', parse: parse.integer({ min: 0, max: 65535 }),
    description: 'HTTP port: GraphQL at /graphql, the admin app at /, and in embedded mode the proxy paths (/v1/*, …).',
    planes: {
      'control-plane': { default: '8080' },
      proxy: { default: '8081', description: 'Where the standalone proxy listens (in embedded mode the one PORT serves both planes).' },
    },
  }),
  variable({
    name: 'DATABASE_URL', key: 'databaseUrl', type: 'URL', file: true, parse: parse.url(['mysql', 'mariadb']),
    description: 'MySQL/MariaDB URL (mysql:// or mariadb://). When set, REDIS_URL, ENCRYPTION_KEY and API_KEY_SECRET are required (production mode).',
    planes: { 'control-plane': { defaultDoc: '(unset: SQLite at DATA_DIR/relay.db)' } },
  }),
  variable({
    name: 'REDIS_URL', key: 'redisUrl', type: 'URL', file: true, parse: parseRedisUrlVariable,
    description: 'Redis URL (redis:// or rediss://) shared by all proxies and control planes; for a Redis Cluster redis+cluster://[user:password@]h1:p1,h2:p2,… (rediss+cluster:// with TLS), any reachable nodes as seeds.',
    planes: {
      'control-plane': { defaultDoc: '(unset: in-process store)' },
      proxy: { defaultDoc: '(required for the standalone proxy)', description: 'The shared hot store: config snapshot, limits, cooldowns, usage stream, live logs. redis+cluster://h1:p1,h2:p2,… for a Redis Cluster.' },
    },
  }),
  variable({
    name: 'REDIS_CLUSTER_NODES', key: 'redisClusterNodes', type: 'host:port list', parse: parseRedisNodesVariable,
    description: 'Seed nodes of a Redis Cluster (h1:p1,h2:p2,…), instead of REDIS_URL: the same as REDIS_URL=redis+cluster://h1:p1,h2:p2. Setting both is an error; a password or TLS goes in REDIS_URL.',
    planes: { 'control-plane': { defaultDoc: '(unset)' }, proxy: { defaultDoc: '(unset)' } },
  }),
  variable({
    name: 'USAGE_STREAM_PARTITIONS', key: 'usageStreamPartitions', type: `integer 1–${MAX_USAGE_STREAM_PARTITIONS}`,
    parse: parse.integer({ min: 1, max: MAX_USAGE_STREAM_PARTITIONS }),
    description: 'Number of usage streams (each with its own hash tag, so they spread over the shards of a Redis Cluster); a request goes to the one its request id hashes to. Set the same value on every proxy and control plane. Raising it is safe at any time; lowering it too: ingesters keep reading every partition any process ever announced.',
    planes: { 'control-plane': { default: String(DEFAULT_USAGE_STREAM_PARTITIONS) }, proxy: { default: String(DEFAULT_USAGE_STREAM_PARTITIONS) } },
  }),
  variable({
    name: 'HOT_STORE_PREFIX', key: 'hotStorePrefix', type: 'string', parse: parse.string,
    description: 'Prefix for every hot-store key, so several installs can share one Redis.',
    planes: {
      'control-plane': { default: '', defaultDoc: '(empty)' },
      proxy: { default: '', defaultDoc: '(empty)', description: 'Prefix for every hot-store key and channel, so several deployments can share one Redis. Must match the control plane.' },
    },
  }),
  variable({
    name: 'DATA_DIR', key: 'dataDir', type: 'path', parse: parse.path,
    description: 'Folder for the SQLite database, generated secrets (secrets.json, mode 0600) and log files.',
    planes: {
      'control-plane': { default: './data' },
      proxy: { defaultDoc: '(unset: memory-only spool)', description: 'Where the usage spool file lives while the hot store is unreachable, and log files.' },
    },
  }),
  variable({
    name: 'ADMIN_PASSWORD', key: 'adminPassword', type: 'string, 8+ characters', file: true, parse: parse.minLength(8),
    description: 'Password of the `admin` user created on first start. Ignored once that user exists.',
    planes: { 'control-plane': { defaultDoc: '(generated and printed once)' } },
  }),
  variable({
    name: 'API_KEY_SECRET', key: 'apiKeySecret', type: 'secret, 16+ characters', file: true, parse: parse.minLength(16),
    description: 'HMAC secret used to hash API keys; proxies need the same value.',
    planes: {
      'control-plane': { defaultDoc: '(embedded: generated into DATA_DIR/secrets.json)' },
      proxy: { required: true, defaultDoc: '(required)', description: 'HMAC secret of API key hashes; the same value as the control plane.' },
    },
  }),
  variable({
    name: 'ENCRYPTION_KEY', key: 'encryptionKey', type: 'secret, 16+ characters', file: true, parse: parse.minLength(16, ' (64 hex chars recommended)'),
    description: 'Key that encrypts upstream credentials at rest (AES-256-GCM). 64 hex chars or base64 of 32 bytes.',
    planes: {
      'control-plane': { defaultDoc: '(embedded: generated into DATA_DIR/secrets.json)' },
      proxy: { required: true, defaultDoc: '(required)', description: 'Key that decrypts upstream credentials; the same value as the control plane.' },
    },
  }),
  variable({
    name: 'TRUST_PROXY', key: 'trustProxy', type: 'boolean', parse: parse.boolean,
    description: 'Take the client IP (login rate limits, audit log) from X-Forwarded-For. Enable only behind a load balancer that sets it.',
    planes: { 'control-plane': { default: 'false' } },
  }),
  variable({
    name: 'LOG_LEVEL', key: 'logLevel', type: `one of ${LOG_LEVELS.join(', ')}`, parse: parse.oneOf(LOG_LEVELS),
    description: 'trace, debug, info, warn, error, fatal or silent. ORM queries are logged only at debug.',
    planes: { 'control-plane': { default: 'info' }, proxy: { default: 'info', description: 'fatal, error, warn, info, debug, trace or silent.' } },
  }),
  variable({
    name: 'USAGE_TIMEZONE', key: 'usageTimezone', type: 'IANA time zone', parse: parse.timeZone,
    description: 'IANA time zone for daily usage rollups and daily cost limits.',
    planes: {
      'control-plane': { default: 'UTC' },
      proxy: { default: 'UTC', description: 'IANA time zone of the day boundary for daily cost limits (same as the control plane).' },
    },
  }),
  variable({
    name: 'RAW_LOG_RETENTION_DAYS', key: 'rawLogRetentionDays', type: 'integer 0–36500', parse: parse.integer({ min: 0, max: 36_500 }),
    description: 'Days to keep raw request logs (0 = keep forever). Older rows are pruned hourly; daily usage rollups are kept forever.',
    planes: { 'control-plane': { default: '90' } },
  }),
  variable({
    name: 'SESSION_TTL_HOURS', key: 'sessionTtlHours', type: 'integer 1–8784', parse: parse.integer({ min: 1, max: 24 * 366 }),
    description: 'How long an admin-app login session stays valid.',
    planes: { 'control-plane': { default: '168' } },
  }),
  variable({
    name: 'MAX_API_KEYS_PER_USER', key: 'maxApiKeysPerUser', type: 'integer 1–10000', parse: parse.integer({ min: 1, max: 10_000 }),
    description: 'Default maximum number of API keys per user (a user may have their own limit).',
    planes: { 'control-plane': { default: '10' } },
  }),
  variable({
    name: 'MAX_PRICE_RATE', key: 'maxPriceRate', type: 'decimal > 0, 4 decimals', parse: parse.rate,
    description: 'Highest price rate an admin may give a user (at most 4 decimals).',
    planes: { 'control-plane': { default: '100' } },
  }),
  variable({
    name: 'LOGIN_RATE_LIMIT', key: 'loginRateLimit', type: 'integer 1–100000', parse: parse.integer({ min: 1, max: 100_000 }),
    description: 'Failed logins per (username, client address) that are free; after that each attempt from that address waits 1 s, 2 s, 4 s … (never a lockout: other addresses are unaffected).',
    planes: { 'control-plane': { default: '5' } },
  }),
  variable({
    name: 'LOGIN_RATE_WINDOW_MINUTES', key: 'loginRateWindowMinutes', type: 'integer 1–1440', parse: parse.integer({ min: 1, max: 24 * 60 }),
    description: 'How long failed logins are remembered, counted from the first one.',
    planes: { 'control-plane': { default: '15' } },
  }),
  variable({
    name: 'LOGIN_BACKOFF_MAX_SECONDS', key: 'loginBackoffMaxSeconds', type: 'integer 1–86400', parse: parse.integer({ min: 1, max: 24 * 3600 }),
    description: 'Longest wait between login attempts for one username from one address.',
    planes: { 'control-plane': { default: '300' } },
  }),
  variable({
    name: 'GRAPHQL_MAX_DEPTH', key: 'graphqlMaxDepth', type: 'integer 2–100', parse: parse.integer({ min: 2, max: 100 }),
    description: 'Maximum selection depth of a GraphQL operation.',
    planes: { 'control-plane': { default: '10' } },
  }),
  variable({
    name: 'GRAPHQL_MAX_COST', key: 'graphqlMaxCost', type: 'integer 10–10000000', parse: parse.integer({ min: 10, max: 10_000_000 }),
    description: 'Maximum cost of one GraphQL operation: about one point per database query (a usage aggregate 20, a page 2 + 1 per 10 rows; table in apps/control-plane/src/graphql/cost.ts).',
    planes: { 'control-plane': { default: '200' } },
  }),
  variable({
    name: 'GRAPHQL_COST_PER_MINUTE', key: 'graphqlCostPerMinute', type: 'integer 10–100000000', parse: parse.integer({ min: 10, max: 100_000_000 }),
    description: 'Cost one user (anonymous callers: one client address) may spend per minute across all requests and control planes.',
    planes: { 'control-plane': { default: '3000' } },
  }),
  variable({
    name: 'GRAPHQL_MAX_ALIASES', key: 'graphqlMaxAliases', type: 'integer 1–10000', parse: parse.integer({ min: 1, max: 10_000 }),
    description: 'Maximum aliases in one GraphQL operation.',
    planes: { 'control-plane': { default: '20' } },
  }),
  variable({
    name: 'GRAPHQL_MAX_DIRECTIVES', key: 'graphqlMaxDirectives', type: 'integer 1–10000', parse: parse.integer({ min: 1, max: 10_000 }),
    description: 'Maximum directives in one GraphQL operation.',
    planes: { 'control-plane': { default: '20' } },
  }),
  variable({
    name: 'GRAPHQL_MAX_TOKENS', key: 'graphqlMaxTokens', type: 'integer 100–1000000', parse: parse.integer({ min: 100, max: 1_000_000 }),
    description: 'Maximum lexical tokens in one GraphQL document (parsing stops beyond it).',
    planes: { 'control-plane': { default: '3000' } },
  }),
  variable({
    name: 'GRAPHQL_INTROSPECTION', key: 'graphqlIntrospection', type: 'boolean', parse: parse.boolean,
    description: 'Answer GraphQL introspection queries (and "did you mean" suggestions). schema.graphql in the repository is the public contract either way.',
    planes: { 'control-plane': { defaultDoc: '(embedded: true; with DATABASE_URL: false)' } },
  }),
  variable({
    name: 'METRICS_TOKEN', key: 'metricsToken', type: 'secret, 16+ characters', file: true, parse: parse.minLength(16),
    description: 'Bearer token Prometheus sends (`Authorization: Bearer …`) to read /metrics; at least 16 characters.',
    planes: { 'control-plane': { defaultDoc: '(unset: /metrics on the public port answers 401)' }, proxy: { defaultDoc: '(unset: /metrics on the public port answers 401)' } },
  }),
  variable({
    name: 'METRICS_LISTEN', key: 'metricsListen', type: 'host:port', parse: parseListenAddress,
    description: 'host:port of a separate listener serving only /metrics, e.g. 127.0.0.1:9464. Without METRICS_TOKEN it must be a loopback address and needs no token; with one, it asks for the token too.',
    planes: { 'control-plane': { defaultDoc: '(unset: no separate listener)' }, proxy: { defaultDoc: '(unset: no separate listener)' } },
  }),
  variable({
    name: 'UPSTREAM_ALLOW_PRIVATE', key: 'allowPrivateUpstreams', type: 'boolean', parse: parse.boolean,
    description: 'Let account base URLs and egress proxies point at loopback or private addresses (127/8, 10/8, 172.16/12, 192.168/16, fc00::/7, …). Link-local and cloud metadata addresses are refused regardless.',
    planes: { 'control-plane': { default: 'false' }, proxy: { default: 'false' } },
  }),
  variable({
    name: 'ALERT_MAX_ATTEMPTS', key: 'alertMaxAttempts', type: 'integer 1–100', parse: parse.integer({ min: 1, max: 100 }),
    description: 'Sends of one alert to one channel before its delivery is marked failed.',
    planes: { 'control-plane': { default: '5' } },
  }),
  variable({
    name: 'ALERT_RETRY_BASE_MS', key: 'alertRetryBaseMs', type: 'integer 10–3600000', parse: parse.integer({ min: 10, max: 3_600_000 }),
    description: 'Wait after the first failed alert send; it doubles after each further failure (1 s, 2 s, 4 s, 8 s with the defaults).',
    planes: { 'control-plane': { default: '1000' } },
  }),
  variable({
    name: 'ALERT_POLL_MS', key: 'alertPollMs', type: 'integer 50–3600000', parse: parse.integer({ min: 50, max: 3_600_000 }),
    description: 'How often each control plane looks for queued alerts (alerts queued in the same process are sent at once).',
    planes: { 'control-plane': { default: '5000' } },
  }),
  variable({
    name: 'ALERT_TIMEOUT_MS', key: 'alertTimeoutMs', type: 'integer 100–120000', parse: parse.integer({ min: 100, max: 120_000 }),
    description: 'Longest wait for an alert channel to answer one send.',
    planes: { 'control-plane': { default: '10000' } },
  }),
  variable({
    name: 'INGESTER_LAG_ALERT_ENTRIES', key: 'ingesterLagAlertEntries', type: 'integer 0–100000000', parse: parse.integer({ min: 0, max: 100_000_000 }),
    description: 'Usage events waiting unacknowledged in the stream above which the ingester counts as lagging (0 = no ingester.lagging alerts).',
    planes: { 'control-plane': { default: '1000' } },
  }),
  variable({
    name: 'ACCOUNT_PROBE_TICK_MS', key: 'accountProbeTickMs', type: 'integer 50–600000', parse: parse.integer({ min: 50, max: 600_000 }),
    description: 'How often each control plane looks for accounts whose scheduled health probe is due (each account\'s own interval is its probeIntervalSeconds; null = not probed). One control plane probes an account per interval (a hot-store lease).',
    planes: { 'control-plane': { default: '5000' } },
  }),
  variable({
    name: 'INGESTER_LAG_ALERT_SECONDS', key: 'ingesterLagAlertSeconds', type: 'integer 1–86400', parse: parse.integer({ min: 1, max: 86_400 }),
    description: 'How long the usage ingester must lag before an ingester.lagging alert is sent (at most one an hour).',
    planes: { 'control-plane': { default: '60' } },
  }),
  variable({
    name: 'CLAUDE_OAUTH_AUTHORIZE_URL', key: 'claudeOAuthAuthorizeUrl', type: 'URL', parse: parse.url(['https', 'http']),
    description: 'Claude OAuth authorize endpoint.',
    planes: { 'control-plane': { default: 'https://claude.ai/oauth/authorize' } },
  }),
  variable({
    name: 'CLAUDE_OAUTH_TOKEN_URL', key: 'claudeOAuthTokenUrl', type: 'URL', parse: parse.url(['https', 'http']),
    description: 'Claude OAuth token endpoint (code exchange and refresh).',
    planes: { 'control-plane': { default: 'https://console.anthropic.com/v1/oauth/token' } },
  }),
  variable({
    name: 'CLAUDE_OAUTH_CLIENT_ID', key: 'claudeOAuthClientId', type: 'string', parse: parse.string,
    description: 'OAuth client id used for Claude subscriptions.',
    planes: { 'control-plane': { default: '9d1c250a-e61b-44d9-88ed-5944d1962f5e' } },
  }),
  variable({
    name: 'CLAUDE_OAUTH_REDIRECT_URI', key: 'claudeOAuthRedirectUri', type: 'URL', parse: parse.url(['https', 'http']),
    description: 'Redirect URI registered for the client id (the user copies the code from it).',
    planes: { 'control-plane': { default: 'https://console.anthropic.com/oauth/code/callback' } },
  }),
  variable({
    name: 'CLAUDE_AI_BASE_URL', key: 'claudeAiBaseUrl', type: 'URL', parse: parse.url(['https', 'http']),
    description: 'Base URL of claude.ai (setup-token and organization lookups).',
    planes: { 'control-plane': { default: 'https://claude.ai' } },
  }),
  variable({
    name: 'MAX_BODY_BYTES', key: 'maxBodyBytes', type: 'integer ≥ 1024', parse: parse.integer({ min: 1024 }),
    description: 'Request bodies above this are refused with 413.',
    planes: { proxy: { default: '10485760' } },
  }),
  variable({
    name: 'UPSTREAM_CONNECT_TIMEOUT_MS', key: 'connectTimeoutMs', type: 'integer ≥ 1', parse: parse.integer({ min: 1 }),
    description: 'Connecting to an upstream; on timeout the next account is tried.',
    planes: { proxy: { default: '10000' } },
  }),
  variable({
    name: 'UPSTREAM_FIRST_BYTE_TIMEOUT_MS', key: 'firstByteTimeoutMs', type: 'integer ≥ 1', parse: parse.integer({ min: 1 }),
    description: "Until a streaming request's response headers (streams answer at once); on timeout the next account is tried.",
    planes: { proxy: { default: '60000' } },
  }),
  variable({
    name: 'UPSTREAM_NONSTREAM_FIRST_BYTE_TIMEOUT_MS', key: 'nonStreamFirstByteTimeoutMs', type: 'integer ≥ 1', parse: parse.integer({ min: 1 }),
    description: 'Until a non-streaming response arrives: it comes only after the whole generation, so this allows the longest one (upstreams refuse non-streaming requests expected to exceed 10 min). On timeout the client gets 504; the request is not retried elsewhere and the account is not cooled down.',
    planes: { proxy: { default: '600000' } },
  }),
  variable({
    name: 'STREAM_IDLE_TIMEOUT_MS', key: 'idleTimeoutMs', type: 'integer ≥ 1', parse: parse.integer({ min: 1 }),
    description: 'Longest silence between two chunks of a response before it is cut.',
    planes: { proxy: { default: '120000' } },
  }),
  variable({
    name: 'REQUEST_TOTAL_TIMEOUT_MS', key: 'totalTimeoutMs', type: 'integer ≥ 1', parse: parse.integer({ min: 1 }),
    description: 'Longest a whole request may take, stream included.',
    planes: { proxy: { default: '600000' } },
  }),
  variable({
    name: 'SHUTDOWN_GRACE_MS', key: 'shutdownGraceMs', type: 'integer 0–3600000', parse: parse.integer({ min: 0, max: 3_600_000 }),
    description: 'On SIGTERM, how long requests and streams already running may take to finish (readiness is 503 and no new connections are taken meanwhile); streams still open then end with an error event and are billed for what they produced.',
    planes: { proxy: { default: '30000' } },
  }),
  variable({
    name: 'USAGE_SPOOL_MAX', key: 'spoolMaxEvents', type: 'integer ≥ 1', parse: parse.integer({ min: 1 }),
    description: 'Most usage events kept locally while the hot store is unreachable.',
    planes: { proxy: { default: '100000' } },
  }),
  variable({
    name: 'USAGE_STREAM_MAX_BYTES', key: 'usageStreamMaxBytes', type: 'integer ≥ 1048576', parse: parse.integer({ min: 1024 * 1024 }),
    description: 'Safety cap of the usage stream in the hot store (256 MiB). Ingested events leave the stream at once; at the cap (the ingester is not keeping up) the oldest events are dropped, logged and shown by relay_proxy_usage_stream_full.',
    planes: { proxy: { default: '268435456' } },
  }),
  variable({
    name: 'SNAPSHOT_POLL_MS', key: 'snapshotPollMs', type: 'integer ≥ 50', parse: parse.integer({ min: 50 }),
    description: 'Safety-net check of the config snapshot version (changes normally arrive by pub/sub at once).',
    planes: { proxy: { default: '5000' } },
  }),
  variable({
    name: 'ACCOUNT_BREAKER_FAILURES', key: 'breakerFailures', type: 'integer ≥ 1', parse: parse.integer({ min: 1 }),
    description: "Consecutive connect errors, 5xx answers or timeouts that open an account's circuit breaker (one slow request never does).",
    planes: { proxy: { default: '3' } },
  }),
  variable({
    name: 'ACCOUNT_BREAKER_OPEN_MS', key: 'breakerOpenMs', type: 'integer ≥ 1', parse: parse.integer({ min: 1 }),
    description: 'How long an open breaker keeps the account out of rotation; then ONE probe request is let through (closed on success, open again on failure).',
    planes: { proxy: { default: '30000' } },
  }),
  variable({
    name: 'AUTH_FAILURE_THRESHOLD', key: 'authFailureThreshold', type: 'integer ≥ 1', parse: parse.integer({ min: 1 }),
    description: 'Upstream 401/403 answers in a row before an account is reported ERROR and taken out of rotation.',
    planes: { proxy: { default: '3' } },
  }),
  variable({
    name: 'PROXY_DEBUG_LOG', key: 'debugLog', type: 'boolean', parse: parse.boolean,
    description: 'One log line per request (off by default: the hot path writes no log line).',
    planes: { proxy: { default: 'false' } },
  }),
  variable({
    name: 'PROXY_WORKERS', key: 'workers', type: 'integer 1–256', parse: parse.integer({ min: 1, max: 256 }), standaloneOnly: true,
    description: 'Proxy worker processes sharing PORT (node:cluster): the primary forks them, replaces one that dies, and on SIGTERM drains them all and exits 0. Limits stay global (they are in the hot store); /metrics sums the workers. With DATA_DIR, worker k > 0 keeps its spool and logs in DATA_DIR/worker-k. Embedded mode is always one process.',
    planes: { proxy: { defaultDoc: '(unset: the number of cores, os.availableParallelism(), when NODE_ENV=production; 1 otherwise)' } },
  }),
  variable({
    name: 'NODE_ENV', key: 'nodeEnv', type: 'string', parse: parse.string, standaloneOnly: true,
    description: 'production: PROXY_WORKERS defaults to the number of cores (the Docker image sets it).',
    planes: { proxy: { defaultDoc: '(unset)' } },
  }),
  variable({
    name: 'PROXY_ANNOUNCE_PORT', key: 'announcePort', type: 'boolean', parse: parse.boolean, standaloneOnly: true,
    description: 'Print PROXY_PORT=<n> once listening (for PORT=0 in tests and benchmarks).',
    planes: { proxy: { default: 'false' } },
  }),
] as const;
