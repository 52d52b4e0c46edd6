import { AuditLog } from '@relay/db';
import type { FilterQuery } from '@mikro-orm/core';
import type { AppContext } from '../../graphql/context.ts';
import type { Page } from '../../graphql/pagination.ts';
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
 * caller's IP. One instance per request (it knows the caller from the context).
 */
export class AuditService {
  constructor(private readonly ctx: Pick<AppContext, 'em' | 'user' | 'ip'>) {}

  /** Writes one audit entry and flushes it together with anything else pending on the request's EM. */
  async record(entry: AuditRecord): Promise<void> {
    const log = new AuditLog();
    log.actorId = this.ctx.user?.id ?? null;
    log.actorName = this.ctx.user?.username ?? 'system';
    log.action = entry.action;
    log.targetType = entry.targetType;
    log.targetId = entry.targetId === undefined || entry.targetId === null ? null : String(entry.targetId);
    log.before = entry.before === undefined ? null : (maskSecrets(entry.before) as Record<string, unknown>);
    log.after = entry.after === undefined ? null : (maskSecrets(entry.after) as Record<string, unknown>);
    log.ip = this.ctx.ip;
    log.createdAt = new Date();
    this.ctx.em.persist(log);
    await this.ctx.em.flush();
  }

  /** Newest first. */
  async list(filter: AuditFilter, page: { offset: number; limit: number }): Promise<Page<AuditLog>> {
    const where: FilterQuery<AuditLog> = {};
    if (filter.action) where.action = filter.action;
    if (filter.actorId) where.actorId = filter.actorId;
    if (filter.targetType) where.targetType = filter.targetType;
    if (filter.targetId) where.targetId = filter.targetId;
    if (filter.since || filter.until) {
      where.createdAt = { ...(filter.since ? { $gte: filter.since } : {}), ...(filter.until ? { $lt: filter.until } : {}) };
    }
    const [items, total] = await this.ctx.em.findAndCount(AuditLog, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      offset: page.offset,
      limit: page.limit,
    });
    return { items, total };
  }
}
