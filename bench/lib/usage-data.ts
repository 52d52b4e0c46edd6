// Usage data generator for the usage-query bench: a MariaDB database (created here, schema from the
// project's migrations) filled with N request_logs rows over 90 days, 1,000 users, 5,000 keys,
// 30 models and 50 accounts, plus the usage_daily rollups of exactly those rows.
//
// Deterministic: every value comes from a seeded PRNG (mulberry32) and the row number, and the
// 90 days end at a fixed day (`end`, default tomorrow UTC so that "today" has traffic), so two runs
// with the same arguments write the same rows.
//
// Fast: multi-row INSERTs of 5,000 rows with literal values, the next statement built while the
// server runs the one before; request_logs' secondary indexes are dropped during the load and
// rebuilt in one ALTER TABLE at the end (a sorted build instead of 10 million random B-tree
// inserts into a small buffer pool). Rows are generated in arrival order (id grows with
// created_at, as the ingester writes them), so each day's rollups are summed in memory and written
// when the day ends; the per-account hourly rollup is filled from the rows at the end.
import { BACKFILL_USAGE_ACCOUNT_HOURLY, createOrm, databaseUrlFor, upgradeSchema, type RelayOrm } from '@relay/db';
import { prng } from '@relay/testkit';

export const BENCH_USERS = 1000;
export const BENCH_KEYS = 5000;
export const BENCH_MODELS = 30;
export const BENCH_ACCOUNTS = 50;
export const BENCH_DAYS = 90;
const INSERT_ROWS = 5000;
const DAY_MS = 86_400_000;

export interface UsageDataOptions {
  /** Server URL (any database path; the bench database replaces it). */
  serverUrl: string;
  database: string;
  rows: number;
  seed?: number;
  /** Last day (YYYY-MM-DD, UTC) of the 90; default: today UTC. */
  endDay?: string;
  log?: (msg: string) => void;
}

export interface UsageDataResult {
  url: string;
  rows: number;
  dailyRows: number;
  firstDay: string;
  lastDay: string;
  loadSeconds: number;
  indexSeconds: number;
  totalSeconds: number;
}


export const benchModel = (i: number) => `bench-model-${String(i).padStart(2, '0')}`;
/** The owner of key k (1-based): keys are dealt round-robin, so user u owns keys u, u+1000, … */
export const keyOwner = (k: number) => ((k - 1) % BENCH_USERS) + 1;

/** Per model, micro-USD per million tokens: input, output, cache read. */
const PRICES = Array.from({ length: BENCH_MODELS }, (_, i) => ({ input: 250_000 + i * 500_000, output: 1_000_000 + i * 2_500_000, cacheRead: 25_000 + i * 50_000 }));
/** Every tenth user pays 0.8 × list price, the rest 1.0. */
const RATE = (u: number) => (u % 10 === 0 ? 0.8 : 1);
const STATUSES: [number, number, string | null][] = [
  [0.96, 200, null],
  [0.975, 429, 'rate_limit_error'],
  [0.985, 500, 'api_error'],
  [0.995, 499, 'client_closed'],
  [1, 400, 'invalid_request_error'],
];

interface Daily { requests: number; input: number; output: number; cacheRead: number; total: number; cost: number; base: number }

const sqlDate = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

async function exec(orm: RelayOrm, sql: string): Promise<unknown> {
  return orm.em.getConnection().execute(sql);
}

