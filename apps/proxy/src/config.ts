import { ConfigError, EnvReader, isValidTimeZone } from '@relay/core';

/** Everything the data plane reads from its environment, validated once at boot. */
export interface ProxyConfig {
  /** PORT: where the standalone proxy listens (default 8081). */
  port: number;
  /** REDIS_URL: the shared hot store (required for the standalone proxy). */
  redisUrl?: string;
  /** API_KEY_SECRET (or API_KEY_SECRET_FILE): HMAC secret for API key hashes. */
  apiKeySecret: string;
  /** ENCRYPTION_KEY (or ENCRYPTION_KEY_FILE): SecretBox key for upstream credentials. */
  encryptionKey: string;
  /** MAX_BODY_BYTES: request bodies above this are refused with 413 (default 10 MiB). */
  maxBodyBytes: number;
  /** UPSTREAM_CONNECT_TIMEOUT_MS (default 10 s). */
  connectTimeoutMs: number;
  /** UPSTREAM_FIRST_BYTE_TIMEOUT_MS: until the upstream's response headers (default 60 s). */
  firstByteTimeoutMs: number;
  /** STREAM_IDLE_TIMEOUT_MS: max silence between two body chunks (default 120 s). */
  idleTimeoutMs: number;
  /** REQUEST_TOTAL_TIMEOUT_MS: a whole request, stream included (default 10 min). */
  totalTimeoutMs: number;
  /** LOG_LEVEL (default info). */
  logLevel: string;
  /** DATA_DIR: where the usage spool file lives; unset = memory-only spool. */
  dataDir?: string;
  /** USAGE_TIMEZONE: the day boundary of daily budgets (default UTC). */
  usageTimezone: string;
  /** USAGE_SPOOL_MAX: max usage events kept while the store is unreachable (default 100000). */
  spoolMaxEvents: number;
  /** SNAPSHOT_POLL_MS: safety-net version check interval (default 5000). */
  snapshotPollMs: number;
  /** AUTH_FAILURE_THRESHOLD: upstream 401/403 in a row before an account is reported ERROR (default 3). */
  authFailureThreshold: number;
  /** PROXY_DEBUG_LOG: one log line per request (off by default: the hot path does not log). */
  debugLog: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads and validates the proxy configuration; throws ConfigError naming the bad variable. */
export function loadProxyConfig(env: EnvReader = new EnvReader()): ProxyConfig {
  const usageTimezone = env.string('USAGE_TIMEZONE', 'UTC');
  if (!isValidTimeZone(usageTimezone)) throw new ConfigError('USAGE_TIMEZONE', 'an IANA time zone', usageTimezone);
  const apiKeySecret = env.string('API_KEY_SECRET');
  if (apiKeySecret.length < 16) throw new ConfigError('API_KEY_SECRET', 'at least 16 characters');
  const encryptionKey = env.string('ENCRYPTION_KEY');
  if (encryptionKey.length < 16) throw new ConfigError('ENCRYPTION_KEY', 'at least 16 characters');
  return {
    port: env.int('PORT', 8081, { min: 0, max: 65535 }),
    redisUrl: env.url('REDIS_URL', ['redis', 'rediss']),
    apiKeySecret,
    encryptionKey,
    maxBodyBytes: env.int('MAX_BODY_BYTES', 10 * 1024 * 1024, { min: 1024 }),
    connectTimeoutMs: env.int('UPSTREAM_CONNECT_TIMEOUT_MS', 10_000, { min: 1 }),
    firstByteTimeoutMs: env.int('UPSTREAM_FIRST_BYTE_TIMEOUT_MS', 60_000, { min: 1 }),
    idleTimeoutMs: env.int('STREAM_IDLE_TIMEOUT_MS', 120_000, { min: 1 }),
    totalTimeoutMs: env.int('REQUEST_TOTAL_TIMEOUT_MS', 600_000, { min: 1 }),
    logLevel: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    dataDir: env.optional('DATA_DIR'),
    usageTimezone,
    spoolMaxEvents: env.int('USAGE_SPOOL_MAX', 100_000, { min: 1 }),
    snapshotPollMs: env.int('SNAPSHOT_POLL_MS', 5000, { min: 50 }),
    authFailureThreshold: env.int('AUTH_FAILURE_THRESHOLD', 3, { min: 1 }),
    debugLog: env.bool('PROXY_DEBUG_LOG', false),
  };
}
