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
  /**
   * USAGE_STREAM_MAX_BYTES: safety cap of the usage stream in the hot store (default 256 MiB). Ingested
   * events leave the stream at once; the cap only bites when the ingester falls behind (logged, metric).
   */
  usageStreamMaxBytes: number;
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
    usageStreamMaxBytes: env.int('USAGE_STREAM_MAX_BYTES', 256 * 1024 * 1024, { min: 1024 * 1024 }),
    snapshotPollMs: env.int('SNAPSHOT_POLL_MS', 5000, { min: 50 }),
    authFailureThreshold: env.int('AUTH_FAILURE_THRESHOLD', 3, { min: 1 }),
    debugLog: env.bool('PROXY_DEBUG_LOG', false),
  };
}

/** Every variable the standalone proxy reads (docs/CONFIGURATION.md is generated from this). */
export const PROXY_VARIABLES: readonly { name: string; default: string; description: string }[] = [
  { name: 'PORT', default: '8081', description: 'Where the standalone proxy listens (in embedded mode the one PORT serves both planes).' },
  { name: 'REDIS_URL', default: '(required for the standalone proxy)', description: 'The shared hot store: config snapshot, limits, cooldowns, usage stream, live logs.' },
  { name: 'HOT_STORE_PREFIX', default: '(empty)', description: 'Prefix for every hot-store key and channel, so several deployments can share one Redis. Must match the control plane.' },
  { name: 'API_KEY_SECRET', default: '(required)', description: 'HMAC secret of API key hashes; the same value as the control plane. Also API_KEY_SECRET_FILE.' },
  { name: 'ENCRYPTION_KEY', default: '(required)', description: 'Key that decrypts upstream credentials; the same value as the control plane. Also ENCRYPTION_KEY_FILE.' },
  { name: 'MAX_BODY_BYTES', default: '10485760', description: 'Request bodies above this are refused with 413.' },
  { name: 'UPSTREAM_CONNECT_TIMEOUT_MS', default: '10000', description: 'Connecting to an upstream; on timeout the next account is tried.' },
  { name: 'UPSTREAM_FIRST_BYTE_TIMEOUT_MS', default: '60000', description: "Until the upstream's response headers; on timeout the next account is tried." },
  { name: 'STREAM_IDLE_TIMEOUT_MS', default: '120000', description: 'Longest silence between two chunks of a response before it is cut.' },
  { name: 'REQUEST_TOTAL_TIMEOUT_MS', default: '600000', description: 'Longest a whole request may take, stream included.' },
  { name: 'LOG_LEVEL', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent.' },
  { name: 'DATA_DIR', default: '(unset: memory-only spool)', description: 'Where the usage spool file lives while the hot store is unreachable, and log files.' },
  { name: 'USAGE_TIMEZONE', default: 'UTC', description: 'IANA time zone of the day boundary for daily cost limits (same as the control plane).' },
  { name: 'USAGE_SPOOL_MAX', default: '100000', description: 'Most usage events kept locally while the hot store is unreachable.' },
  { name: 'USAGE_STREAM_MAX_BYTES', default: '268435456', description: 'Safety cap of the usage stream in the hot store (256 MiB). Ingested events leave the stream at once; at the cap (the ingester is not keeping up) the oldest events are dropped, logged and shown by relay_proxy_usage_stream_full.' },
  { name: 'SNAPSHOT_POLL_MS', default: '5000', description: 'Safety-net check of the config snapshot version (changes normally arrive by pub/sub at once).' },
  { name: 'AUTH_FAILURE_THRESHOLD', default: '3', description: 'Upstream 401/403 answers in a row before an account is reported ERROR and taken out of rotation.' },
  { name: 'PROXY_DEBUG_LOG', default: 'false', description: 'One log line per request (off by default: the hot path writes no log line).' },
  { name: 'PROXY_ANNOUNCE_PORT', default: 'false', description: 'Print PROXY_PORT=<n> once listening (for PORT=0 in tests and benchmarks).' },
];
