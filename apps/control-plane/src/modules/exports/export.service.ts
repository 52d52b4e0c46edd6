import type { EntityName, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import { microToUsd } from '@relay/core';
import { RateDecimalType, RequestLog, UsageDaily, type RelayEntityManager } from '@relay/db';
import { CsvNumber, csvRow, type CsvValue } from './csv.ts';
import type { ResolvedScope } from '../usage/usage.service.ts';
import type { ServiceContext } from '../../service-context.ts';

/** Rows per database round trip: big enough to be cheap, small enough that memory stays flat. */
export const EXPORT_CHUNK_ROWS = 1000;

export interface RecordExportFilter {
  model?: string | null;
  status?: number | null;
  since?: Date | null;
  until?: Date | null;
}

export interface DailyExportFilter {
  model?: string | null;
  from: string;
  to: string;
}

type Cell = CsvValue | CsvNumber;
const usd = (micro: number) => new CsvNumber(microToUsd(micro));
/** Plain rows skip the column types: the rate is printed as the entity reads it ("1.0000"). */
const rateType = new RateDecimalType();

interface Column<T> {
  name: string;
  /** Only in an admin's export: base (list-price) cost, price rate and prices are not the user's to see. */
  adminOnly?: boolean;
  value: (row: T) => Cell;
}

const RECORD_COLUMNS: Column<RequestLog>[] = [
  { name: 'request_id', value: (r) => r.requestId },
  { name: 'created_at', value: (r) => r.createdAt },
  { name: 'finished_at', value: (r) => r.finishedAt },
  { name: 'user_id', value: (r) => r.userId },
  { name: 'api_key_id', value: (r) => r.apiKeyId },
  { name: 'account_id', adminOnly: true, value: (r) => r.accountId },
  { name: 'platform', value: (r) => r.platform },
  { name: 'model', value: (r) => r.model },
  { name: 'upstream_model', value: (r) => r.upstreamModel },
  { name: 'endpoint', value: (r) => r.endpoint },
  { name: 'stream', value: (r) => r.stream },
  { name: 'status', value: (r) => r.status },
  { name: 'outcome', value: (r) => r.outcome },
  { name: 'error_type', value: (r) => r.errorType },
  { name: 'input_tokens', value: (r) => r.inputTokens },
  { name: 'output_tokens', value: (r) => r.outputTokens },
  { name: 'cache_creation_input_tokens', value: (r) => r.cacheCreationInputTokens },
  { name: 'cache_read_input_tokens', value: (r) => r.cacheReadInputTokens },
  { name: 'total_tokens', value: (r) => r.totalTokens },
  { name: 'input_cost_usd', value: (r) => usd(r.inputCost) },
  { name: 'output_cost_usd', value: (r) => usd(r.outputCost) },
  { name: 'cost_usd', value: (r) => usd(r.totalCost) },
  { name: 'base_input_cost_usd', adminOnly: true, value: (r) => usd(r.baseInputCost) },
  { name: 'base_output_cost_usd', adminOnly: true, value: (r) => usd(r.baseOutputCost) },
  { name: 'base_cost_usd', adminOnly: true, value: (r) => usd(r.baseCost) },
  { name: 'price_rate', adminOnly: true, value: (r) => new CsvNumber(rateType.convertToJSValue(r.priceRate)) },
  { name: 'price_input_per_million_usd', adminOnly: true, value: (r) => usd(r.priceInput) },
  { name: 'price_output_per_million_usd', adminOnly: true, value: (r) => usd(r.priceOutput) },
  { name: 'price_cache_write_per_million_usd', adminOnly: true, value: (r) => usd(r.priceCacheWrite) },
  { name: 'price_cache_read_per_million_usd', adminOnly: true, value: (r) => usd(r.priceCacheRead) },
  { name: 'latency_ms', value: (r) => r.latencyMs },
  { name: 'first_token_ms', value: (r) => r.firstTokenMs },
  { name: 'attempts', value: (r) => r.attempts },
];

const DAILY_COLUMNS: Column<UsageDaily>[] = [
  { name: 'day', value: (r) => r.day },
  { name: 'user_id', value: (r) => r.userId },
  { name: 'api_key_id', value: (r) => r.apiKeyId },
  { name: 'model', value: (r) => r.model },
  { name: 'requests', value: (r) => r.requests },
  { name: 'input_tokens', value: (r) => r.inputTokens },
  { name: 'output_tokens', value: (r) => r.outputTokens },
  { name: 'cache_creation_input_tokens', value: (r) => r.cacheCreationInputTokens },
  { name: 'cache_read_input_tokens', value: (r) => r.cacheReadInputTokens },
  { name: 'total_tokens', value: (r) => r.totalTokens },
  { name: 'cost_usd', value: (r) => usd(r.cost) },
  { name: 'base_cost_usd', adminOnly: true, value: (r) => usd(r.baseCost) },
];

/** Header line, then one CSV text per chunk; `next(last)` reads the chunk after the last row of the one before. */
async function* keysetCsv<T>(columns: Column<T>[], next: (last: T | null) => Promise<T[]>): AsyncGenerator<string> {
  yield csvRow(columns.map((c) => c.name));
  let last: T | null = null;
  for (;;) {
    const rows = await next(last);
    if (rows.length > 0) yield rows.map((r) => csvRow(columns.map((c) => c.value(r)))).join('');
    if (rows.length < EXPORT_CHUNK_ROWS) return;
    last = rows[rows.length - 1];
  }
}

/**
 * One chunk as plain rows (property names, Date and boolean values as on the entity), not entities:
 * no entity objects, identity map or change-tracking snapshots for rows that are only printed. At
 * 1,000 rows this is a third of `em.find`'s time (30 vs 87 ms for the busiest user at 1 M rows).
 */
function plainRows<T extends object>(em: RelayEntityManager, entity: EntityName<T>, where: FilterQuery<T>, orderBy: QueryOrderMap<T>): Promise<T[]> {
  return em.createQueryBuilder(entity).select('*').where(where).orderBy(orderBy).limit(EXPORT_CHUNK_ROWS).execute('all', true) as Promise<T[]>;
}

/**
 * Usage as CSV, read in keyset-paginated chunks: each chunk is one indexed query that starts after
 * the last row of the one before (never OFFSET, never the whole result in memory), and the next
 * chunk is read only when the consumer pulls (Readable.from → HTTP response gives backpressure).
 * Every chunk is read as plain rows by a fresh EntityManager, so nothing accumulates.
 */
export class UsageExportService {
  constructor(private readonly ctx: ServiceContext) {}

  /** request_logs in arrival order (createdAt, id; the (user_id|api_key_id, created_at) indexes serve it). */
  records(scope: ResolvedScope, filter: RecordExportFilter, admin: boolean): AsyncGenerator<string> {
    const base: FilterQuery<RequestLog> = {};
    if (scope.userId !== null) base.userId = scope.userId;
    if (scope.apiKeyId !== null) base.apiKeyId = scope.apiKeyId;
    if (filter.model) base.model = filter.model;
    if (filter.status !== null && filter.status !== undefined) base.status = filter.status;
    if (filter.since || filter.until) base.createdAt = { ...(filter.since ? { $gte: filter.since } : {}), ...(filter.until ? { $lt: filter.until } : {}) };
    return keysetCsv(RECORD_COLUMNS.filter((c) => admin || !c.adminOnly), (last) => {
      const where: FilterQuery<RequestLog> = last
        ? { $and: [base, { $or: [{ createdAt: { $gt: last.createdAt } }, { createdAt: last.createdAt, id: { $gt: last.id } }] }] }
        : base;
      return plainRows(this.ctx.em.fork() as RelayEntityManager, RequestLog, where, { createdAt: 'asc', id: 'asc' });
    });
  }

  /** usage_daily rows of a day range in (day, id) order. */
  daily(scope: ResolvedScope, filter: DailyExportFilter, admin: boolean): AsyncGenerator<string> {
    const base: FilterQuery<UsageDaily> = { day: { $gte: filter.from, $lte: filter.to } };
    if (scope.userId !== null) base.userId = scope.userId;
    if (scope.apiKeyId !== null) base.apiKeyId = scope.apiKeyId;
    if (filter.model) base.model = filter.model;
    return keysetCsv(DAILY_COLUMNS.filter((c) => admin || !c.adminOnly), (last) => {
      const where: FilterQuery<UsageDaily> = last
        ? { $and: [base, { $or: [{ day: { $gt: last.day } }, { day: last.day, id: { $gt: last.id } }] }] }
        : base;
      return plainRows(this.ctx.em.fork() as RelayEntityManager, UsageDaily, where, { day: 'asc', id: 'asc' });
    });
  }
}
