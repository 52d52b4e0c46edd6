import { testDatabaseUrl, testRedisUrl } from './services.ts';
import type { TestControlPlaneOptions } from './control-plane-harness.ts';

/**
 * The storage combinations every control-plane suite runs against: SQLite + memory store always,
 * MariaDB + Redis when the testkit URLs are set (always in CI).
 */
export function controlPlaneBackends(): { name: string; opts: TestControlPlaneOptions }[] {
  const backends: { name: string; opts: TestControlPlaneOptions }[] = [{ name: 'sqlite+memory', opts: { db: 'sqlite' } }];
  const db = testDatabaseUrl();
  const redis = testRedisUrl();
  if (db) backends.push({ name: redis ? 'mysql+redis' : 'mysql+memory', opts: { db: 'mysql', redisUrl: redis } });
  return backends;
}
