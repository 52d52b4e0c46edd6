import { checkOperatorSettings, CONFIG_VARIABLES, ConfigError, EnvReader, loadPlaneConfig, type PlaneConfig } from '@relay/core';

type DeclaredConfig = PlaneConfig<typeof CONFIG_VARIABLES, 'control-plane'>;
type ClaudeOAuthKeys = 'claudeOAuthAuthorizeUrl' | 'claudeOAuthTokenUrl' | 'claudeOAuthClientId' | 'claudeOAuthRedirectUri' | 'claudeAiBaseUrl';

/**
 * The control plane's configuration, read once at boot from the environment and validated: a bad
 * value stops the process with one line naming the variable (see loadConfigOrExit). Every property
 * is declared, with its variable, default and meaning, in libs/core/src/config-spec.ts; the Claude
 * OAuth endpoints are grouped under `claudeOAuth`.
 */
export type ControlPlaneConfig = Omit<DeclaredConfig, ClaudeOAuthKeys | 'graphqlIntrospection'> & {
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
};

/** Reads and validates the control plane's configuration; throws ConfigError naming the bad variable. */
export function loadControlPlaneConfig(env: EnvReader = new EnvReader()): ControlPlaneConfig {
  const { claudeOAuthAuthorizeUrl, claudeOAuthTokenUrl, claudeOAuthClientId, claudeOAuthRedirectUri, claudeAiBaseUrl, ...declared } =
    loadPlaneConfig(CONFIG_VARIABLES, 'control-plane', env);
  if (declared.databaseUrl) {
    // With a shared database several processes must agree on the secrets: a locally generated
    // one would make every other process unable to read credentials or match API keys.
    if (!declared.encryptionKey) throw new ConfigError('ENCRYPTION_KEY', 'a value (required when DATABASE_URL is set)');
    if (!declared.apiKeySecret) throw new ConfigError('API_KEY_SECRET', 'a value (required when DATABASE_URL is set)');
  }
  checkOperatorSettings(declared);
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
  };
}
