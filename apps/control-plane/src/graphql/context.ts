import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { SecretBox } from '@relay/core';
import type { HotStore } from '@relay/hot-store';
import type { Logger } from '@relay/core/logger';
import type { ControlPlaneConfig } from '../config.ts';
import type { ServerSecrets } from '../secrets.ts';
import { AuditService } from '../modules/audit/audit.service.ts';
import type { SnapshotPublisher } from '../modules/snapshot/snapshot.publisher.ts';
import type { AlertService } from '../modules/alerts/alert.service.ts';
import { authenticateToken, bearerToken } from '../modules/auth/auth.tokens.ts';
import { errors } from './errors.ts';

export type Role = 'ADMIN' | 'USER';

/** The authenticated caller of one request. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  via: 'session' | 'access-token';
  sessionId?: number;
  accessTokenId?: number;
}

/** Process-wide singletons every resolver can reach (one set per control-plane instance). */
export interface AppServices {
  orm: MikroORM;
  store: HotStore;
  config: ControlPlaneConfig;
  secrets: ServerSecrets;
  /** Encrypts/decrypts upstream credentials with ENCRYPTION_KEY. */
  secretBox: SecretBox;
  logger: Logger;
  snapshots: SnapshotPublisher;
  /** Queues operator alerts (modules/alerts): `alerts.emit(alertEvents.…)`. */
  alerts: AlertService;
}

/** What every resolver receives as `@Ctx()`. */
export interface AppContext {
  /** A fresh EntityManager fork for this request / subscription. */
  em: EntityManager;
  user?: AuthUser;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  store: HotStore;
  audit: AuditService;
  services: AppServices;
}

/** Builds the per-request context, authenticating the Bearer session or access token if present. */
export async function createAppContext(
  services: AppServices,
  req: { authorization?: string | null; ip: string | null; userAgent: string | null; requestId: string },
): Promise<AppContext> {
  const em = services.orm.em.fork();
  const token = bearerToken(req.authorization);
  const user = token ? (await authenticateToken(em, token)) ?? undefined : undefined;
  const ctx: AppContext = {
    em,
    user,
    ip: req.ip,
    userAgent: req.userAgent,
    requestId: req.requestId,
    store: services.store,
    services,
    audit: undefined as unknown as AuditService,
  };
  ctx.audit = new AuditService(ctx);
  return ctx;
}

/** The caller, or UNAUTHENTICATED. For resolvers that need a user beyond @Authorized. */
export function requireUser(ctx: AppContext): AuthUser {
  if (!ctx.user) throw errors.unauthenticated();
  return ctx.user;
}
