import type { FilterQuery } from '@mikro-orm/core';
import { dayKey } from '@relay/core';
import { RequestLog } from '@relay/db';
import { errors } from '../../graphql/errors.ts';
import { parseId } from '../../graphql/ids.ts';
import { UsageScope } from './usage.inputs.ts';
import { requireActingUser, type ServiceContext } from '../../service-context.ts';

/** Whose usage to read: null userId = the whole platform. */
export interface ResolvedScope {
  userId: number | null;
  apiKeyId: number | null;
}

/** Sums of a set of requests; money in integer micro-USD. */
export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  totalTokens: number;
  cost: number;
  baseCost: number;
}

export interface RecordFilter {
  accountId?: number | null;
  model?: string | null;
  status?: number | null;
  since?: Date | null;
  until?: Date | null;
}

const SUMS =
  'coalesce(sum(`requests`), 0) as `requests`, coalesce(sum(`input_tokens`), 0) as `input_tokens`, coalesce(sum(`output_tokens`), 0) as `output_tokens`, ' +
  'coalesce(sum(`cache_creation_input_tokens`), 0) as `cache_creation_input_tokens`, coalesce(sum(`cache_read_input_tokens`), 0) as `cache_read_input_tokens`, ' +
  'coalesce(sum(`total_tokens`), 0) as `total_tokens`, coalesce(sum(`cost`), 0) as `cost`, coalesce(sum(`base_cost`), 0) as `base_cost`';

type SumRow = Record<string, number | string | null>;

function totalsOf(r: SumRow | undefined): UsageTotals {
  const n = (k: string) => Number(r?.[k] ?? 0);
  return {
    requests: n('requests'),
    inputTokens: n('input_tokens'),
    outputTokens: n('output_tokens'),
    cacheCreationInputTokens: n('cache_creation_input_tokens'),
    cacheReadInputTokens: n('cache_read_input_tokens'),
    totalTokens: n('total_tokens'),
    cost: n('cost'),
    baseCost: n('base_cost'),
  };
}

const MAX_RANGE_DAYS = 3660;

/** Checks a YYYY-MM-DD range (calendar-valid, from ≤ to, at most ~10 years). */
export function checkRange(from: string, to: string): void {
  for (const [field, d] of [['from', from], ['to', to]] as const) {
    const t = Date.parse(`${d}T00:00:00Z`);
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== d) throw errors.badInput(field, 'must be a calendar day YYYY-MM-DD');
  }
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  if (days < 0) throw errors.badInput('to', 'must not be before from');
  if (days > MAX_RANGE_DAYS) throw errors.badInput('to', `range must be at most ${MAX_RANGE_DAYS} days`);
}

/**
 * Usage reads for the GraphQL API. Totals, days, months and models come from the usage_daily
 * rollups (one row per day × user × key × model); records come from request_logs. Days are
 * USAGE_TIMEZONE days, exactly as the ingester bucketed them.
 */
