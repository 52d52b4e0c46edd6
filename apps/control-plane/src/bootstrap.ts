import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createOrm, seedModelPrices, upgradeSchema, User, type RelayOrm } from '@relay/db';
import type { Logger } from '@relay/core/logger';
import type { ControlPlaneConfig } from './config.ts';
import { hashPassword } from './modules/auth/password.ts';
import { AuditService } from './modules/audit/audit.service.ts';

/** What a failed database open tells the operator to check. */
export function databaseFix(config: Pick<ControlPlaneConfig, 'databaseUrl' | 'dataDir'>): string {
  return config.databaseUrl
    ? 'check DATABASE_URL (user, password, host, port, database name) and that the database server is running'
    : `check that DATA_DIR (${config.dataDir}) is writable and relay.db is a SQLite database`;
}

export interface OpenedDatabase {
  orm: RelayOrm;
  /** Set only on the first start, when the admin user was created. */
  createdAdmin?: { username: string; password: string; generated: boolean };
}

/**
 * Opens the database (DATABASE_URL, or SQLite at DATA_DIR/relay.db), brings the schema up to date,
 * seeds the model prices on first start and creates the `admin` user when there are no users
 * (password from ADMIN_PASSWORD, or generated — the caller prints it once).
 */
export async function openDatabase(config: ControlPlaneConfig, logger: Logger): Promise<OpenedDatabase> {
  const debug = config.logLevel === 'debug' || config.logLevel === 'trace';
  const orm = await createOrm({
    databaseUrl: config.databaseUrl,
    sqlitePath: join(config.dataDir, 'relay.db'),
    debug,
    logger: (msg) => logger.debug({ component: 'orm' }, msg),
  });
  try {
    await upgradeSchema(orm);
    const em = orm.em.fork();
    const seeded = await seedModelPrices(em);
    if (seeded) logger.info({ prices: seeded }, 'seeded default model prices');
    const createdAdmin = await ensureAdminUser(orm, config.adminPassword);
    return { orm, createdAdmin };
  } catch (err) {
    await orm.close(true);
    throw err;
  }
}

async function ensureAdminUser(orm: RelayOrm, configured: string | undefined): Promise<OpenedDatabase['createdAdmin']> {
  const em = orm.em.fork();
  if ((await em.count(User, {})) > 0) return undefined;
  const password = configured ?? randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  // The first admin and its audit row commit together (the transaction rule of runMutation; the
  // services it needs do not exist yet at this point of the boot).
  await em.transactional(async (tx) => {
    const admin = new User();
    admin.username = 'admin';
    admin.passwordHash = passwordHash;
    admin.role = 'ADMIN';
    admin.status = 'ACTIVE';
    admin.priceRate = '1.0000';
    tx.persist(admin);
    await tx.flush();
    new AuditService().add(tx, { kind: 'system', job: 'first-start' }, {
      action: 'user.create', targetType: 'user', targetId: admin.id, after: { username: 'admin', role: 'ADMIN', firstStart: true },
    });
  });
  return { username: 'admin', password, generated: configured === undefined };
}

/** The one-time first-start message (stdout only, never the log file: it carries the password). */
export function firstStartMessage(url: string, admin: NonNullable<OpenedDatabase['createdAdmin']>): string {
  const pw = admin.generated ? admin.password : '(the ADMIN_PASSWORD you set)';
  const bar = '─'.repeat(72);
  return [
    bar,
    `  Relay is running at ${url} — log in as ${admin.username} / ${pw}`,
    admin.generated ? '  This password is shown only once: change it after logging in.' : '',
    bar,
    '',
  ].filter((l, i, a) => l !== '' || i === a.length - 1).join('\n');
}
