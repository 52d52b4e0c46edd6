import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { AccessToken, Session } from '@relay/db';
import type { AuthUser } from '../../graphql/context.ts';

/** Sessions and access tokens are stored only as this hash. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// Writing lastSeenAt on every request would turn each read into a write; a minute is precise enough.
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Resolves `Authorization: Bearer <token>` to the caller: a login session (`sess_…`) or a personal
 * access token (`pat_…`). Expired, revoked or unknown tokens and disabled users give null.
 */
export async function authenticateToken(em: EntityManager, token: string, now = new Date()): Promise<AuthUser | null> {
  if (token.startsWith('sess_')) {
    const session = await em.findOne(Session, { tokenHash: tokenHash(token) }, { populate: ['user'] });
    if (!session || session.expiresAt <= now || session.user.status !== 'ACTIVE') return null;
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await em.nativeUpdate(Session, { id: session.id }, { lastSeenAt: now });
    }
    const u = session.user;
    return { id: u.id, username: u.username, role: u.role, via: 'session', sessionId: session.id };
  }
  if (token.startsWith('pat_')) {
    const pat = await em.findOne(AccessToken, { tokenHash: tokenHash(token) }, { populate: ['user'] });
    if (!pat || pat.revokedAt || (pat.expiresAt && pat.expiresAt <= now) || pat.user.status !== 'ACTIVE') return null;
    if (!pat.lastUsedAt || now.getTime() - pat.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await em.nativeUpdate(AccessToken, { id: pat.id }, { lastUsedAt: now });
    }
    const u = pat.user;
    return { id: u.id, username: u.username, role: u.role, via: 'access-token', accessTokenId: pat.id };
  }
  return null;
}

/** Revokes every valid personal access token of a user (password changed or reset); returns how many. */
export async function revokeAccessTokensOf(em: EntityManager, userId: number, now = new Date()): Promise<number> {
  return em.nativeUpdate(AccessToken, { user: userId, revokedAt: null }, { revokedAt: now });
}

/** The token from an `Authorization: Bearer …` header value, if any. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}
