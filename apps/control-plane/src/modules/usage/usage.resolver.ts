import { Arg, Args, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { parseId } from '../../graphql/ids.ts';
import { MonthlyUsageArgs, RecordPageInput, UsageRangeArgs, UsageRecordFilter, UsageScopeArgs } from './usage.inputs.ts';
import { decodeCursor, UsageService, type RecordCursor } from './usage.service.ts';
import { DailyUsageType, ModelUsageType, MonthlyUsageType, UsageRecordPage, UsageStatsType, UsageSummaryType } from './usage.types.ts';

/**
 * Usage and billing reads. Every query reads the caller's own usage by default; admins widen it
 * with `userId` or `scope: PLATFORM` (see UsageScope). Stats come from the daily rollups, records
 * from the raw request logs.
 */
@Resolver()
export class UsageResolver {
  @Authorized()
  @Query(() => UsageSummaryType, { description: 'All-time and today\'s requests, tokens and cost.' })
  async usageSummary(@Ctx() ctx: AppContext, @Args(() => UsageScopeArgs) args: UsageScopeArgs): Promise<UsageSummaryType> {
    const svc = new UsageService(serviceContext(ctx));
    return Object.assign(new UsageSummaryType(), await svc.summary(svc.resolveScope(args)));
  }

  @Authorized('ADMIN')
  @Query(() => UsageSummaryType, { description: 'One user\'s all-time and today\'s usage (admins only).' })
  async userUsageSummary(@Ctx() ctx: AppContext, @Arg('userId', () => ID, { description: 'The user.' }) userId: string): Promise<UsageSummaryType> {
    const svc = new UsageService(serviceContext(ctx));
    return Object.assign(new UsageSummaryType(), await svc.summary(svc.resolveScope({ userId })));
  }

  @Authorized()
  @Query(() => [DailyUsageType], { description: 'Usage per day over a range (days with no usage are left out), oldest first.' })
  async dailyUsage(@Ctx() ctx: AppContext, @Args(() => UsageRangeArgs) args: UsageRangeArgs): Promise<DailyUsageType[]> {
    const svc = new UsageService(serviceContext(ctx));
    const days = await svc.daily(svc.resolveScope(args), args.from, args.to);
    return days.map(({ day, ...t }) => DailyUsageType.from(day, t));
  }

  @Authorized()
  @Query(() => MonthlyUsageType, { description: 'Usage of one month with its days.' })
  async monthlyUsage(@Ctx() ctx: AppContext, @Args(() => MonthlyUsageArgs) args: MonthlyUsageArgs): Promise<MonthlyUsageType> {
    const svc = new UsageService(serviceContext(ctx));
    const m = await svc.monthly(svc.resolveScope(args), args.month);
    return Object.assign(new MonthlyUsageType(), m.totals, { month: m.month, days: m.days.map(({ day, ...t }) => DailyUsageType.from(day, t)) });
  }

  @Authorized()
  @Query(() => UsageStatsType, { description: 'Usage totals over a range of days.' })
  async usageStats(@Ctx() ctx: AppContext, @Args(() => UsageRangeArgs) args: UsageRangeArgs): Promise<UsageStatsType> {
    const svc = new UsageService(serviceContext(ctx));
    return UsageStatsType.from(args.from, args.to, await svc.totals(svc.resolveScope(args), { from: args.from, to: args.to }));
  }

  @Authorized()
  @Query(() => [ModelUsageType], { description: 'Usage per requested model over a range, most expensive first.' })
  async usageByModel(@Ctx() ctx: AppContext, @Args(() => UsageRangeArgs) args: UsageRangeArgs): Promise<ModelUsageType[]> {
    const svc = new UsageService(serviceContext(ctx));
    const rows = await svc.byModel(svc.resolveScope(args), args.from, args.to);
    return rows.map((r) => Object.assign(new ModelUsageType(), r));
  }

  @Authorized()
  @Query(() => UsageRecordPage, { description: 'Individual requests, newest first, keyset-paginated; the time range covers at most 92 days.' })
  async usageRecords(
    @Ctx() ctx: AppContext,
    @Arg('filter', () => UsageRecordFilter, { nullable: true, description: 'Optional filter (default: your own requests of the last 92 days).' }) filter?: UsageRecordFilter | null,
    @Arg('page', () => RecordPageInput, { nullable: true, description: 'Which page (default: the newest 50).' }) page?: RecordPageInput | null,
  ): Promise<UsageRecordPage> {
    const svc = new UsageService(serviceContext(ctx));
    const scope = svc.resolveScope({ scope: filter?.scope, userId: filter?.userId, apiKeyId: filter?.apiKeyId });
    const accountId = filter?.accountId ? parseId(filter.accountId, 'accountId') : null;
    const result = await svc.records(scope, { ...filter, accountId }, recordPage(page));
    return UsageRecordPage.of(result);
  }
}

/** The service's page argument from the GraphQL one (cursor decoded). */
export function recordPage(page: RecordPageInput | null | undefined): { after: RecordCursor | null; limit: number } {
  return { after: page?.after ? decodeCursor(page.after) : null, limit: page?.limit ?? new RecordPageInput().limit };
}
