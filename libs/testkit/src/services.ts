import { randomBytes } from 'node:crypto';

/**
 * Which real services the test run may use. Locally, a suite that needs MySQL or Redis runs only
 * when TEST_DATABASE_URL / TEST_REDIS_URL are set. With CI=true they must be set: asking for one
 * that is missing throws, so the suite fails instead of skipping.
 */
function required(name: string): string | undefined {
  const v = process.env[name];
  if (v) return v;
  if (process.env.CI === 'true') throw new Error(`${name} must be set when CI=true (real-service suites never skip in CI)`);
  return undefined;
}

/** redis://… for suites that need a real Redis, or undefined to skip them locally. */
export function testRedisUrl(): string | undefined {
  return required('TEST_REDIS_URL');
}

/** mysql://… for suites that need a real MariaDB/MySQL, or undefined to skip them locally. */
export function testDatabaseUrl(): string | undefined {
  return required('TEST_DATABASE_URL');
}

/** A short random name part so parallel runs never see each other's keys or databases. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
