import { AuditLog } from '@relay/db';
import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { Page } from '../../graphql/pagination.ts';
import type { Actor } from '../../service-context.ts';
import { maskSecrets } from './audit.mask.ts';

export interface AuditRecord {
  /** Dotted verb, e.g. 'user.update'. */
  action: string;
  targetType: string;
  targetId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter {
  action?: string | null;
  actorId?: number | null;
  targetType?: string | null;
  targetId?: string | null;
  since?: Date | null;
  until?: Date | null;
}

/**
 * Records who did what to which object, with before/after images (secrets masked) and the
 * caller's IP. One instance per process: the actor and the transaction are passed per call.
 */
export class AuditService {
  /**
   * Builds one audit row for `actor` and adds it to `em`'s unit of work WITHOUT flushing: it is
   * inserted by the flush that commits the transaction `em` belongs to (see runMutation), so the
   * row and the change it describes commit together or not at all.
   */
  add(em: EntityManager, actor: Actor, entry: AuditRecord): AuditLog {
    const log = new AuditLog();
    const user = actor.kind === 'caller' ? actor.user : undefined;
    log.actorId = user?.id ?? null;
    log.actorName = user?.username ?? 'system';
    log.action = entry.action;
    log.targetType = entry.targetType;
    log.targetId = entry.targetId === undefined || entry.targetId === null ? null : String(entry.targetId);
    log.before = entry.before === undefined ? null : (maskSecrets(entry.before) as Record<string, unknown>);
    log.after = entry.after === undefined ? null : (maskSecrets(entry.after) as Record<string, unknown>);
    log.ip = actor.kind === 'caller' ? actor.ip : null;
    log.createdAt = new Date();
    em.persist(log);
    return log;
  }

  /** Newest first. */
  async list(em: EntityManager, filter: AuditFilter, page: { offset: number; limit: number }): Promise<Page<AuditLog>> {
    const where: FilterQuery<AuditLog> = {};
    if (filter.action) where.action = filter.action;
    if (filter.actorId) where.actorId = filter.actorId;
    if (filter.targetType) where.targetType = filter.targetType;
    if (filter.targetId) where.targetId = filter.targetId;
    if (filter.since || filter.until) {
      where.createdAt = { ...(filter.since ? { $gte: filter.since } : {}), ...(filter.until ? { $lt: filter.until } : {}) };
    }
    const [items, total] = await em.findAndCount(AuditLog, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      offset: page.offset,
      limit: page.limit,
    });
    return { items, total };
  }
}
