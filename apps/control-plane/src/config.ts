import { resolve } from 'node:path';
import { ConfigError, EnvReader, isValidTimeZone, OPERATOR_VARIABLES, parseRate, readOperatorSettings, type OperatorSettings, type RateBp } from '@relay/core';

/**
 * The control plane's configuration, read once at boot from the environment and validated:
 * a bad value stops the process with one line naming the variable (see loadConfigOrExit).
 */
export interface ControlPlaneConfig extends OperatorSettings {
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
  /** LOGIN_RATE_LIMIT — failed logins allowed per username and per IP within the window. */
  loginRateLimit: number;
  /** LOGIN_RATE_WINDOW_MINUTES — the failed-login counting window. */
  loginRateWindowMinutes: number;
  /** GRAPHQL_MAX_DEPTH — deepest selection nesting a GraphQL operation may have. */
  graphqlMaxDepth: number;
  /** GRAPHQL_MAX_COST — highest estimated cost (graphql-query-complexity) of one operation. */
  graphqlMaxCost: number;
  /** HOT_STORE_PREFIX — prefix for every hot-store key (several installs on one Redis). */
  hotStorePrefix: string;
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
  { name: 'LOGIN_RATE_LIMIT', default: '10', description: 'Failed logins allowed per username and per client IP within LOGIN_RATE_WINDOW_MINUTES.' },
  { name: 'LOGIN_RATE_WINDOW_MINUTES', default: '15', description: 'Window for counting failed logins.' },
  { name: 'GRAPHQL_MAX_DEPTH', default: '10', description: 'Maximum selection depth of a GraphQL operation.' },
  { name: 'GRAPHQL_MAX_COST', default: '5000', description: 'Maximum estimated cost of a GraphQL operation (list fields cost their page size).' },
  { name: 'HOT_STORE_PREFIX', default: '(empty)', description: 'Prefix for every hot-store key, so several installs can share one Redis.' },
  { name: 'CLAUDE_OAUTH_AUTHORIZE_URL', default: 'https://claude.ai/oauth/authorize', description: 'Claude OAuth authorize endpoint.' },
  { name: 'CLAUDE_OAUTH_TOKEN_URL', default: 'https://console.anthropic.com/v1/oauth/token', description: 'Claude OAuth token endpoint (code exchange and refresh).' },
  { name: 'CLAUDE_OAUTH_CLIENT_ID', default: '9d1c250a-e61b-44d9-88ed-5944d1962f5e', description: 'OAuth client id used for Claude subscriptions.' },
  { name: 'CLAUDE_OAUTH_REDIRECT_URI', default: 'https://console.anthropic.com/oauth/code/callback', description: 'Redirect URI registered for the client id (the user copies the code from it).' },
  { name: 'CLAUDE_AI_BASE_URL', default: 'https://claude.ai', description: 'Base URL of claude.ai (setup-token and organization lookups).' },
  ...OPERATOR_VARIABLES,
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
    loginRateLimit: env.int('LOGIN_RATE_LIMIT', 10, { min: 1, max: 100_000 }),
    loginRateWindowMinutes: env.int('LOGIN_RATE_WINDOW_MINUTES', 15, { min: 1, max: 24 * 60 }),
    graphqlMaxDepth: env.int('GRAPHQL_MAX_DEPTH', 10, { min: 2, max: 100 }),
    graphqlMaxCost: env.int('GRAPHQL_MAX_COST', 5000, { min: 10, max: 10_000_000 }),
    hotStorePrefix: env.string('HOT_STORE_PREFIX', ''),
    claudeOAuth: {
      authorizeUrl: url('CLAUDE_OAUTH_AUTHORIZE_URL', 'https://claude.ai/oauth/authorize'),
      tokenUrl: url('CLAUDE_OAUTH_TOKEN_URL', 'https://console.anthropic.com/v1/oauth/token'),
      clientId: env.string('CLAUDE_OAUTH_CLIENT_ID', '9d1c250a-e61b-44d9-88ed-5944d1962f5e'),
      redirectUri: url('CLAUDE_OAUTH_REDIRECT_URI', 'https://console.anthropic.com/oauth/code/callback'),
      claudeAiBaseUrl: url('CLAUDE_AI_BASE_URL', 'https://claude.ai'),
    },
    ...readOperatorSettings(env),
  };
}
