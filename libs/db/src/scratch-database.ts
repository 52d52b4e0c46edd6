import { createOrm } from './orm.ts';

/** A MySQL/MariaDB database created for one run (tests, migration generation), dropped after. */
export interface ScratchDatabase {
  /** URL of the new database (the root URL with its path replaced). */
  url: string;
  name: string;
  /** Drops the database. Safe to call twice. */
  drop(): Promise<void>;
}

const DB_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** The same server/credentials as `rootUrl`, pointing at database `name`. */
export function databaseUrlFor(rootUrl: string, name: string): string {
  const u = new URL(rootUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function execOnServer(rootUrl: string, sql: string): Promise<void> {
  const orm = await createOrm({ databaseUrl: rootUrl });
  try {
    await orm.em.getConnection().execute(sql);
  } finally {
    await orm.close(true);
  }
}

/**
 * Creates database `name` (letters, digits, `_`) on the server of `rootUrl`, e.g.
 * `relay_test_<uniqueSuffix()>`, and returns its URL plus a `drop()` for cleanup.
 */
export async function createScratchDatabase(rootUrl: string, name: string): Promise<ScratchDatabase> {
  if (!DB_NAME.test(name)) throw new Error(`invalid database name: ${name}`);
  await execOnServer(rootUrl, `create database \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
  let dropped = false;
  return {
    url: databaseUrlFor(rootUrl, name),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await execOnServer(rootUrl, `drop database if exists \`${name}\``);
    },
  };
}
