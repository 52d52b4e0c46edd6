// Usage-query bench: every usage read of the admin and user pages, run through the control plane's
// own service functions (UsageService, accountUsage, UsageExportService) against a database filled by
// usage-data.ts, each case 3 warm-up runs then `runs` timed runs (p50/p95 wall time of the service
// call). The SQL each case sent is captured from the ORM's query log and replayed under MariaDB's
// ANALYZE, which executes it and reports the index used and the rows actually read (r_rows).
import { createOrm, type RelayOrm } from '@relay/db';
import { accountUsage, UsageExportService, UsageService, type AppServices, type RecordCursor, type ServiceContext } from '@relay/control-plane';
import { benchModel } from './usage-data.ts';

export interface QueryFigure {
  name: string;
  /** What the page does with it. */
  page: string;
  p50: number;
  p95: number;
  max: number;
  /** Per statement: table, key, access type, rows read (r_rows × loops, summed over the plan). */
  plan: string[];
}

interface Case {
  name: string;
  page: string;
  run(ctx: () => ServiceContext): Promise<unknown>;
}

const DAY_MS = 86_400_000;
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** Days as YYYY-MM-DD, `back` days before `lastDay`. */
function dayBefore(lastDay: string, back: number): string {
  return new Date(Date.parse(`${lastDay}T00:00:00Z`) - back * DAY_MS).toISOString().slice(0, 10);
}

async function drain(gen: AsyncGenerator<string>): Promise<number> {
  let n = 0;
  for await (const chunk of gen) n += chunk.length;
  return n;
}

/** The page cases. The admin is user 1, which is also the busiest user (key 1 is the busiest key). */
function cases(lastDay: string, now: number): Case[] {
  const heavyUser = 1;
  const typicalUser = 500;
  const scopeOf = (userId: number | null, apiKeyId: number | null = null) => ({ userId, apiKeyId });
  const svc = (ctx: () => ServiceContext) => new UsageService(ctx());
  const d30 = { from: dayBefore(lastDay, 29), to: lastDay };
  const d14 = { from: dayBefore(lastDay, 13), to: lastDay };
  const d90 = { from: dayBefore(lastDay, 89), to: lastDay };
  const since30 = new Date(Date.parse(`${d30.from}T00:00:00Z`));
  const until = new Date(Date.parse(`${lastDay}T00:00:00Z`) + DAY_MS);
  const window30 = { since: since30, until };
  // A cursor 20 pages deep: found once, then every run reads the page after it.
  let deep: RecordCursor | null = null;
  const deepCursor = async (ctx: () => ServiceContext): Promise<RecordCursor | null> => {
    if (deep) return deep;
    let after: RecordCursor | null = null;
    for (let i = 0; i < 20; i++) after = (await svc(ctx).records(scopeOf(heavyUser), window30, { after, limit: 25 }, now)).next;
    deep = after;
    return deep;
  };
  const firstPage = { after: null, limit: 25 };
  return [
    { name: 'usageSummary (busiest user)', page: 'dashboard/usage summary cards', run: (c) => svc(c).summary(scopeOf(heavyUser)) },
    { name: 'userUsageSummary (typical user)', page: 'admin Users → usage', run: (c) => svc(c).summary(scopeOf(typicalUser)) },
    { name: 'dailyUsage 14 d (busiest user)', page: 'dashboard chart', run: (c) => svc(c).daily(scopeOf(heavyUser), d14.from, d14.to) },
    { name: 'dailyUsage 90 d (busiest user)', page: 'usage page, 90-day preset', run: (c) => svc(c).daily(scopeOf(heavyUser), d90.from, d90.to) },
    { name: 'usageByModel 30 d (busiest user)', page: 'usage page models tab', run: (c) => svc(c).byModel(scopeOf(heavyUser), d30.from, d30.to) },
    { name: 'usageStats 30 d (busiest user)', page: 'API (usageStats)', run: (c) => svc(c).totals(scopeOf(heavyUser), d30) },
    { name: 'monthlyUsage (busiest user)', page: 'API (monthlyUsage)', run: (c) => svc(c).monthly(scopeOf(heavyUser), lastDay.slice(0, 7)) },
    { name: 'usageRecords page 1, 30 d (busiest user)', page: 'usage page records tab', run: (c) => svc(c).records(scopeOf(heavyUser), window30, firstPage, now) },
    { name: 'usageRecords page 21, 30 d (busiest user)', page: 'records tab, 20 × "older"', run: async (c) => svc(c).records(scopeOf(heavyUser), window30, { after: await deepCursor(c), limit: 25 }, now) },
    { name: 'usageRecords model filter (busiest user)', page: 'records, filter model', run: (c) => svc(c).records(scopeOf(heavyUser), { ...window30, model: benchModel(8) }, firstPage, now) },
    { name: 'usageRecords status 500 (busiest user)', page: 'records, filter status', run: (c) => svc(c).records(scopeOf(heavyUser), { ...window30, status: 500 }, firstPage, now) },
    { name: 'usageRecords status 400, 92 d (typical user)', page: 'records, rare status, widest range', run: (c) => svc(c).records(scopeOf(typicalUser), { status: 400 }, firstPage, now) },
    { name: 'usageRecords key filter (admin, busiest key)', page: 'records, filter key', run: (c) => svc(c).records(scopeOf(null, 1), window30, firstPage, now) },
    { name: 'usageRecords account filter (admin)', page: 'records, filter account', run: (c) => svc(c).records(scopeOf(null), { ...window30, accountId: 7 }, firstPage, now) },
    { name: 'usageRecords platform page 1 (admin)', page: 'records, scope PLATFORM', run: (c) => svc(c).records(scopeOf(null), window30, firstPage, now) },
    { name: 'usageRecords platform status 500 (admin)', page: 'records, PLATFORM + status', run: (c) => svc(c).records(scopeOf(null), { ...window30, status: 500 }, firstPage, now) },
    { name: 'apiKeyLogs page 1 (busiest key)', page: 'admin API keys → logs drawer', run: (c) => svc(c).records(scopeOf(null, 1), {}, firstPage, now) },
    { name: 'accountUsage 30 d', page: 'admin Accounts page', run: (c) => accountUsage(c(), new Date(now - 30 * DAY_MS), new Date(now)) },
    {
      name: 'export records CSV, 1 d (busiest user)',
      page: 'usage page Export CSV (records tab)',
      run: (c) => drain(new UsageExportService(c()).records(scopeOf(heavyUser), { since: new Date(until.getTime() - DAY_MS), until }, true)),
    },
    { name: 'export daily CSV, 30 d (busiest user)', page: 'usage page Export CSV (daily)', run: (c) => drain(new UsageExportService(c()).daily(scopeOf(heavyUser), d30, true)) },
  ];
}

