import { applyRedisClusterNodes, checkOperatorSettings, CONFIG_VARIABLES, ConfigError, EnvReader, loadPlaneConfig, type PlaneConfig } from '@relay/core';

type DeclaredConfig = PlaneConfig<typeof CONFIG_VARIABLES, 'control-plane'>;
type ClaudeOAuthKeys = 'claudeOAuthAuthorizeUrl' | 'claudeOAuthTokenUrl' | 'claudeOAuthClientId' | 'claudeOAuthRedirectUri' | 'claudeAiBaseUrl';
type AlertKeys = 'alertMaxAttempts' | 'alertRetryBaseMs' | 'alertPollMs' | 'alertTimeoutMs' | 'ingesterLagAlertEntries' | 'ingesterLagAlertSeconds';

/**
 * The control plane's configuration, read once at boot from the environment and validated: a bad
 * value stops the process with one line naming the variable (see loadConfigOrExit). Every property
 * is declared, with its variable, default and meaning, in libs/core/src/config-spec.ts; the Claude
 * OAuth endpoints are grouped under `claudeOAuth`, the alert settings under `alerts`.
 */
export type ControlPlaneConfig = Omit<DeclaredConfig, ClaudeOAuthKeys | AlertKeys | 'graphqlIntrospection'> & {
  /** GRAPHQL_INTROSPECTION, resolved: on in embedded mode, off with DATABASE_URL, unless set. */
  graphqlIntrospection: boolean;
  /** CLAUDE_OAUTH_* / CLAUDE_AI_BASE_URL — Claude OAuth endpoints (overridable for tests and mirrors). */
  claudeOAuth: {
    authorizeUrl: string;
    tokenUrl: string;
    clientId: string;
    redirectUri: string;
    claudeAiBaseUrl: string;
  };
  /** ALERT_* / INGESTER_LAG_ALERT_* — delivery of operator alerts (modules/alerts). */
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
};

/** Reads and validates the control plane's configuration; throws ConfigError naming the bad variable. */
export function loadControlPlaneConfig(env: EnvReader = new EnvReader()): ControlPlaneConfig {
  const {
    claudeOAuthAuthorizeUrl, claudeOAuthTokenUrl, claudeOAuthClientId, claudeOAuthRedirectUri, claudeAiBaseUrl,
    alertMaxAttempts, alertRetryBaseMs, alertPollMs, alertTimeoutMs, ingesterLagAlertEntries, ingesterLagAlertSeconds,
    ...declared
  } = loadPlaneConfig(CONFIG_VARIABLES, 'control-plane', env);
  if (declared.databaseUrl) {
    // With a shared database several processes must agree on the secrets: a locally generated
    // one would make every other process unable to read credentials or match API keys.
    if (!declared.encryptionKey) throw new ConfigError('ENCRYPTION_KEY', 'a value (required when DATABASE_URL is set)');
    if (!declared.apiKeySecret) throw new ConfigError('API_KEY_SECRET', 'a value (required when DATABASE_URL is set)');
  }
  checkOperatorSettings(declared);
  applyRedisClusterNodes(declared);
  return {
    ...declared,
    // Embedded mode is a single machine someone is trying out; a shared deployment hides the schema.
    graphqlIntrospection: declared.graphqlIntrospection ?? !declared.databaseUrl,
    claudeOAuth: {
      authorizeUrl: claudeOAuthAuthorizeUrl,
      tokenUrl: claudeOAuthTokenUrl,
      clientId: claudeOAuthClientId,
      redirectUri: claudeOAuthRedirectUri,
      claudeAiBaseUrl,
    },
    alerts: {
      maxAttempts: alertMaxAttempts,
      retryBaseMs: alertRetryBaseMs,
      pollMs: alertPollMs,
      timeoutMs: alertTimeoutMs,
      ingesterLagEntries: ingesterLagAlertEntries,
      ingesterLagSeconds: ingesterLagAlertSeconds,
    },
  };
}
