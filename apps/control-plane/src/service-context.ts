import type { EntityManager, EntityName, FilterQuery, MikroORM } from '@mikro-orm/core';
import type { SecretBox } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import type { Logger } from '@relay/core/logger';
import type { ControlPlaneConfig } from './config.ts';
import type { ServerSecrets } from './secrets.ts';
import type { AuditRecord, AuditService } from './modules/audit/audit.service.ts';
import type { SnapshotPublisher } from './modules/snapshot/snapshot.publisher.ts';
import type { ControlPlaneMetrics } from './metrics.ts';
import type { AlertService } from './modules/alerts/alert.service.ts';
import { errors } from './graphql/errors.ts';

export type Role = 'ADMIN' | 'USER';

/** A signed-in person (session or personal access token). */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  via: 'session' | 'access-token';
  sessionId?: number;
  accessTokenId?: number;
}

/**
 * Who is acting: a caller of the API (signed in or, for `login`, not yet), or a background job of
 * the control plane itself. Audit rows name the user, or `system` for jobs.
 */
export type Actor =
  | { kind: 'caller'; user: AuthUser | undefined; ip: string | null; userAgent: string | null }
  | { kind: 'system'; job: string };

/** Process-wide singletons of one control-plane instance, shared by every service call. */
export interface AppServices {
  orm: MikroORM;
  store: HotStore;
  config: ControlPlaneConfig;
  secrets: ServerSecrets;
  /** Encrypts/decrypts upstream credentials with ENCRYPTION_KEY. */
  secretBox: SecretBox;
  logger: Logger;
  snapshots: SnapshotPublisher;
  /** Adds audit rows to a transaction and reads the log (replaceable in tests). */
  audit: AuditService;
  /** Prometheus metrics of this process (`metrics.loginThrottles` for the auth module). */
  metrics: ControlPlaneMetrics;
  /** Queues operator alerts (modules/alerts): `alerts.emit(alertEvents.…)`. */
  alerts: AlertService;
}

/**
 * What a service method needs, and nothing of GraphQL: the entity manager to work with, who is
 * acting, and the process's other services. Resolvers build it from the GraphQL context
 * (`serviceContext`), background jobs with `systemContext`.
 */
export interface ServiceContext {
  em: EntityManager;
  actor: Actor;
  services: AppServices;
}

/** A context for a background job: a fresh EntityManager fork and a system actor named after the job. */
export function systemContext(services: AppServices, job: string): ServiceContext {
  return { em: services.orm.em.fork(), actor: { kind: 'system', job }, services };
}

/** The signed-in user acting, if any. */
export function actingUser(actor: Actor): AuthUser | undefined {
  return actor.kind === 'caller' ? actor.user : undefined;
}

/** The signed-in user acting, or UNAUTHENTICATED (a system actor is nobody's user). */
export function requireActingUser(actor: Actor): AuthUser {
  const user = actingUser(actor);
  if (!user) throw errors.unauthenticated();
  return user;
}

/** A service context bound to one open transaction; `audit` adds a row that commits with the change. */
export interface Transaction extends ServiceContext {
  audit(entry: AuditRecord): void;
}

/**
 * The transaction rule of every mutating service method: the change and its audit row are written
 * in ONE database transaction (`em.transactional`), so neither commits without the other; effects
 * outside the database (republishing the proxies' snapshot, hot-store writes) run only after the
 * commit, via `afterCommit` or in the caller once this resolves. A throw anywhere inside `work`,
 * including a failing audit insert at the final flush, rolls the whole change back.
 */
export async function runMutation<T>(
  ctx: ServiceContext,
  work: (tx: Transaction) => Promise<T>,
  afterCommit: { republishSnapshot?: boolean } = {},
): Promise<T> {
  const result = await ctx.em.transactional((em) =>
    work({ em, actor: ctx.actor, services: ctx.services, audit: (entry) => ctx.services.audit.add(em, ctx.actor, entry) }),
  );
  if (afterCommit.republishSnapshot) await ctx.services.snapshots.requestRebuild();
  return result;
}

/**
 * Deletes the row `id` of `entity` inside `tx` and audits it with its last image (`entry.before`).
 * Returns true, what the delete mutations answer.
 */
export async function deleteAudited<T extends object>(tx: Transaction, entity: EntityName<T>, id: number, entry: Omit<AuditRecord, 'targetId' | 'after'>): Promise<true> {
  await tx.em.nativeDelete(entity, { id } as FilterQuery<T>);
  // Rows the database removed by cascade may still sit in the identity map: forget them all.
  tx.em.clear();
  tx.audit({ ...entry, targetId: id });
  return true;
}
