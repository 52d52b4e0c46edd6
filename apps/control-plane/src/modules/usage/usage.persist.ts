import type { EntityManager } from '@mikro-orm/core';
import { IsolationLevel, type MikroORM } from '@mikro-orm/core';
import { isMysql, type RequestLog } from '@relay/db';
import { dayKey, decodeUsageEvent, formatRate, isPlatform, priceBand, totalTokens, type UsageEvent } from '@relay/core';

/**
 * Turns a stream payload into a UsageEvent the database can hold, or throws (the ingester then
 * dead-letters it). Beyond decodeUsageEvent's checks: ids must be numeric (they become integer
 * columns) and the price used must be integers, so a bad event can never poison a whole batch.
 */
export function parseUsagePayload(payload: string): UsageEvent {
  const e = decodeUsageEvent(payload);
  if (!/^\d{1,10}$/.test(e.userId)) throw new Error('usage event: bad userId');
  if (!/^\d{1,10}$/.test(e.apiKeyId)) throw new Error('usage event: bad apiKeyId');
  if (e.accountId !== null && !/^\d{1,10}$/.test(String(e.accountId))) throw new Error('usage event: bad accountId');
  if (e.platform !== null && !isPlatform(e.platform)) throw new Error('usage event: bad platform');
  for (const k of ['input', 'output', 'cacheWrite', 'cacheRead'] as const) {
    if (!Number.isSafeInteger(e.price?.[k])) throw new Error(`usage event: bad price.${k}`);
  }
  if (e.requestId.length > 64) throw new Error('usage event: requestId longer than 64');
  if (e.firstTokenMs !== null && e.firstTokenMs !== undefined && !Number.isSafeInteger(e.firstTokenMs)) throw new Error('usage event: bad firstTokenMs');
  return e;
}

const cut = (s: string | null | undefined, n: number): string | null => (s === null || s === undefined ? null : s.slice(0, n));

/**
 * The request_logs row of one event (money copied as-is: the ingester never recomputes cost). The
 * price recorded is the one the request paid: the long-context tier's when its prompt was above it.
 */
export function requestLogRow(e: UsageEvent): Omit<RequestLog, 'id'> {
  const paid = priceBand(e.price, e.inputTokens + e.cacheCreationInputTokens + e.cacheReadInputTokens);
  return {
    requestId: e.requestId,
    userId: Number(e.userId),
    apiKeyId: Number(e.apiKeyId),
    accountId: e.accountId === null ? null : Number(e.accountId),
    platform: e.platform,
    model: e.model.slice(0, 128),
    upstreamModel: (e.upstreamModel || e.model).slice(0, 128),
    endpoint: (e.endpoint ?? '').slice(0, 128),
    stream: !!e.stream,
    status: e.status,
    errorType: cut(e.errorType, 64),
    outcome: e.outcome ?? 'completed',
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    cacheCreationInputTokens: e.cacheCreationInputTokens,
    cacheReadInputTokens: e.cacheReadInputTokens,
    totalTokens: totalTokens(e),
    inputCost: e.inputCost,
    outputCost: e.outputCost,
    totalCost: e.totalCost,
    baseInputCost: e.baseInputCost,
    baseOutputCost: e.baseOutputCost,
    baseCost: e.baseTotalCost,
    priceRate: formatRate(e.priceRate),
    priceInput: paid.input,
    priceOutput: paid.output,
    priceCacheWrite: paid.cacheWrite,
    priceCacheRead: paid.cacheRead,
    latencyMs: e.latencyMs,
    firstTokenMs: e.firstTokenMs ?? null,
    attempts: e.attempts,
    clientIp: cut(e.clientIp, 64),
    userAgent: cut(e.userAgent, 512),
    createdAt: new Date(e.startedAt),
    finishedAt: new Date(e.finishedAt),
  };
}

interface DailyDelta {
  day: string;
  userId: number;
  apiKeyId: number;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  totalTokens: number;
  cost: number;
  baseCost: number;
}

interface AccountHourDelta extends Omit<DailyDelta, 'day' | 'userId' | 'apiKeyId' | 'model'> {
  hour: number;
  accountId: number;
  errors: number;
}

const HOUR_MS = 3_600_000;

type Totals = Omit<DailyDelta, 'day' | 'userId' | 'apiKeyId' | 'model'>;

