import { readdirSync } from 'node:fs';
import { testDatabaseUrl, uniqueSuffix } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from './entities/index.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { createOrm, isMysql, MIGRATIONS_DIR, upgradeSchema, type RelayOrm } from './orm.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';

describe('createOrm', () => {
  it('refuses a database URL that is neither MySQL nor MariaDB instead of silently using SQLite', async () => {
    await expect(createOrm({ databaseUrl: 'postgres://localhost/x', sqlitePath: '/tmp/never.db' })).rejects.toThrow(/mysql:\/\/ or mariadb:\/\//);
  });
});

describe('committed MySQL migrations', () => {
  it('are all listed in migrations/index.ts, oldest first', () => {
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^Migration\d{14}.*\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    expect(MIGRATIONS.map((m) => m.name)).toEqual(files);
  });

  const rootUrl = testDatabaseUrl();
  describe.runIf(rootUrl)('on MariaDB', () => {
    let scratch: ScratchDatabase;
    let orm: RelayOrm;

    beforeAll(async () => {
      scratch = await createScratchDatabase(rootUrl!, `relay_test_${uniqueSuffix()}`);
      orm = await createOrm({ databaseUrl: scratch.url });
    });

    afterAll(async () => {
      await orm?.close(true);
      await scratch?.drop();
    });

    it('bring an empty database to exactly the schema of the entities', async () => {
      await upgradeSchema(orm);
      const executed = await orm.getMigrator().getExecutedMigrations();
      expect(executed.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
      // An empty diff means a fresh install from migrations equals what the entities describe.
      expect(await orm.getSchemaGenerator().getUpdateSchemaSQL()).toBe('');
      const em = orm.em.fork();
      em.create(User, { username: 'after-migrate', passwordHash: 'x' });
      await em.flush();
      expect(await orm.em.fork().count(User, {})).toBe(1);
    });

    it('accept a mariadb:// URL for the same database', async () => {
      const viaMariaScheme = await createOrm({ databaseUrl: scratch.url.replace(/^mysql:/, 'mariadb:') });
      try {
        expect(isMysql(viaMariaScheme)).toBe(true);
        await upgradeSchema(viaMariaScheme);
        expect(await viaMariaScheme.em.fork().count(User, {})).toBeGreaterThanOrEqual(0);
        expect(await viaMariaScheme.getSchemaGenerator().getUpdateSchemaSQL()).toBe('');
      } finally {
        await viaMariaScheme.close(true);
      }
    });
  });
});
