import { dayKey, hotKeys, totalTokens, type UsageEvent } from '@relay/core';
import type { HashIncrement, HotStore } from '@relay/hot-store';
import type { MikroORM } from '@mikro-orm/core';

/**
 * The original design's Redis usage counters (hashes), kept as a fast read path next to the SQL
 * rollups: usage:total / usage:daily / usage:monthly per user, usage:apikey per key (full field
 * set), cost:total / cost:daily per user (cost fields only). Cost fields are integer micro-USD.
 * The database is the truth: `rebuildUsageCounters` recomputes every hash from usage_daily.
 */
export interface UsageCounterFields {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  total_tokens: number;
  /** Rated micro-USD. */
  cost: number;
  /** Base micro-USD. */
  base_cost: number;
}

function emptyFields(): UsageCounterFields {
  return { requests: 0, input_tokens: 0, output_tokens: 0, cache_creation_tokens: 0, cache_read_tokens: 0, total_tokens: 0, cost: 0, base_cost: 0 };
}

function add(into: UsageCounterFields, f: UsageCounterFields): void {
  for (const k of Object.keys(into) as (keyof UsageCounterFields)[]) into[k] += f[k];
}

function eventFields(e: UsageEvent): UsageCounterFields {
  return {
    requests: 1,
    input_tokens: e.inputTokens,
    output_tokens: e.outputTokens,
    cache_creation_tokens: e.cacheCreationInputTokens,
    cache_read_tokens: e.cacheReadInputTokens,
    total_tokens: totalTokens(e),
    cost: e.totalCost,
    base_cost: e.baseTotalCost,
  };
}

const costOnly = (f: UsageCounterFields) => ({ cost: f.cost, base_cost: f.base_cost });

/** Adds `f` to every counter hash one (user, key, day) slice belongs to. */
function collect(acc: Map<string, UsageCounterFields>, costKeys: Set<string>, userId: string, apiKeyId: string, day: string, f: UsageCounterFields): void {
  const month = day.slice(0, 7);
  const bump = (key: string) => {
    const cur = acc.get(key) ?? emptyFields();
    add(cur, f);
    acc.set(key, cur);
  };
  bump(hotKeys.usageTotal(userId));
  bump(hotKeys.usageDaily(userId, day));
  bump(hotKeys.usageMonthly(userId, month));
  bump(hotKeys.usageApiKey(apiKeyId));
  for (const k of [hotKeys.costTotal(userId), hotKeys.costDaily(userId, day)]) {
    bump(k);
    costKeys.add(k);
  }
}

/** The hash increments for newly inserted events (one round trip via store.incrementHashes). */
export function counterIncrements(events: UsageEvent[], timeZone: string): HashIncrement[] {
  const acc = new Map<string, UsageCounterFields>();
  const costKeys = new Set<string>();
  for (const e of events) collect(acc, costKeys, e.userId, e.apiKeyId, dayKey(e.startedAt, timeZone), eventFields(e));
  return [...acc].map(([key, f]) => ({ key, fields: costKeys.has(key) ? costOnly(f) : { ...f } }));
}

interface DailyRow {
  day: string;
  user_id: number | string;
  api_key_id: number | string;
  requests: number | string;
  input_tokens: number | string;
  output_tokens: number | string;
  cache_creation_input_tokens: number | string;
  cache_read_input_tokens: number | string;
  total_tokens: number | string;
  cost: number | string;
  base_cost: number | string;
}

/**
 * Serialises counter writers inside one process: the ingester's batches and a rebuild must not
 * interleave, or a rebuild could overwrite increments made while it was reading the database.
 */
let counterLock: Promise<unknown> = Promise.resolve();
export function withCounterLock<T>(fn: () => Promise<T>): Promise<T> {
  const run = counterLock.then(fn, fn);
  counterLock = run.catch(() => undefined);
  return run;
}

/**
 * Recomputes the usage counter hashes from usage_daily (the rollups the ingester writes in the
 * same transaction as request_logs), for one user or everyone; returns how many hashes were written.
 * Hashes of users/keys with no usage left are not touched.
 */
export async function rebuildUsageCounters(orm: MikroORM, store: HotStore, userId?: number): Promise<number> {
  return withCounterLock(async () => {
    const em = orm.em.fork();
    const rows = await em.getConnection().execute<DailyRow[]>(
      'select `day`, `user_id`, `api_key_id`, sum(`requests`) as `requests`, sum(`input_tokens`) as `input_tokens`, sum(`output_tokens`) as `output_tokens`, ' +
        'sum(`cache_creation_input_tokens`) as `cache_creation_input_tokens`, sum(`cache_read_input_tokens`) as `cache_read_input_tokens`, ' +
        'sum(`total_tokens`) as `total_tokens`, sum(`cost`) as `cost`, sum(`base_cost`) as `base_cost` from `usage_daily`' +
        (userId === undefined ? '' : ' where `user_id` = ?') +
        ' group by `day`, `user_id`, `api_key_id`',
      userId === undefined ? [] : [userId],
    );
    const acc = new Map<string, UsageCounterFields>();
    const costKeys = new Set<string>();
    for (const r of rows) {
      const f: UsageCounterFields = {
        requests: Number(r.requests),
        input_tokens: Number(r.input_tokens),
        output_tokens: Number(r.output_tokens),
        cache_creation_tokens: Number(r.cache_creation_input_tokens),
        cache_read_tokens: Number(r.cache_read_input_tokens),
        total_tokens: Number(r.total_tokens),
        cost: Number(r.cost),
        base_cost: Number(r.base_cost),
      };
      collect(acc, costKeys, String(r.user_id), String(r.api_key_id), String(r.day), f);
    }
    // A key's hash spans users only if a key changed owner, which cannot happen; per-user rebuilds
    // therefore see all of a key's usage.
    for (const [key, f] of acc) await store.replaceHash(key, costKeys.has(key) ? costOnly(f) : { ...f });
    return acc.size;
  });
}

/**
 * True when the counters look lost (Redis restarted/flushed, or the in-process store just
 * started): the user with the most recent rollup has no usage:total hash.
 */
export async function usageCountersMissing(orm: MikroORM, store: HotStore): Promise<boolean> {
  const rows = await orm.em.fork().getConnection().execute<{ user_id: number | string }[]>(
    'select `user_id` from `usage_daily` order by `id` desc limit 1',
  );
  if (rows.length === 0) return false;
  const hash = await store.getHash(hotKeys.usageTotal(String(rows[0].user_id)));
  return Object.keys(hash).length === 0;
}