/** Adds one request's tokens and cost to a rollup delta. */
function addToTotals(t: Totals, e: UsageEvent): void {
  t.requests += 1;
  t.inputTokens += e.inputTokens;
  t.outputTokens += e.outputTokens;
  t.cacheCreationInputTokens += e.cacheCreationInputTokens;
  t.cacheReadInputTokens += e.cacheReadInputTokens;
  t.totalTokens += totalTokens(e);
  t.cost += e.totalCost;
  t.baseCost += e.baseTotalCost;
}

/** Adds one request to its (UTC hour, account) rollup delta (requests_logs.created_at = startedAt). */
function addAccountHour(hours: Map<string, AccountHourDelta>, e: UsageEvent): void {
  const hour = Math.floor(e.startedAt / HOUR_MS) * HOUR_MS;
  const accountId = Number(e.accountId);
  const key = `${hour}|${accountId}`;
  const h = hours.get(key) ?? { hour, accountId, requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, totalTokens: 0, cost: 0, baseCost: 0, errors: 0 };
  addToTotals(h, e);
  if (e.status >= 400 || e.outcome === 'interrupted') h.errors += 1;
  hours.set(key, h);
}

interface KeyDelta {
  requests: number;
  tokens: number;
  cost: number;
  lastUsedAt: number;
}

type LogRow = Omit<RequestLog, 'id'>;
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** request_logs columns in insert order (every column but the auto-increment id). */
const LOG_PROPS = [
  'requestId', 'userId', 'apiKeyId', 'accountId', 'platform', 'model', 'upstreamModel', 'endpoint', 'stream', 'status', 'errorType', 'outcome',
  'inputTokens', 'outputTokens', 'cacheCreationInputTokens', 'cacheReadInputTokens', 'totalTokens', 'inputCost', 'outputCost', 'totalCost',
  'baseInputCost', 'baseOutputCost', 'baseCost', 'priceRate', 'priceInput', 'priceOutput', 'priceCacheWrite', 'priceCacheRead',
  'latencyMs', 'firstTokenMs', 'attempts', 'clientIp', 'userAgent', 'createdAt', 'finishedAt',
] as const satisfies readonly (keyof LogRow)[];
const LOG_COLUMNS = LOG_PROPS.map(snake);
const LOG_COLUMN_LIST = LOG_COLUMNS.map((c) => `\`${c}\``).join(', ');

