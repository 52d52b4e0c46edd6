import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../../graphql/context.ts';
import { PageInput, pageOf } from '../../graphql/pagination.ts';
import { parseId } from '../../graphql/ids.ts';
import { AuditLogFilter } from './audit.inputs.ts';
import { AuditLogType, PagedAuditLogs } from './audit.types.ts';

@Resolver()
export class AuditResolver {
  @Authorized('ADMIN')
  @Query(() => PagedAuditLogs, { description: 'The audit log of admin actions, newest first (admins only).' })
  async auditLogs(
    @Ctx() ctx: AppContext,
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: 'Optional filter.' }) filter?: AuditLogFilter | null,
    @Arg('page', () => PageInput, { nullable: true, description: 'Which page (default: first 50).' }) page?: PageInput | null,
  ): Promise<PagedAuditLogs> {
    const result = await ctx.services.audit.list(
      ctx.em,
      {
        action: filter?.action,
        actorId: filter?.actorId ? parseId(filter.actorId, 'actorId') : null,
        targetType: filter?.targetType,
        targetId: filter?.targetId,
        since: filter?.since,
        until: filter?.until,
      },
      pageOf(page),
    );
    return Object.assign(new PagedAuditLogs(), { items: result.items.map((l) => AuditLogType.from(l)), total: result.total });
  }
}
