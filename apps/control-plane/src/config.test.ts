import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, EnvReader } from '@relay/core';
import { refusedPort } from '@relay/mock-upstream';
import { loadControlPlaneConfig } from './config.ts';
import { resolveSecrets } from './secrets.ts';
import { printAppSchema, SCHEMA_FILE } from './emit-schema.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const load = (env: Record<string, string>) => loadControlPlaneConfig(new EnvReader(env));

function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('control-plane config', () => {
  it('has documented defaults', () => {
    const c = load({});
    expect(c).toMatchObject({ port: 8080, logLevel: 'info', usageTimezone: 'UTC', sessionTtlHours: 168, maxApiKeysPerUser: 10, maxPriceRate: 1_000_000, loginRateLimit: 5, loginRateWindowMinutes: 15, loginBackoffMaxSeconds: 300, graphqlMaxDepth: 10, graphqlMaxCost: 200, graphqlCostPerMinute: 3000, graphqlIntrospection: true, hotStorePrefix: '' });
    expect(c.databaseUrl).toBeUndefined();
    const names = CONFIG_VARIABLES.filter((v) => 'control-plane' in v.planes).map((v) => v.name);
    for (const n of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'DATA_DIR', 'ADMIN_PASSWORD', 'ENCRYPTION_KEY', 'API_KEY_SECRET', 'USAGE_TIMEZONE', 'MAX_PRICE_RATE', 'GRAPHQL_MAX_COST', 'CLAUDE_OAUTH_TOKEN_URL']) expect(names).toContain(n);
  });

  it('names the variable at fault', () => {
    expect(configErrorOf({ DATABASE_URL: 'postgres://x' }).variable).toBe('DATABASE_URL');
    expect(configErrorOf({ REDIS_URL: 'http://x' }).variable).toBe('REDIS_URL');
    expect(configErrorOf({ USAGE_TIMEZONE: 'Mars/Base' }).variable).toBe('USAGE_TIMEZONE');
    expect(configErrorOf({ MAX_PRICE_RATE: '1.00001' }).variable).toBe('MAX_PRICE_RATE');
    expect(configErrorOf({ PORT: 'eighty' }).variable).toBe('PORT');
    // Production mode needs shared secrets: generated ones would differ per process.
    expect(configErrorOf({ DATABASE_URL: 'mysql://root@db/relay' }).variable).toBe('ENCRYPTION_KEY');
    expect(configErrorOf({ DATABASE_URL: 'mysql://root@db/relay', ENCRYPTION_KEY: 'k'.repeat(32) }).variable).toBe('API_KEY_SECRET');
    const production = load({ DATABASE_URL: 'mariadb://root@db/relay', ENCRYPTION_KEY: 'k'.repeat(32), API_KEY_SECRET: 's'.repeat(32) });
    expect(production.databaseUrl).toBe('mariadb://root@db/relay');
    // A shared deployment hides its schema unless told otherwise.
    expect(production.graphqlIntrospection).toBe(false);
    expect(load({ DATABASE_URL: 'mariadb://root@db/relay', ENCRYPTION_KEY: 'k'.repeat(32), API_KEY_SECRET: 's'.repeat(32), GRAPHQL_INTROSPECTION: 'true' }).graphqlIntrospection).toBe(true);
  });

  it('generates embedded-mode secrets once, in DATA_DIR/secrets.json with mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-secrets-'));
    try {
      const first = resolveSecrets({ dataDir: dir });
      const second = resolveSecrets({ dataDir: dir });
      expect(second).toEqual(first);
      expect(first.encryptionKey).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
      expect(resolveSecrets({ dataDir: dir, apiKeySecret: 'given-secret-value-123' }).apiKeySecret).toBe('given-secret-value-123');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('main.ts with a bad DATABASE_URL prints one line naming it and exits non-zero', () => {
    const r = spawnSync(tsx, [join(here, 'main.ts')], { env: { ...process.env, DATABASE_URL: 'postgres://x' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DATABASE_URL/);
    expect(r.stdout).toBe('');
  });

  /** Runs main.ts with production settings plus `env`; returns its exit status and stderr lines. */
  function bootMain(env: Record<string, string>) {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-boot-'));
    try {
      const r = spawnSync(tsx, [join(here, 'main.ts')], {
        env: { ...process.env, ENCRYPTION_KEY: 'k'.repeat(32), API_KEY_SECRET: 's'.repeat(32), DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...env },
        encoding: 'utf8', timeout: 60_000,
      });
      return { status: r.status, lines: r.stderr.trim().split('\n'), stdout: r.stdout };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('main.ts with an unreachable database or Redis prints one line saying what to fix, no stack trace', async () => {
    const port = await refusedPort();
    const db = bootMain({ DATABASE_URL: `mysql://relay:hunter2@127.0.0.1:${port}/relay`, REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(db.status).toBe(1);
    expect(db.lines).toEqual([`Cannot open the database: connect ECONNREFUSED 127.0.0.1:${port}; check DATABASE_URL (user, password, host, port, database name) and that the database server is running`]);
    expect(db.stdout).toBe('');
    // SQLite opens; the Redis it is pointed at does not answer.
    const redis = bootMain({ DATABASE_URL: '', REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });
    expect(redis.status).toBe(1);
    expect(redis.lines).toEqual([`Cannot reach Redis at redis://:***@127.0.0.1:${port}: not reachable; check REDIS_URL and that Redis is running`]);
  }, 120_000);
});

describe('schema.graphql', () => {
  it('matches the code (pnpm schema:check passes) and the check fails on a stale file', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printAppSchema());
    const ok = spawnSync(tsx, [join(here, 'emit-schema.ts'), '--check'], { encoding: 'utf8', timeout: 60_000 });
    expect(ok.status, ok.stderr).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'relay-schema-'));
    try {
      const stale = join(dir, 'schema.graphql');
      writeFileSync(stale, readFileSync(SCHEMA_FILE, 'utf8').replace('type User {', 'type User {\n  removedField: String\n'));
      const bad = spawnSync(tsx, [join(here, 'emit-schema.ts'), '--check', '--file', stale], { encoding: 'utf8', timeout: 60_000 });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/out of date.*pnpm schema/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
