import { resolve } from 'node:path';
import { ConfigError, EnvReader, isValidTimeZone, parseRate, type RateBp } from '@relay/core';

/**
 * The control plane's configuration, read once at boot from the environment and validated:
 * a bad value stops the process with one line naming the variable (see loadConfigOrExit).
 */
export interface ControlPlaneConfig {
  /** PORT — HTTP port for GraphQL, the admin app and (embedded mode) the proxy paths. */
  port: number;
  /** DATABASE_URL — mysql:// or mariadb:// URL; unset means embedded SQLite at DATA_DIR/relay.db. */
  databaseUrl?: string;
  /** REDIS_URL — redis:// or rediss:// URL of the shared hot store; unset means the in-process store. */
  redisUrl?: string;
  /** DATA_DIR — absolute path of the data folder (SQLite file, secrets.json, logs). */
  dataDir: string;
  /** ADMIN_PASSWORD — password of the `admin` user created on first start (generated when unset). */
  adminPassword?: string;
  /** ENCRYPTION_KEY — AES-256-GCM key for upstream credentials (generated in embedded mode). */
  encryptionKey?: string;
  /** API_KEY_SECRET — HMAC secret for API key hashes (generated in embedded mode). */
  apiKeySecret?: string;
  /** TRUST_PROXY — take the client IP from X-Forwarded-For (only behind a trusted load balancer). */
  trustProxy: boolean;
  /** LOG_LEVEL — pino level. */
  logLevel: string;
  /** USAGE_TIMEZONE — IANA time zone for daily usage buckets and daily budgets. */
  usageTimezone: string;
  /** RAW_LOG_RETENTION_DAYS — days raw request logs are kept (0 = forever); daily rollups are kept forever. */
  rawLogRetentionDays: number;
  /** SESSION_TTL_HOURS — lifetime of an admin-app login session. */
  sessionTtlHours: number;
  /** MAX_API_KEYS_PER_USER — default cap on API keys per user. */
  maxApiKeysPerUser: number;
  /** MAX_PRICE_RATE — highest price rate an admin may set, as ten-thousandths. */
  maxPriceRate: RateBp;
  /** LOGIN_RATE_LIMIT — failed logins per (username, client address) before each further attempt must wait. */
  loginRateLimit: number;
  /** LOGIN_RATE_WINDOW_MINUTES — how long failed logins are remembered, from the first one. */
  loginRateWindowMinutes: number;
  /** LOGIN_BACKOFF_MAX_SECONDS — the longest wait between login attempts (the backoff doubles up to it). */
  loginBackoffMaxSeconds: number;
  /** GRAPHQL_MAX_DEPTH — deepest selection nesting a GraphQL operation may have. */
  graphqlMaxDepth: number;
  /** GRAPHQL_MAX_COST — highest cost (graphql/cost.ts points) of one operation. */
  graphqlMaxCost: number;
  /** GRAPHQL_COST_PER_MINUTE — cost one user (or one address, anonymous) may spend per minute. */
  graphqlCostPerMinute: number;
  /** GRAPHQL_MAX_ALIASES / GRAPHQL_MAX_DIRECTIVES / GRAPHQL_MAX_TOKENS — per-operation bounds. */
  graphqlMaxAliases: number;
  graphqlMaxDirectives: number;
  graphqlMaxTokens: number;
  /** GRAPHQL_INTROSPECTION — answer introspection queries (default: on in embedded mode, off with DATABASE_URL). */
  graphqlIntrospection: boolean;
  /** HOT_STORE_PREFIX — prefix for every hot-store key (several installs on one Redis). */
  hotStorePrefix: string;
  /** ALERT_* — delivery of operator alerts (modules/alerts). */
  alerts: {
    /** ALERT_MAX_ATTEMPTS — sends of one alert to one channel before it is marked failed. */
    maxAttempts: number;
    /** ALERT_RETRY_BASE_MS — wait after the first failed send; doubles after each further failure. */
    retryBaseMs: number;
    /** ALERT_POLL_MS — how often a delivery worker looks for alerts other control planes queued. */
    pollMs: number;
    /** ALERT_TIMEOUT_MS — longest wait for a channel's HTTP answer. */
    timeoutMs: number;
    /** INGESTER_LAG_ALERT_ENTRIES — unacknowledged usage events that count as lagging (0 = no lag alerts). */
    ingesterLagEntries: number;
    /** INGESTER_LAG_ALERT_SECONDS — how long the lag must last before `ingester.lagging` is sent. */
    ingesterLagSeconds: number;
  };
  /** CLAUDE_OAUTH_* / CLAUDE_AI_BASE_URL — Claude OAuth endpoints (overridable for tests and mirrors). */
  claudeOAuth: {
    authorizeUrl: string;
    tokenUrl: string;
    clientId: string;
    redirectUri: string;
    claudeAiBaseUrl: string;
  };
}