export class UsageService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Applies the scope rules of UsageScope (see usage.inputs.ts): FORBIDDEN for a user reaching wider. */
  resolveScope(args: { scope?: UsageScope | null; userId?: string | null; apiKeyId?: string | null }): ResolvedScope {
    const me = requireActingUser(this.ctx.actor);
    const apiKeyId = args.apiKeyId ? parseId(args.apiKeyId, 'apiKeyId') : null;
    if (args.userId) {
      const userId = parseId(args.userId, 'userId');
      if (me.role !== 'ADMIN' && userId !== me.id) throw errors.forbidden('You can only read your own usage');
      return { userId, apiKeyId };
    }
    // An admin naming a key reads that key's usage, whoever owns it.
    if (args.scope === UsageScope.PLATFORM || (apiKeyId !== null && me.role === 'ADMIN')) {
      if (me.role !== 'ADMIN') throw errors.forbidden('Only admins can read platform-wide usage');
      return { userId: null, apiKeyId };
    }
    return { userId: me.id, apiKeyId };
  }

  /** "Today" in USAGE_TIMEZONE. */
  today(now = Date.now()): string {
    return dayKey(now, this.ctx.services.config.usageTimezone);
  }

  private where(scope: ResolvedScope, range?: { from: string; to: string }): { sql: string; params: unknown[] } {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (scope.userId !== null) {
      parts.push('`user_id` = ?');
      params.push(scope.userId);
    }
    if (scope.apiKeyId !== null) {
      parts.push('`api_key_id` = ?');
      params.push(scope.apiKeyId);
    }
    if (range) {
      parts.push('`day` >= ? and `day` <= ?');
      params.push(range.from, range.to);
    }
    return { sql: parts.length ? ` where ${parts.join(' and ')}` : '', params };
  }

  private async query(sql: string, params: unknown[]): Promise<SumRow[]> {
    return this.ctx.em.getConnection().execute<SumRow[]>(sql, params);
  }

  /** Totals over a range of days (inclusive), or over all time without one. */
  async totals(scope: ResolvedScope, range?: { from: string; to: string }): Promise<UsageTotals> {
    if (range) checkRange(range.from, range.to);
    const w = this.where(scope, range);
    const rows = await this.query(`select ${SUMS} from \`usage_daily\`${w.sql}`, w.params);
    return totalsOf(rows[0]);
  }

  /** One entry per day with usage in the range, oldest first. */
  async daily(scope: ResolvedScope, from: string, to: string): Promise<(UsageTotals & { day: string })[]> {
    checkRange(from, to);
    const w = this.where(scope, { from, to });
    const rows = await this.query(`select \`day\`, ${SUMS} from \`usage_daily\`${w.sql} group by \`day\` order by \`day\``, w.params);
    return rows.map((r) => ({ day: String(r.day), ...totalsOf(r) }));
  }

  /** A month's totals with its days; `month` is YYYY-MM. */
  async monthly(scope: ResolvedScope, month: string): Promise<{ month: string; totals: UsageTotals; days: (UsageTotals & { day: string })[] }> {
    const m = Number(month.slice(5, 7));
    if (!/^\d{4}-\d{2}$/.test(month) || m < 1 || m > 12) throw errors.badInput('month', 'must be YYYY-MM');
    const range = { from: `${month}-01`, to: `${month}-31` };
    const w = this.where(scope, range);
    // '-31' as the upper bound is a string comparison over char(10) days: it covers every month length.
    const rows = await this.query(`select \`day\`, ${SUMS} from \`usage_daily\`${w.sql} group by \`day\` order by \`day\``, w.params);
    const days = rows.map((r) => ({ day: String(r.day), ...totalsOf(r) }));
    const totals = totalsOf(undefined);
    for (const d of days) for (const k of Object.keys(totals) as (keyof UsageTotals)[]) totals[k] += d[k];
    return { month, totals, days };
  }

  /** Per requested model over the range, most expensive first, with each model's share of the cost. */
  async byModel(scope: ResolvedScope, from: string, to: string): Promise<(UsageTotals & { model: string; costShare: number })[]> {
    checkRange(from, to);
    const w = this.where(scope, { from, to });
    const rows = await this.query(`select \`model\`, ${SUMS} from \`usage_daily\`${w.sql} group by \`model\``, w.params);
    const models = rows.map((r) => ({ model: String(r.model), ...totalsOf(r) }));
    const total = models.reduce((s, m) => s + m.cost, 0);
    return models
      .map((m) => ({ ...m, costShare: total > 0 ? m.cost / total : 0 }))
      .sort((a, b) => b.cost - a.cost || b.requests - a.requests || a.model.localeCompare(b.model));
  }

  /** All-time totals and today's. */
  async summary(scope: ResolvedScope): Promise<{ totalRequests: number; totalTokens: number; totalCost: number; todayRequests: number; todayTokens: number; todayCost: number }> {
    const today = this.today();
    const [all, day] = await Promise.all([this.totals(scope), this.totals(scope, { from: today, to: today })]);
    return {
      totalRequests: all.requests,
      totalTokens: all.totalTokens,
      totalCost: all.cost,
      todayRequests: day.requests,
      todayTokens: day.totalTokens,
      todayCost: day.cost,
    };
  }

  /**
   * Raw request records, newest first, one keyset page: rows strictly before the cursor in
   * (createdAt, id) order, so a page costs the same however deep it is and rows arriving meanwhile
   * never shift a page (no OFFSET, no COUNT). The time range is bounded (recordsWindow).
   */
  async records(scope: ResolvedScope, filter: RecordFilter, page: { after: RecordCursor | null; limit: number }, now = Date.now()): Promise<RecordPage> {
    if (filter.accountId !== null && filter.accountId !== undefined && requireActingUser(this.ctx.actor).role !== 'ADMIN') {
      throw errors.forbidden('Only admins can filter by account');
    }
    const { since, until } = recordsWindow(filter, now);
    const where: FilterQuery<RequestLog> = { createdAt: { $gte: since, ...(until ? { $lt: until } : {}) } };
    if (scope.userId !== null) where.userId = scope.userId;
    if (scope.apiKeyId !== null) where.apiKeyId = scope.apiKeyId;
    if (filter.accountId !== null && filter.accountId !== undefined) where.accountId = filter.accountId;
    if (filter.model) where.model = filter.model;
    if (filter.status !== null && filter.status !== undefined) where.status = filter.status;
    const after = page.after;
    const keyset: FilterQuery<RequestLog> = after
      ? { $and: [where, { $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, id: { $lt: after.id } }] }] }
      : where;
    // One row more than asked says whether another page follows.
    const rows = await this.ctx.em.find(RequestLog, keyset, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: page.limit + 1 });
    const items = rows.slice(0, page.limit);
    const last = items[items.length - 1];
    return { items, next: rows.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
  }
}