const DAILY_COLUMNS = ['requests', 'input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'total_tokens', 'cost', 'base_cost'] as const;

/** The sums of usage_account_hourly (usage_daily's plus the error count). */
const ACCOUNT_HOURLY_COLUMNS = [...DAILY_COLUMNS, 'errors'] as const;

/** Multi-row upsert adding `sums` to an existing row of the same `keys`; the only SQL that differs between the two drivers. */
function addUpsertSql(mysql: boolean, table: string, keys: readonly string[], sums: readonly string[], rows: number): string {
  const cols = [...keys, ...sums];
  const values = Array.from({ length: rows }, () => `(${cols.map(() => '?').join(', ')})`).join(', ');
  const head = `insert into \`${table}\` (${cols.map((c) => `\`${c}\``).join(', ')}) values ${values}`;
  if (mysql) return `${head} on duplicate key update ${sums.map((c) => `\`${c}\` = \`${c}\` + values(\`${c}\`)`).join(', ')}`;
  return `${head} on conflict (${keys.map((c) => `\`${c}\``).join(', ')}) do update set ${sums.map((c) => `\`${c}\` = \`${c}\` + excluded.\`${c}\``).join(', ')}`;
}

/** Rows per multi-row INSERT: 500 × 35 columns = 17,500 parameters, under MySQL's 65,535 and SQLite's 32,766. */
const INSERT_CHUNK = 500;

const placeholders = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;
const LOG_ROW_PLACEHOLDERS = placeholders(LOG_COLUMNS.length);

/**
 * Inserts the request_logs rows of `events` (distinct request ids) and returns the request ids
 * this call inserted — the ones whose events are new. A few statements per chunk of 500.
 *
 * How "new" is decided without counting a redelivered event twice, even when two control planes
 * ingest the same redelivered entries at the same time:
 * - SQLite: `INSERT OR IGNORE … RETURNING` returns exactly the rows it inserted (an ignored row
 *   returns nothing), and SQLite runs one write transaction at a time.
 * - MySQL/MariaDB (InnoDB, REPEATABLE READ — set explicitly on the transaction):
 *   1. a plain SELECT of the chunk's request ids. It is a consistent read: it fixes the
 *      transaction's snapshot and returns the ids already stored (the usual redelivery case) —
 *      those are dropped from the insert.
 *   2. a multi-row INSERT IGNORE of the rest. Its duplicate check is not a snapshot read: it sees
 *      (and waits for) rows of other transactions. affectedRows = rows this statement inserted.
 *   3. when affectedRows equals the rows sent (the normal case), all of them are ours. Otherwise
 *      another consumer stored some of them between 1 and 2; a second consistent SELECT (same
 *      snapshot as 1) then sees only rows that existed at 1 plus the rows THIS transaction
 *      inserted — a row committed by the other consumer after the snapshot is invisible to it —
 *      so "visible now but not at 1" is exactly our rows.
 * (Rejected: "ids above MAX(id) read before the insert" — another consumer's concurrently
 * inserted row can get a higher id too, and would be counted by both.)
 */
async function insertRequestLogs(
  mysql: boolean,
  events: UsageEvent[],
  query: <T>(sql: string, params: unknown[]) => Promise<T[]>,
  run: (sql: string, params: unknown[]) => Promise<{ affectedRows?: number }>,
  toDbDate: (d: Date) => unknown,
): Promise<Set<string>> {
  const fresh = new Set<string>();
  const rowValues = (e: UsageEvent): unknown[] => {
    const row = requestLogRow(e);
    // SQLite stores dates as epoch ms (the ORM's own conversion); MySQL takes Date objects.
    return LOG_PROPS.map((prop) => {
      const v = row[prop];
      return v instanceof Date ? toDbDate(v) : v;
    });
  };
  const insertSql = (rows: number) =>
    `${mysql ? 'insert ignore' : 'insert or ignore'} into \`request_logs\` (${LOG_COLUMN_LIST}) values ${Array.from({ length: rows }, () => LOG_ROW_PLACEHOLDERS).join(', ')}`;
  const storedIds = async (ids: string[]) =>
    new Set((await query<{ request_id: string }>(`select \`request_id\` from \`request_logs\` where \`request_id\` in ${placeholders(ids.length)}`, ids)).map((r) => r.request_id));

  for (let i = 0; i < events.length; i += INSERT_CHUNK) {
    const chunk = events.slice(i, i + INSERT_CHUNK);
    if (!mysql) {
      const rows = await query<{ request_id: string }>(`${insertSql(chunk.length)} returning \`request_id\``, chunk.flatMap(rowValues));
      for (const r of rows) fresh.add(r.request_id);
      continue;
    }
    const ids = chunk.map((e) => e.requestId);
    const before = await storedIds(ids);
    const toInsert = chunk.filter((e) => !before.has(e.requestId));
    if (toInsert.length === 0) continue;
    const { affectedRows } = await run(insertSql(toInsert.length), toInsert.flatMap(rowValues));
    if (affectedRows === toInsert.length) {
      for (const e of toInsert) fresh.add(e.requestId);
      continue;
    }
    const after = await storedIds(ids);
    for (const id of after) if (!before.has(id)) fresh.add(id);
  }
  return fresh;
}

/**
 * Sets accounts.last_used_at to the latest finish of the batch per account, in ONE statement for
 * the whole batch; it only moves forward (a late, older event leaves it), and a deleted account
 * matches no row.
 */
async function touchAccounts(lastUsed: Map<number, number>, run: (sql: string, params: unknown[]) => Promise<unknown>, toDbDate: (d: Date) => unknown): Promise<void> {
  if (lastUsed.size === 0) return;
  const entries = [...lastUsed];
  const newest = `case \`id\` ${entries.map(() => 'when ? then ?').join(' ')} end`;
  await run(
    `update \`accounts\` set \`last_used_at\` = case when \`last_used_at\` is null or \`last_used_at\` < ${newest} then ${newest} else \`last_used_at\` end ` +
      `where \`id\` in (${entries.map(() => '?').join(', ')})`,
    [...entries.flatMap(([id, at]) => [id, toDbDate(new Date(at))]), ...entries.flatMap(([id, at]) => [id, toDbDate(new Date(at))]), ...entries.map(([id]) => id)],
  );
}

/**
 * Writes a batch in ONE transaction: the request_logs rows of the events whose requestId is not
 * stored yet (multi-row INSERT IGNORE / INSERT OR IGNORE, see insertRequestLogs for how the new
 * ones are told apart); then, for the new rows only, the daily rollups (multi-row upsert) and the
 * API keys' counters (one UPDATE per key) and the accounts' last use (one UPDATE). Returns the events that were new — a redelivered event
 * is never counted twice. Throws (and commits nothing) when the database fails; the caller retries
 * the same batch.
 */
