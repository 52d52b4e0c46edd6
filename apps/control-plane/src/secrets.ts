import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlaneConfig } from './config.ts';

/** The two server secrets both planes must share. */
export interface ServerSecrets {
  encryptionKey: string;
  apiKeySecret: string;
}

/**
 * Resolves the server secrets: the configured values when given, otherwise (embedded mode) the
 * ones kept in DATA_DIR/secrets.json, generated on first start with mode 0600. Generating them
 * again on each start would orphan every stored credential and API key, hence the file.
 */
export function resolveSecrets(config: Pick<ControlPlaneConfig, 'dataDir' | 'encryptionKey' | 'apiKeySecret'>): ServerSecrets {
  if (config.encryptionKey && config.apiKeySecret) return { encryptionKey: config.encryptionKey, apiKeySecret: config.apiKeySecret };
  const file = join(config.dataDir, 'secrets.json');
  let stored: Partial<ServerSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerSecrets>;
  const next: ServerSecrets = {
    encryptionKey: stored.encryptionKey ?? randomBytes(32).toString('hex'),
    apiKeySecret: stored.apiKeySecret ?? randomBytes(32).toString('hex'),
  };
  if (next.encryptionKey !== stored.encryptionKey || next.apiKeySecret !== stored.apiKeySecret) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    encryptionKey: config.encryptionKey ?? next.encryptionKey,
    apiKeySecret: config.apiKeySecret ?? next.apiKeySecret,
  };
}