/** One documented environment variable (the README's configuration table is generated from this). */
export interface ConfigVariableDoc {
  name: string;
  default: string;
  description: string;
}

/** Every variable the control plane reads, with its default and meaning. */
export const CONTROL_PLANE_VARIABLES: readonly ConfigVariableDoc[] = [
  { name: 'PORT', default: '8080', description: 'HTTP port: GraphQL at /graphql, the admin app at /, and in embedded mode the proxy paths (/v1/*, …).' },
  { name: 'DATABASE_URL', default: '(unset: SQLite at DATA_DIR/relay.db)', description: 'MySQL/MariaDB URL (mysql:// or mariadb://). When set, REDIS_URL, ENCRYPTION_KEY and API_KEY_SECRET are required (production mode).' },
  { name: 'REDIS_URL', default: '(unset: in-process store)', description: 'Redis URL (redis:// or rediss://) shared by all proxies and control planes.' },
  { name: 'DATA_DIR', default: './data', description: 'Folder for the SQLite database, generated secrets (secrets.json, mode 0600) and log files.' },
  { name: 'ADMIN_PASSWORD', default: '(generated and printed once)', description: 'Password of the `admin` user created on first start. Ignored once that user exists.' },
  { name: 'ENCRYPTION_KEY', default: '(embedded: generated into DATA_DIR/secrets.json)', description: 'Key that encrypts upstream credentials at rest (AES-256-GCM). 64 hex chars or base64 of 32 bytes. Also ENCRYPTION_KEY_FILE.' },
  { name: 'API_KEY_SECRET', default: '(embedded: generated into DATA_DIR/secrets.json)', description: 'HMAC secret used to hash API keys; proxies need the same value. Also API_KEY_SECRET_FILE.' },
  { name: 'TRUST_PROXY', default: 'false', description: 'Take the client IP (login rate limits, audit log) from X-Forwarded-For. Enable only behind a load balancer that sets it.' },
  { name: 'LOG_LEVEL', default: 'info', description: 'trace, debug, info, warn, error, fatal or silent. ORM queries are logged only at debug.' },
  { name: 'USAGE_TIMEZONE', default: 'UTC', description: 'IANA time zone for daily usage rollups and daily cost limits.' },
  { name: 'RAW_LOG_RETENTION_DAYS', default: '90', description: 'Days to keep raw request logs (0 = keep forever). Older rows are pruned hourly; daily usage rollups are kept forever.' },
  { name: 'SESSION_TTL_HOURS', default: '168', description: 'How long an admin-app login session stays valid.' },
  { name: 'MAX_API_KEYS_PER_USER', default: '10', description: 'Default maximum number of API keys per user (a user may have their own limit).' },
  { name: 'MAX_PRICE_RATE', default: '100', description: 'Highest price rate an admin may give a user (at most 4 decimals).' },
  { name: 'LOGIN_RATE_LIMIT', default: '5', description: 'Failed logins per (username, client address) that are free; after that each attempt from that address waits 1 s, 2 s, 4 s … (never a lockout: other addresses are unaffected).' },
  { name: 'LOGIN_RATE_WINDOW_MINUTES', default: '15', description: 'How long failed logins are remembered, counted from the first one.' },
  { name: 'LOGIN_BACKOFF_MAX_SECONDS', default: '300', description: 'Longest wait between login attempts for one username from one address.' },
  { name: 'GRAPHQL_MAX_DEPTH', default: '10', description: 'Maximum selection depth of a GraphQL operation.' },
  { name: 'GRAPHQL_MAX_COST', default: '200', description: 'Maximum cost of one GraphQL operation: about one point per database query (a usage aggregate 20, a page 2 + 1 per 10 rows; table in apps/control-plane/src/graphql/cost.ts).' },
  { name: 'GRAPHQL_COST_PER_MINUTE', default: '3000', description: 'Cost one user (anonymous callers: one client address) may spend per minute across all requests and control planes.' },
  { name: 'GRAPHQL_MAX_ALIASES', default: '20', description: 'Maximum aliases in one GraphQL operation.' },
  { name: 'GRAPHQL_MAX_DIRECTIVES', default: '20', description: 'Maximum directives in one GraphQL operation.' },
  { name: 'GRAPHQL_MAX_TOKENS', default: '3000', description: 'Maximum lexical tokens in one GraphQL document (parsing stops beyond it).' },
  { name: 'GRAPHQL_INTROSPECTION', default: '(embedded: true; with DATABASE_URL: false)', description: 'Answer GraphQL introspection queries. schema.graphql in the repository is the public contract either way.' },
  { name: 'HOT_STORE_PREFIX', default: '(empty)', description: 'Prefix for every hot-store key, so several installs can share one Redis.' },
  { name: 'ALERT_MAX_ATTEMPTS', default: '5', description: 'Sends of one alert to one channel before its delivery is marked failed.' },
  { name: 'ALERT_RETRY_BASE_MS', default: '1000', description: 'Wait after the first failed alert send; it doubles after each further failure (1 s, 2 s, 4 s, 8 s with the defaults).' },
  { name: 'ALERT_POLL_MS', default: '5000', description: 'How often each control plane looks for queued alerts (alerts queued in the same process are sent at once).' },
  { name: 'ALERT_TIMEOUT_MS', default: '10000', description: 'Longest wait for an alert channel to answer one send.' },
  { name: 'INGESTER_LAG_ALERT_ENTRIES', default: '1000', description: 'Usage events waiting unacknowledged in the stream above which the ingester counts as lagging (0 = no ingester.lagging alerts).' },
  { name: 'INGESTER_LAG_ALERT_SECONDS', default: '60', description: 'How long the usage ingester must lag before an ingester.lagging alert is sent (at most one an hour).' },
  { name: 'CLAUDE_OAUTH_AUTHORIZE_URL', default: 'https://claude.ai/oauth/authorize', description: 'Claude OAuth authorize endpoint.' },
  { name: 'CLAUDE_OAUTH_TOKEN_URL', default: 'https://console.anthropic.com/v1/oauth/token', description: 'Claude OAuth token endpoint (code exchange and refresh).' },
  { name: 'CLAUDE_OAUTH_CLIENT_ID', default: '9d1c250a-e61b-44d9-88ed-5944d1962f5e', description: 'OAuth client id used for Claude subscriptions.' },
  { name: 'CLAUDE_OAUTH_REDIRECT_URI', default: 'https://console.anthropic.com/oauth/code/callback', description: 'Redirect URI registered for the client id (the user copies the code from it).' },
  { name: 'CLAUDE_AI_BASE_URL', default: 'https://claude.ai', description: 'Base URL of claude.ai (setup-token and organization lookups).' },
];

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Reads and validates the control plane's configuration; throws ConfigError naming the bad variable. */
export function loadControlPlaneConfig(env: EnvReader = new EnvReader()): ControlPlaneConfig {
  const databaseUrl = env.url('DATABASE_URL', ['mysql', 'mariadb']);
  const redisUrl = env.url('REDIS_URL', ['redis', 'rediss']);
  const encryptionKey = env.optional('ENCRYPTION_KEY');
  const apiKeySecret = env.optional('API_KEY_SECRET');
  if (databaseUrl) {
    // With a shared database several processes must agree on the secrets: a locally generated
    // one would make every other process unable to read credentials or match API keys.
    if (!encryptionKey) throw new ConfigError('ENCRYPTION_KEY', 'a value (required when DATABASE_URL is set)');
    if (!apiKeySecret) throw new ConfigError('API_KEY_SECRET', 'a value (required when DATABASE_URL is set)');
  }
  if (encryptionKey !== undefined && encryptionKey.length < 16) throw new ConfigError('ENCRYPTION_KEY', 'at least 16 characters (64 hex chars recommended)');
  if (apiKeySecret !== undefined && apiKeySecret.length < 16) throw new ConfigError('API_KEY_SECRET', 'at least 16 characters');

  const adminPassword = env.optional('ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) throw new ConfigError('ADMIN_PASSWORD', 'at least 8 characters');

  const usageTimezone = env.string('USAGE_TIMEZONE', 'UTC');
  if (!isValidTimeZone(usageTimezone)) throw new ConfigError('USAGE_TIMEZONE', 'an IANA time zone such as UTC or Europe/Berlin', usageTimezone);

  const maxPriceRateRaw = env.string('MAX_PRICE_RATE', '100');
  let maxPriceRate: RateBp;
  try {
    maxPriceRate = parseRate(maxPriceRateRaw);
  } catch {
    throw new ConfigError('MAX_PRICE_RATE', 'a positive decimal with at most 4 decimals', maxPriceRateRaw);
  }
  if (maxPriceRate <= 0) throw new ConfigError('MAX_PRICE_RATE', 'a rate greater than 0', maxPriceRateRaw);

  const url = (name: string, def: string) => env.url(name, ['https', 'http'], def)!;
  return {
    port: env.int('PORT', 8080, { min: 0, max: 65535 }),
    databaseUrl,
    redisUrl,
    dataDir: resolve(env.string('DATA_DIR', './data')),
    adminPassword,
    encryptionKey,
    apiKeySecret,
    trustProxy: env.bool('TRUST_PROXY', false),
    logLevel: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    usageTimezone,
    rawLogRetentionDays: env.int('RAW_LOG_RETENTION_DAYS', 90, { min: 0, max: 36_500 }),
    sessionTtlHours: env.int('SESSION_TTL_HOURS', 24 * 7, { min: 1, max: 24 * 366 }),
    maxApiKeysPerUser: env.int('MAX_API_KEYS_PER_USER', 10, { min: 1, max: 10_000 }),
    maxPriceRate,
    loginRateLimit: env.int('LOGIN_RATE_LIMIT', 5, { min: 1, max: 100_000 }),
    loginRateWindowMinutes: env.int('LOGIN_RATE_WINDOW_MINUTES', 15, { min: 1, max: 24 * 60 }),
    loginBackoffMaxSeconds: env.int('LOGIN_BACKOFF_MAX_SECONDS', 300, { min: 1, max: 24 * 3600 }),
    graphqlMaxDepth: env.int('GRAPHQL_MAX_DEPTH', 10, { min: 2, max: 100 }),
    graphqlMaxCost: env.int('GRAPHQL_MAX_COST', 200, { min: 10, max: 10_000_000 }),
    graphqlCostPerMinute: env.int('GRAPHQL_COST_PER_MINUTE', 3000, { min: 10, max: 100_000_000 }),
    graphqlMaxAliases: env.int('GRAPHQL_MAX_ALIASES', 20, { min: 1, max: 10_000 }),
    graphqlMaxDirectives: env.int('GRAPHQL_MAX_DIRECTIVES', 20, { min: 1, max: 10_000 }),
    graphqlMaxTokens: env.int('GRAPHQL_MAX_TOKENS', 3000, { min: 100, max: 1_000_000 }),
    // Embedded mode is a single machine someone is trying out; a shared deployment hides the schema.
    graphqlIntrospection: env.bool('GRAPHQL_INTROSPECTION', !databaseUrl),
    hotStorePrefix: env.string('HOT_STORE_PREFIX', ''),
    alerts: {
      maxAttempts: env.int('ALERT_MAX_ATTEMPTS', 5, { min: 1, max: 100 }),
      retryBaseMs: env.int('ALERT_RETRY_BASE_MS', 1000, { min: 10, max: 3_600_000 }),
      pollMs: env.int('ALERT_POLL_MS', 5000, { min: 50, max: 3_600_000 }),
      timeoutMs: env.int('ALERT_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
      ingesterLagEntries: env.int('INGESTER_LAG_ALERT_ENTRIES', 1000, { min: 0, max: 100_000_000 }),
      ingesterLagSeconds: env.int('INGESTER_LAG_ALERT_SECONDS', 60, { min: 1, max: 86_400 }),
    },
    claudeOAuth: {
      authorizeUrl: url('CLAUDE_OAUTH_AUTHORIZE_URL', 'https://claude.ai/oauth/authorize'),
      tokenUrl: url('CLAUDE_OAUTH_TOKEN_URL', 'https://console.anthropic.com/v1/oauth/token'),
      clientId: env.string('CLAUDE_OAUTH_CLIENT_ID', '9d1c250a-e61b-44d9-88ed-5944d1962f5e'),
      redirectUri: url('CLAUDE_OAUTH_REDIRECT_URI', 'https://console.anthropic.com/oauth/code/callback'),
      claudeAiBaseUrl: url('CLAUDE_AI_BASE_URL', 'https://claude.ai'),
    },
  };
}
