import { applyRedisClusterNodes, checkOperatorSettings, CONFIG_VARIABLES, EnvReader, loadPlaneConfig, type PlaneConfig } from '@relay/core';

/**
 * Everything the data plane reads from its environment, validated once at boot. The properties,
 * their defaults and their meaning are declared in libs/core/src/config-spec.ts (one entry per
 * variable, see docs/CONFIGURATION.md); this type is derived from those declarations.
 */
export type ProxyConfig = PlaneConfig<typeof CONFIG_VARIABLES, 'proxy'>;

/** Reads and validates the proxy configuration; throws ConfigError naming the bad variable. */
export function loadProxyConfig(env: EnvReader = new EnvReader()): ProxyConfig {
  const config = loadPlaneConfig(CONFIG_VARIABLES, 'proxy', env);
  checkOperatorSettings(config);
  applyRedisClusterNodes(config);
  return config;
}