/** Creates (replacing) the database, migrates it, and fills it. */
export async function generateUsageData(opts: UsageDataOptions): Promise<UsageDataResult> {
  const log = opts.log ?? (() => {});
  const started = performance.now();
  const seed = opts.seed ?? 42;
  const url = databaseUrlFor(opts.serverUrl, opts.database);
  const admin = await createOrm({ databaseUrl: opts.serverUrl });
  try {
    await exec(admin, `drop database if exists \`${opts.database}\``);
    await exec(admin, `create database \`${opts.database}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
  } finally {
    await admin.close(true);
  }
  const orm = await createOrm({ databaseUrl: url });
  try {
    await upgradeSchema(orm);
    await fillPeople(orm);
    const endDay = opts.endDay ?? new Date().toISOString().slice(0, 10);
    const endMs = Date.parse(`${endDay}T00:00:00Z`) + DAY_MS;
    const startMs = endMs - BENCH_DAYS * DAY_MS;

    // Secondary indexes of request_logs (not the primary key, not the unique request_id) off for the load.
    const idx = await orm.em.getConnection().execute<{ name: string; cols: string }[]>(
      "select index_name as name, group_concat(concat('`', column_name, '`') order by seq_in_index) as cols from information_schema.statistics " +
        "where table_schema = database() and table_name = 'request_logs' and non_unique = 1 group by index_name",
    );
    if (idx.length) await exec(orm, `alter table \`request_logs\` ${idx.map((i) => `drop index \`${i.name}\``).join(', ')}`);

    const rnd = prng(seed);
    const cols = 'request_id, user_id, api_key_id, account_id, platform, model, upstream_model, endpoint, stream, status, error_type, outcome, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, total_tokens, input_cost, output_cost, total_cost, base_input_cost, base_output_cost, base_cost, price_rate, price_input, price_output, price_cache_write, price_cache_read, latency_ms, first_token_ms, attempts, client_ip, user_agent, created_at, finished_at';
    let pending: Promise<unknown> = Promise.resolve();
    let day = '';
    let daily = new Map<string, Daily>();
    let dailyRows = 0;
    const flushDay = async () => {
      if (!daily.size) return;
      const values: string[] = [];
      for (const [k, d] of daily) {
        const [u, key, m] = k.split('|');
        values.push(`('${day}',${u},${key},'${benchModel(Number(m))}',${d.requests},${d.input},${d.output},0,${d.cacheRead},${d.total},${d.cost},${d.base})`);
      }
      dailyRows += values.length;
      daily = new Map();
      for (let i = 0; i < values.length; i += INSERT_ROWS) {
        await exec(orm, `insert into \`usage_daily\` (day, user_id, api_key_id, model, requests, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, total_tokens, cost, base_cost) values ${values.slice(i, i + INSERT_ROWS).join(',')}`);
      }
    };
    const span = endMs - startMs;
    let lastLog = performance.now();
    for (let i = 0; i < opts.rows; i += INSERT_ROWS) {
      const values: string[] = [];
      const n = Math.min(INSERT_ROWS, opts.rows - i);
      for (let j = 0; j < n; j++) {
        const row = i + j;
        const created = startMs + Math.floor((row * span) / opts.rows) + Math.floor(rnd() * Math.min(1000, span / opts.rows));
        const rowDay = new Date(created).toISOString().slice(0, 10);
        if (rowDay !== day) {
          await pending;
          await flushDay();
          day = rowDay;
        }
        // Zipf-like keys: key 1 is the busiest (~1.4 % of all rows), most keys see a few rows a day.
        const key = 1 + Math.floor(BENCH_KEYS * rnd() ** 2);
        const user = keyOwner(key);
        // Each key mostly uses one model, sometimes a second or third.
        const pick = rnd();
        const model = pick < 0.7 ? (key * 7) % BENCH_MODELS : pick < 0.9 ? (key * 7 + 1) % BENCH_MODELS : (key * 13 + 5) % BENCH_MODELS;
        const s = rnd();
        const [, status, errorType] = STATUSES.find(([p]) => s < p)!;
        const ok = status === 200 || status === 499;
        const account = status === 429 && rnd() < 0.5 ? null : 1 + ((key * 3 + Math.floor(rnd() * 3)) % BENCH_ACCOUNTS);
        const input = ok ? Math.floor(50 * 400 ** rnd()) : 0;
        const output = ok ? Math.floor(10 * 400 ** rnd()) : 0;
        const cacheRead = ok && rnd() < 0.3 ? Math.floor(1000 * 20 ** rnd()) : 0;
        const total = input + output + cacheRead;
        const p = PRICES[model];
        const baseIn = Math.floor((input * p.input + cacheRead * p.cacheRead) / 1e6);
        const baseOut = Math.floor((output * p.output) / 1e6);
        const rate = RATE(user);
        const ratedIn = Math.floor(baseIn * rate);
        const ratedOut = Math.floor(baseOut * rate);
        const latency = 200 + Math.floor(rnd() * 20_000);
        const stream = rnd() < 0.6;
        const interrupted = ok && rnd() < 0.002;
        values.push(
          `('bench-${String(row).padStart(9, '0')}',${user},${key},${account ?? 'null'},${account === null ? 'null' : "'claude-console'"},'${benchModel(model)}','${benchModel(model)}','/v1/messages',${stream ? 1 : 0},${status},${errorType ? `'${errorType}'` : 'null'},'${interrupted ? 'interrupted' : 'completed'}',` +
            `${input},${output},0,${cacheRead},${total},${ratedIn},${ratedOut},${ratedIn + ratedOut},${baseIn},${baseOut},${baseIn + baseOut},${rate.toFixed(4)},${p.input},${p.output},0,${p.cacheRead},` +
            `${latency},${stream && ok ? Math.floor(latency / 10) : 'null'},1,'10.0.${user % 256}.${key % 256}','bench/1.0','${sqlDate(created)}','${sqlDate(created + latency)}')`,
        );
        const dk = `${user}|${key}|${model}`;
        const d = daily.get(dk) ?? { requests: 0, input: 0, output: 0, cacheRead: 0, total: 0, cost: 0, base: 0 };
        d.requests += 1;
        d.input += input;
        d.output += output;
        d.cacheRead += cacheRead;
        d.total += total;
        d.cost += ratedIn + ratedOut;
        d.base += baseIn + baseOut;
        daily.set(dk, d);
      }
      await pending;
      pending = exec(orm, `insert into \`request_logs\` (${cols}) values ${values.join(',')}`);
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`${i + n} / ${opts.rows} rows (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
    await pending;
    await flushDay();
    const loaded = performance.now();
    log(`rows loaded in ${((loaded - started) / 1000).toFixed(0)} s; rebuilding ${idx.length} indexes`);
    if (idx.length) await exec(orm, `alter table \`request_logs\` ${idx.map((i) => `add index \`${i.name}\` (${i.cols})`).join(', ')}`);
    // The per-account hourly rollup from the rows, with the migration's own backfill statement.
    await exec(orm, BACKFILL_USAGE_ACCOUNT_HOURLY);
    await exec(orm, 'analyze table `request_logs`, `usage_daily`, `usage_account_hourly`');
    const done = performance.now();
    return {
      url,
      rows: opts.rows,
      dailyRows,
      firstDay: new Date(startMs).toISOString().slice(0, 10),
      lastDay: endDay,
      loadSeconds: (loaded - started) / 1000,
      indexSeconds: (done - loaded) / 1000,
      totalSeconds: (done - started) / 1000,
    };
  } finally {
    await orm.close(true);
  }
}

/** Users 1–1000 (user 1 the admin), keys 1–5000 dealt round-robin, accounts 1–50. */
async function fillPeople(orm: RelayOrm): Promise<void> {
  const now = sqlDate(Date.now());
  const users = Array.from({ length: BENCH_USERS }, (_, i) => `(${i + 1},'bench-user-${i + 1}','x','${i === 0 ? 'ADMIN' : 'USER'}','ACTIVE',${RATE(i + 1).toFixed(4)},'${now}','${now}')`);
  await exec(orm, `insert into \`users\` (id, username, password_hash, role, status, price_rate, created_at, updated_at) values ${users.join(',')}`);
  const keys = Array.from({ length: BENCH_KEYS }, (_, i) => `(${i + 1},${keyOwner(i + 1)},'key ${i + 1}','${String(i + 1).padStart(64, '0')}','rk-${i + 1}','${now}','${now}')`);
  await exec(orm, `insert into \`api_keys\` (id, user_id, name, key_hash, key_prefix, created_at, updated_at) values ${keys.join(',')}`);
  const accounts = Array.from({ length: BENCH_ACCOUNTS }, (_, i) => `(${i + 1},'account ${i + 1}','claude-console','x','sk-…${i + 1}','ACTIVE','{}','{}','${now}','${now}')`);
  await exec(orm, `insert into \`accounts\` (id, name, platform, credentials, credential_hint, status, model_mapping, settings, created_at, updated_at) values ${accounts.join(',')}`);
}