async function planOf(orm: RelayOrm, sqls: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const sql of sqls) {
    if (!/^select /i.test(sql)) continue;
    const rows = await orm.em.fork().getConnection().execute<Record<string, unknown>[]>(`analyze ${sql}`);
    out.push(
      rows
        .map((r) => {
          const rowsRead = Math.round(Number(r.r_rows ?? 0));
          return `${String(r.table)}: ${String(r.type)} ${r.key ? `on ${String(r.key)}` : '(no index)'}, est. ${String(r.rows)} rows, read ${rowsRead}${r.Extra ? ` (${String(r.Extra)})` : ''}`;
        })
        .join('; '),
    );
  }
  return out;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Runs every case against `databaseUrl`; `lastDay` is the generator's last day. */
export async function benchUsageQueries(opts: { databaseUrl: string; lastDay: string; runs?: number; log?: (m: string) => void }): Promise<QueryFigure[]> {
  const runs = opts.runs ?? 30;
  const log = opts.log ?? (() => {});
  let capture: string[] | null = null;
  const orm = await createOrm({
    databaseUrl: opts.databaseUrl,
    debug: true,
    logger: (msg) => {
      const m = stripAnsi(msg);
      if (capture && m.startsWith('[query] ')) capture.push(m.slice(8).replace(/ \[took \d+ ms.*\]$/, ''));
    },
  });
  // Only what the usage reads use of the process services: the ORM and the usage time zone of the generated days.
  const services = { orm, config: { usageTimezone: 'UTC' } } as unknown as AppServices;
  const admin = { kind: 'caller' as const, user: { id: 1, username: 'bench-user-1', role: 'ADMIN' as const, via: 'session' as const }, ip: null, userAgent: null };
  const ctx = (): ServiceContext => ({ em: orm.em.fork(), actor: admin, services });
  // "now" is the end of the generated range's last hour, so "today" and the last 30 days have traffic.
  const now = Date.parse(`${opts.lastDay}T23:00:00Z`);
  const figures: QueryFigure[] = [];
  try {
    for (const c of cases(opts.lastDay, now)) {
      for (let i = 0; i < 3; i++) await c.run(ctx);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await c.run(ctx);
        times.push(performance.now() - t);
      }
      capture = [];
      await c.run(ctx);
      const sqls = capture;
      capture = null;
      times.sort((a, b) => a - b);
      const plan = await planOf(orm, sqls.slice(0, 3));
      figures.push({ name: c.name, page: c.page, p50: pct(times, 50), p95: pct(times, 95), max: times[times.length - 1], plan });
      log(`${c.name}: p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms; ${plan.join(' | ')}`);
    }
  } finally {
    await orm.close(true);
  }
  return figures;
}