/** Where a records page resumes: the (createdAt, id) of the last row of the page before. */
export interface RecordCursor {
  createdAt: Date;
  id: number;
}

export interface RecordPage {
  items: RequestLog[];
  /** Cursor of the next (older) page; null on the last page. */
  next: RecordCursor | null;
}

/** Cursor text: base64url of "<createdAt ms>.<id>" (opaque to clients). */
export function encodeCursor(c: RecordCursor): string {
  return Buffer.from(`${c.createdAt.getTime()}.${c.id}`).toString('base64url');
}

export function decodeCursor(text: string): RecordCursor {
  const m = /^(\d{1,15})\.(\d{1,19})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!m) throw errors.badInput('after', 'is not a cursor returned by this query');
  return { createdAt: new Date(Number(m[1])), id: Number(m[2]) };
}

/** The longest time range one records query may cover (a 90-day page range plus its edges). */
export const MAX_RECORD_RANGE_DAYS = 92;
const MAX_RECORD_RANGE_MS = MAX_RECORD_RANGE_DAYS * 86_400_000;

/**
 * The [since, until) a records query reads: `until` as given (open when absent), `since` as given
 * or, when absent, MAX_RECORD_RANGE_DAYS before `until` (or now). A longer range is BAD_USER_INPUT
 * with `maxRangeDays` in the details (the admin shows it in the UI's language).
 */
export function recordsWindow(filter: { since?: Date | null; until?: Date | null }, now: number): { since: Date; until: Date | null } {
  const until = filter.until ?? null;
  const end = until ? until.getTime() : now;
  const since = filter.since ?? new Date(end - MAX_RECORD_RANGE_MS);
  if (until && since >= until) throw errors.badInput('until', 'must be after since');
  if (end - since.getTime() > MAX_RECORD_RANGE_MS) throw errors.rangeTooLong('since', MAX_RECORD_RANGE_DAYS);
  return { since, until };
}