export async function persistUsageBatch(orm: MikroORM, events: UsageEvent[], timeZone: string): Promise<UsageEvent[]> {
  if (events.length === 0) return [];
  const mysql = isMysql(orm);
  return orm.em.fork().transactional(async (em: EntityManager) => {
    const conn = em.getConnection();
    const tx = em.getTransactionContext();
    const run = (sql: string, params: unknown[]) => conn.execute<{ affectedRows?: number }>(sql, params, 'run', tx);
    const query = <T>(sql: string, params: unknown[]) => conn.execute<T[]>(sql, params, 'all', tx);
    const platform = em.getPlatform();
    const toDbDate = (d: Date) => platform.processDateProperty(d);

    const distinct: UsageEvent[] = [];
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.requestId)) continue; // the same id twice in one batch
      seen.add(e.requestId);
      distinct.push(e);
    }
    const fresh = await insertRequestLogs(mysql, distinct, query, run, toDbDate);
    const inserted = distinct.filter((e) => fresh.has(e.requestId));
    if (inserted.length === 0) return inserted;

    const daily = new Map<string, DailyDelta>();
    const keys = new Map<number, KeyDelta>();
    const accountsLastUsed = new Map<number, number>();
    const accountHours = new Map<string, AccountHourDelta>();
    for (const e of inserted) {
      if (e.accountId !== null) {
        accountsLastUsed.set(Number(e.accountId), Math.max(accountsLastUsed.get(Number(e.accountId)) ?? 0, e.finishedAt));
        addAccountHour(accountHours, e);
      }
      const day = dayKey(e.startedAt, timeZone);
      const tk = `${day}|${e.userId}|${e.apiKeyId}|${e.model}`;
      const d = daily.get(tk) ?? { day, userId: Number(e.userId), apiKeyId: Number(e.apiKeyId), model: e.model.slice(0, 128), requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, totalTokens: 0, cost: 0, baseCost: 0 };
      addToTotals(d, e);
      daily.set(tk, d);
      const k = keys.get(Number(e.apiKeyId)) ?? { requests: 0, tokens: 0, cost: 0, lastUsedAt: 0 };
      k.requests += 1;
      k.tokens += totalTokens(e);
      k.cost += e.totalCost;
      k.lastUsedAt = Math.max(k.lastUsedAt, e.finishedAt);
      keys.set(Number(e.apiKeyId), k);
    }

    const rows = [...daily.values()];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const params = chunk.flatMap((d) => [d.day, d.userId, d.apiKeyId, d.model, d.requests, d.inputTokens, d.outputTokens, d.cacheCreationInputTokens, d.cacheReadInputTokens, d.totalTokens, d.cost, d.baseCost]);
      await run(addUpsertSql(mysql, 'usage_daily', ['day', 'user_id', 'api_key_id', 'model'], DAILY_COLUMNS, chunk.length), params);
    }
    const hourly = [...accountHours.values()];
    for (let i = 0; i < hourly.length; i += INSERT_CHUNK) {
      const chunk = hourly.slice(i, i + INSERT_CHUNK);
      const params = chunk.flatMap((h) => [toDbDate(new Date(h.hour)), h.accountId, h.requests, h.inputTokens, h.outputTokens, h.cacheCreationInputTokens, h.cacheReadInputTokens, h.totalTokens, h.cost, h.baseCost, h.errors]);
      await run(addUpsertSql(mysql, 'usage_account_hourly', ['hour', 'account_id'], ACCOUNT_HOURLY_COLUMNS, chunk.length), params);
    }

    for (const [id, k] of keys) {
      // Keys deleted since the request simply match no row: their logs and rollups remain.
      // last_used_at only moves forward (an older event arriving late does not move it back).
      const at = toDbDate(new Date(k.lastUsedAt));
      await run(
        'update `api_keys` set `request_count` = `request_count` + ?, `tokens_used` = `tokens_used` + ?, `cost_used` = `cost_used` + ?, ' +
          '`last_used_at` = case when `last_used_at` is null or `last_used_at` < ? then ? else `last_used_at` end where `id` = ?',
        [k.requests, k.tokens, k.cost, at, at, id],
      );
    }
    await touchAccounts(accountsLastUsed, run, toDbDate);
    return inserted;
  }, mysql ? { isolationLevel: IsolationLevel.REPEATABLE_READ } : {});
}
