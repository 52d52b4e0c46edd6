import { Arg, Authorized, Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Account, isMysql } from '@relay/db';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { DateTimeScalar } from '../../graphql/scalars.ts';
import { errors } from '../../graphql/errors.ts';
import type { ServiceContext } from '../../service-context.ts';
import { UsageTotalsFields } from './usage.types.ts';
import type { UsageTotals } from './usage.service.ts';

@ObjectType('AccountUsage', { description: 'One upstream account\'s usage over a time range (from request_logs).' })
export class AccountUsageType extends UsageTotalsFields {
  @Field(() => ID, { description: 'The account.' })
  accountId!: string;

  @Field(() => String, { description: 'The account\'s name.' })
  name!: string;

  @Field(() => GraphQLSafeInt, { description: 'Requests answered with status ≥ 400, or interrupted (their proxy died).' })
  errors!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When a request through the account last finished (any time, not only in the range).' })
  lastUsedAt!: Date | null;
}

type Row = Record<string, number | string | null>;

const HOUR_MS = 3_600_000;
const SUM_COLUMNS = ['requests', 'input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'total_tokens', 'cost', 'base_cost', 'errors'] as const;
type Sums = Record<(typeof SUM_COLUMNS)[number], number>;

const LOG_SUMS =
  'count(*) as `requests`, coalesce(sum(`input_tokens`), 0) as `input_tokens`, coalesce(sum(`output_tokens`), 0) as `output_tokens`, ' +
  'coalesce(sum(`cache_creation_input_tokens`), 0) as `cache_creation_input_tokens`, coalesce(sum(`cache_read_input_tokens`), 0) as `cache_read_input_tokens`, ' +
  'coalesce(sum(`total_tokens`), 0) as `total_tokens`, coalesce(sum(`total_cost`), 0) as `cost`, coalesce(sum(`base_cost`), 0) as `base_cost`, ' +
  "sum(case when `status` >= 400 or `outcome` = 'interrupted' then 1 else 0 end) as `errors`";
const HOURLY_SUMS = SUM_COLUMNS.map((c) => `sum(\`${c}\`) as \`${c}\``).join(', ');

/**
 * Per-account sums over [since, until). MySQL/MariaDB: the whole UTC hours inside the range from
 * the usage_account_hourly rollup (≤ 24 × accounts rows a day), and only the partial hours at its
 * two ends from request_logs (the (created_at) index, at most two hours of rows) — so the cost no
 * longer grows with the traffic of the range. SQLite (embedded, one node's traffic): request_logs
 * alone (its rollup has no backfill of rows stored before it existed). Then every account listed
 * (idle ones with zeros).
 */
export async function accountUsage(ctx: ServiceContext, since: Date, until: Date): Promise<AccountUsageType[]> {
  if (!(since < until)) throw errors.badInput('until', 'must be after since');
  const em = ctx.em;
  const conn = em.getConnection();
  const toDb = (d: Date) => em.getPlatform().processDateProperty(d);
  const logs = (from: Date, to: Date) =>
    conn.execute<Row[]>(`select \`account_id\`, ${LOG_SUMS} from \`request_logs\` where \`account_id\` is not null and \`created_at\` >= ? and \`created_at\` < ? group by \`account_id\``, [toDb(from), toDb(to)]);
  const parts: Row[][] = [];
  const firstHour = new Date(Math.ceil(since.getTime() / HOUR_MS) * HOUR_MS);
  const endHour = new Date(Math.floor(until.getTime() / HOUR_MS) * HOUR_MS);
  if (isMysql(ctx.services.orm) && firstHour < endHour) {
    parts.push(await conn.execute<Row[]>(`select \`account_id\`, ${HOURLY_SUMS} from \`usage_account_hourly\` where \`hour\` >= ? and \`hour\` < ? group by \`account_id\``, [toDb(firstHour), toDb(endHour)]));
    if (since < firstHour) parts.push(await logs(since, firstHour));
    if (endHour < until) parts.push(await logs(endHour, until));
  } else {
    parts.push(await logs(since, until));
  }
  const byId = new Map<number, Sums>();
  for (const r of parts.flat()) {
    const id = Number(r.account_id);
    const acc = byId.get(id) ?? (Object.fromEntries(SUM_COLUMNS.map((c) => [c, 0])) as Sums);
    for (const c of SUM_COLUMNS) acc[c] += Number(r[c] ?? 0);
    byId.set(id, acc);
  }
  const accounts = await em.find(Account, {}, { orderBy: { id: 'asc' } });
  return accounts.map((a) => {
    const r = byId.get(a.id);
    const n = (k: keyof Sums) => r?.[k] ?? 0;
    const totals: UsageTotals = {
      requests: n('requests'), inputTokens: n('input_tokens'), outputTokens: n('output_tokens'), cacheCreationInputTokens: n('cache_creation_input_tokens'),
      cacheReadInputTokens: n('cache_read_input_tokens'), totalTokens: n('total_tokens'), cost: n('cost'), baseCost: n('base_cost'),
    };
    return Object.assign(new AccountUsageType(), totals, { accountId: String(a.id), name: a.name, errors: n('errors'), lastUsedAt: a.lastUsedAt });
  });
}

@Resolver()
export class AccountUsageResolver {
  @Authorized('ADMIN')
  @Query(() => [AccountUsageType], { description: 'Every account\'s requests, tokens, cost and errors over [since, until) (admins only).' })
  async accountUsage(
    @Ctx() ctx: AppContext,
    @Arg('since', () => DateTimeScalar, { description: 'Requests that arrived at or after this time.' }) since: Date,
    @Arg('until', () => DateTimeScalar, { description: 'Requests that arrived before this time.' }) until: Date,
  ): Promise<AccountUsageType[]> {
    return accountUsage(serviceContext(ctx), since, until);
  }
}
