import { createLogger } from '@relay/core/logger';

/** The few logger methods the proxy uses (pino-compatible). */
export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

/**
 * The proxy's logger: the shared process logger (redacted secrets; rotated files under DATA_DIR
 * when set, named after `name`: the PROXY_WORKERS primary logs as "proxy-primary").
 */
export function createProxyLogger(level: string, dataDir?: string, name = 'proxy'): Logger {
  return createLogger({ name, level, dataDir });
}
