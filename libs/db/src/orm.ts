import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MikroORM, type Options } from '@mikro-orm/core';
import { type AbstractSqlDriver, MySqlPlatform } from '@mikro-orm/knex';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { Migrator } from '@mikro-orm/migrations';
import { MySqlDriver } from '@mikro-orm/mysql';
import { ALL_ENTITIES } from './entities/index.ts';
import { MIGRATIONS } from './migrations/index.ts';

/** The ORM handle every caller gets: an SQL driver, so `orm.em.fork()` is a SqlEntityManager. */
export type RelayOrm = MikroORM<AbstractSqlDriver>;
/** Its EntityManager (query builder, raw SQL): `orm.em.fork()` of a RelayOrm. */
export type RelayEntityManager = RelayOrm['em'];

export interface CreateOrmOptions {
  /** `mysql://…` or `mariadb://…`; when unset the embedded SQLite file at `sqlitePath` is used. */
  databaseUrl?: string;
  /** SQLite file (its folder is created). Required when `databaseUrl` is not a MySQL URL. */
  sqlitePath?: string;
  /** Log SQL and ORM discovery. Off by default: the ORM is quiet. */
  debug?: boolean;
  /** Where ORM log lines go when `debug` is on (defaults to the ORM's console logger). */
  logger?: (msg: string) => void;
}

/** Folder holding the committed MySQL migrations (TypeScript, listed in migrations/index.ts). */
export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

const MYSQL_URL = /^(mysql|mariadb):\/\//i;

/** True for the URLs that select the MySQL/MariaDB driver. */
export function isMysqlUrl(url: string | undefined): url is string {
  return !!url && MYSQL_URL.test(url);
}

function baseOptions(opts: CreateOrmOptions): Options {
  const debug = opts.debug ?? false;
  return {
    entities: ALL_ENTITIES,
    // esbuild (tsx/vitest) emits no decorator metadata, so every entity property states its
    // `type` in the decorator; discovery needs nothing else.
    discovery: { warnWhenNoEntities: true, checkDuplicateEntities: true },
    // Request handlers must fork; using the global EM by accident would leak identity maps across requests.
    allowGlobalContext: false,
    debug,
    ...(opts.logger ? { logger: opts.logger } : {}),
    // Opening never creates or alters anything; the schema comes from upgradeSchema().
    ensureDatabase: false,
    forceUtcTimezone: true,
    timezone: '+00:00',
  };
}

/**
 * Opens the ORM: MySQL/MariaDB for `mysql://` or `mariadb://` URLs, otherwise the embedded
 * SQLite (libsql) file at `sqlitePath`. Does not touch the schema — call `upgradeSchema` next.
 */
export async function createOrm(opts: CreateOrmOptions): Promise<RelayOrm> {
  if (isMysqlUrl(opts.databaseUrl)) {
    const clientUrl = opts.databaseUrl.replace(/^mariadb:/i, 'mysql:');
    // MariaDB answers the MySQL protocol, but reports JSON columns as longtext + check and
    // nullable defaults as 'NULL'; only the MariaDB driver reads that back correctly, without
    // which every schema diff (and so every generated migration) would be wrong.
    const mariadb = /^mariadb:/i.test(opts.databaseUrl) || (await isMariaDbServer(opts, clientUrl));
    return initMysqlFamily(opts, clientUrl, mariadb);
  }
  if (opts.databaseUrl) throw new Error('createOrm: databaseUrl must start with mysql:// or mariadb://');
  if (!opts.sqlitePath) throw new Error('createOrm: set databaseUrl (mysql://…) or sqlitePath');
  const file = resolve(opts.sqlitePath);
  mkdirSync(dirname(file), { recursive: true });
  const orm = (await MikroORM.init({
    ...baseOptions(opts),
    driver: LibSqlDriver,
    dbName: file,
  })) as unknown as RelayOrm;
  // WAL lets the dashboard read while the usage ingester writes; busy_timeout makes a writer
  // wait for the lock instead of failing at once with SQLITE_BUSY.
  await orm.em.getConnection().execute('pragma journal_mode = wal');
  await orm.em.getConnection().execute('pragma busy_timeout = 5000');
  return orm;
}

async function initMysqlFamily(opts: CreateOrmOptions, clientUrl: string, mariadb: boolean): Promise<RelayOrm> {
  return (await MikroORM.init({
    ...baseOptions(opts),
    // The two drivers share one config shape; TS cannot unify the constructor union.
    driver: (mariadb ? MariaDbDriver : MySqlDriver) as typeof MySqlDriver,
    clientUrl,
    extensions: [Migrator],
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      emit: 'ts',
      // Listed explicitly: globbing for *.ts files does not work under tsx or from a bundle.
      migrationsList: MIGRATIONS,
      // make-migration.ts diffs a scratch database migrated to the latest state instead.
      snapshot: false,
      // MySQL commits implicitly around every DDL statement, so a wrapping transaction would
      // promise an atomicity it cannot give (MikroORM warns about exactly that).
      transactional: false,
      silent: !opts.debug,
    },
  })) as unknown as RelayOrm;
}

async function isMariaDbServer(opts: CreateOrmOptions, clientUrl: string): Promise<boolean> {
  const probe = await initMysqlFamily({ ...opts, debug: false }, clientUrl, false);
  try {
    const rows = await probe.em.getConnection().execute<{ v: string }[]>('select version() as v');
    return /mariadb/i.test(String(rows[0]?.v));
  } finally {
    await probe.close(true);
  }
}

/** True when the ORM talks to MySQL/MariaDB (false: embedded SQLite). */
export function isMysql(orm: MikroORM<any>): boolean {
  return orm.em.getPlatform() instanceof MySqlPlatform;
}

/**
 * Brings the database schema up to date with the entities.
 *
 * - MySQL/MariaDB: runs the committed migrations (libs/db/src/migrations), so production schema
 *   changes are reviewed SQL, applied once, and recorded in `mikro_orm_migrations`.
 * - SQLite: `SchemaGenerator.updateSchema` diffs the file against the entities. The embedded
 *   database serves one single-node install that upgrades together with the binary, so a second,
 *   dialect-specific migration history would only be something to keep in sync by hand.
 *   `safe: true` never drops tables or columns, so running an older build against a newer file
 *   loses no data.
 */
export async function upgradeSchema(orm: MikroORM<any>): Promise<void> {
  if (isMysql(orm)) {
    await orm.getMigrator().up();
    return;
  }
  await orm.getSchemaGenerator().updateSchema({ safe: true, dropTables: false });
}
