import type { EntityManager } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/core';
import { ApiKey, isMysql, RequestLog } from '@relay/db';
import { dayKey, decodeUsageEvent, formatRate, isPlatform, totalTokens, type UsageEvent } from '@relay/core';

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

/** The request_logs row of one event (money copied as-is: the ingester never recomputes cost). */
export function requestLogRow(e: UsageEvent): Omit<RequestLog, 'id'> {
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
    priceInput: e.price.input,
    priceOutput: e.price.output,
    priceCacheWrite: e.price.cacheWrite,
    priceCacheRead: e.price.cacheRead,
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
  'requestId', 'userId', 'apiKeyId', 'accountId', 'platform', 'model', 'upstreamModel', 'endpoint', 'stream', 'status', 'errorType',
  'inputTokens', 'outputTokens', 'cacheCreationInputTokens', 'cacheReadInputTokens', 'totalTokens', 'inputCost', 'outputCost', 'totalCost',
  'baseInputCost', 'baseOutputCost', 'baseCost', 'priceRate', 'priceInput', 'priceOutput', 'priceCacheWrite', 'priceCacheRead',
  'latencyMs', 'firstTokenMs', 'attempts', 'clientIp', 'userAgent', 'createdAt', 'finishedAt',
] as const satisfies readonly (keyof LogRow)[];
const LOG_COLUMNS = LOG_PROPS.map((p) => [p, snake(p)] as const);
const LOG_COLUMN_LIST = LOG_COLUMNS.map(([, c]) => `\`${c}\``).join(', ');

const DAILY_COLUMNS = ['requests', 'input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'total_tokens', 'cost', 'base_cost'] as const;

/** usage_daily upsert adding to an existing row; the only SQL that differs between the two drivers. */
function dailyUpsertSql(mysql: boolean, rows: number): string {
  const cols = ['day', 'user_id', 'api_key_id', 'model', ...DAILY_COLUMNS];
  const values = Array.from({ length: rows }, () => `(${cols.map(() => '?').join(', ')})`).join(', ');
  const head = `insert into \`usage_daily\` (${cols.map((c) => `\`${c}\``).join(', ')}) values ${values}`;
  if (mysql) return `${head} on duplicate key update ${DAILY_COLUMNS.map((c) => `\`${c}\` = \`${c}\` + values(\`${c}\`)`).join(', ')}`;
  return `${head} on conflict (\`day\`, \`user_id\`, \`api_key_id\`, \`model\`) do update set ${DAILY_COLUMNS.map((c) => `\`${c}\` = \`${c}\` + excluded.\`${c}\``).join(', ')}`;
}

/**
 * Writes a batch in ONE transaction: each event's request_logs row is inserted unless its requestId
 * is already there (INSERT IGNORE / INSERT OR IGNORE, row by row so the driver tells which rows were
 * new); then, for the new rows only, the daily rollups and the API keys' counters are added to.
 * Returns the events that were new — a redelivered event is never counted twice. Throws (and
 * commits nothing) when the database fails; the caller retries the same batch.
 */
export async function persistUsageBatch(orm: MikroORM, events: UsageEvent[], timeZone: string): Promise<UsageEvent[]> {
  if (events.length === 0) return [];
  const mysql = isMysql(orm);
  return orm.em.fork().transactional(async (em: EntityManager) => {
    const conn = em.getConnection();
    const tx = em.getTransactionContext();
    const run = (sql: string, params: unknown[]) => conn.execute<{ affectedRows?: number }>(sql, params, 'run', tx);
    const platform = em.getPlatform();
    const inserted: UsageEvent[] = [];
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.requestId)) continue; // the same id twice in one batch
      seen.add(e.requestId);
      const row = requestLogRow(e);
      const values = LOG_COLUMNS.map(([prop]) => {
        const v = row[prop];
        // SQLite stores dates as epoch ms (the ORM's own conversion); MySQL takes Date objects.
        return v instanceof Date ? platform.processDateProperty(v) : v;
      });
      const sql = `${mysql ? 'insert ignore' : 'insert or ignore'} into \`request_logs\` (${LOG_COLUMN_LIST}) values (${LOG_COLUMNS.map(() => '?').join(', ')})`;
      // MySQL reports affectedRows 0 for an ignored duplicate. The libsql driver reports no change
      // counts, so SQLite asks for the new id instead: an ignored insert returns no row.
      const isNew = mysql ? (await run(sql, values)).affectedRows === 1 : (await conn.execute<unknown[]>(`${sql} returning \`id\``, values, 'all', tx)).length === 1;
      if (isNew) inserted.push(e);
    }
    if (inserted.length === 0) return inserted;

    const daily = new Map<string, DailyDelta>();
    const keys = new Map<number, KeyDelta>();
    for (const e of inserted) {
      const day = dayKey(e.startedAt, timeZone);
      const tk = `${day}|${e.userId}|${e.apiKeyId}|${e.model}`;
      const d = daily.get(tk) ?? { day, userId: Number(e.userId), apiKeyId: Number(e.apiKeyId), model: e.model.slice(0, 128), requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, totalTokens: 0, cost: 0, baseCost: 0 };
      d.requests += 1;
      d.inputTokens += e.inputTokens;
      d.outputTokens += e.outputTokens;
      d.cacheCreationInputTokens += e.cacheCreationInputTokens;
      d.cacheReadInputTokens += e.cacheReadInputTokens;
      d.totalTokens += totalTokens(e);
      d.cost += e.totalCost;
      d.baseCost += e.baseTotalCost;
      daily.set(tk, d);
      const k = keys.get(Number(e.apiKeyId)) ?? { requests: 0, tokens: 0, cost: 0, lastUsedAt: 0 };
      k.requests += 1;
      k.tokens += totalTokens(e);
      k.cost += e.totalCost;
      k.lastUsedAt = Math.max(k.lastUsedAt, e.finishedAt);
      keys.set(Number(e.apiKeyId), k);
    }

    const rows = [...daily.values()];
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      const params = chunk.flatMap((d) => [d.day, d.userId, d.apiKeyId, d.model, d.requests, d.inputTokens, d.outputTokens, d.cacheCreationInputTokens, d.cacheReadInputTokens, d.totalTokens, d.cost, d.baseCost]);
      await run(dailyUpsertSql(mysql, chunk.length), params);
    }

    for (const [id, k] of keys) {
      // Keys deleted since the request simply match no row: their logs and rollups remain.
      await run(
        'update `api_keys` set `request_count` = `request_count` + ?, `tokens_used` = `tokens_used` + ?, `cost_used` = `cost_used` + ? where `id` = ?',
        [k.requests, k.tokens, k.cost, id],
      );
      const at = new Date(k.lastUsedAt);
      await em.nativeUpdate(ApiKey, { id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: at } }] }, { lastUsedAt: at });
    }
    return inserted;
  });
}
