import type { EntityManager } from '@mikro-orm/core';
import type { HotStore } from '@relay/hot-store';
import { authenticateToken, bearerToken } from '../modules/auth/auth.tokens.ts';
import type { Actor, AppServices, AuthUser, ServiceContext } from '../service-context.ts';
import { errors } from './errors.ts';

export type { AppServices, AuthUser, Role } from '../service-context.ts';

/** What every resolver receives as `@Ctx()`. */
export interface AppContext {
  /** A fresh EntityManager fork for this request / subscription. */
  em: EntityManager;
  user?: AuthUser;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  store: HotStore;
  /** The caller as services see them (built once per request). */
  actor: Actor;
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
  return {
    em,
    user,
    ip: req.ip,
    userAgent: req.userAgent,
    requestId: req.requestId,
    store: services.store,
    actor: { kind: 'caller', user, ip: req.ip, userAgent: req.userAgent },
    services,
  };
}

/** The service context of a request: what resolvers hand to services (no GraphQL inside). */
export function serviceContext(ctx: AppContext): ServiceContext {
  return { em: ctx.em, actor: ctx.actor, services: ctx.services };
}

/** The caller, or UNAUTHENTICATED. For resolvers that need a user beyond @Authorized. */
export function requireUser(ctx: AppContext): AuthUser {
  if (!ctx.user) throw errors.unauthenticated();
  return ctx.user;
}
