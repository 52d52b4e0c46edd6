import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayKey, microToUsd, usdToMicro } from '@relay/core';
import { ApiKey, RequestLog, UsageDaily, User } from '@relay/db';
import { startTestControlPlane, testDatabaseUrl, testRedisUrl, uniqueSuffix, type TestControlPlane } from '@relay/testkit';

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines in these fixtures) into cells. */
function cells(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (line[q + 1] === '"') {
          v += `${line.slice(i, q)}"`;
          i = q + 2;
        } else {
          v += line.slice(i, q);
          i = q + 2;
          break;
        }
      }
      out.push(v);
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

// A full collection before each RSS sample, so the figure is memory the export holds, not garbage V8 has not yet collected.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

interface Streamed { status: number; header: string[]; rows: number; sums: Record<string, bigint>; userIds: Set<string>; peakRssGrowth: number; peakHeapGrowth: number; body?: string; contentType: string | null }

/**
 * Reads an export as it streams, line by line, keeping only running sums (never the whole CSV),
 * and samples this process's RSS while it does.
 */
async function streamExport(cp: TestControlPlane, path: string, token?: string, sumColumns: string[] = []): Promise<Streamed> {
  collectGarbage();
  const before = process.memoryUsage();
  let peak = before.rss;
  let peakHeap = before.heapUsed;
  const res = await fetch(`${cp.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.headers.get('content-type')?.startsWith('text/csv')) return { status: res.status, header: [], rows: 0, sums: {}, userIds: new Set(), peakRssGrowth: 0, peakHeapGrowth: 0, body: await res.text(), contentType: res.headers.get('content-type') };
  const decoder = new TextDecoder();
  let rest = '';
  let header: string[] | null = null;
  let rows = 0;
  let sampledAt = 0;
  const sums: Record<string, bigint> = Object.fromEntries(sumColumns.map((c) => [c, 0n]));
  const userIds = new Set<string>();
  const take = (line: string) => {
    const row = cells(line);
    if (!header) {
      header = row;
      return;
    }
    rows++;
    userIds.add(row[header.indexOf('user_id')]);
    for (const c of sumColumns) {
      const v = row[header.indexOf(c)];
      sums[c] += c.endsWith('_usd') ? BigInt(usdToMicro(v)) : BigInt(v);
    }
  };
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true });
    const lines = rest.split('\r\n');
    rest = lines.pop()!;
    for (const l of lines) take(l);
    if (rows - sampledAt >= 10_000) {
      sampledAt = rows;
      collectGarbage();
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    }
  }
  expect(rest).toBe('');
  return { status: res.status, header: header ?? [], rows, sums, userIds, peakRssGrowth: peak - before.rss, peakHeapGrowth: peakHeap - before.heapUsed, contentType: res.headers.get('content-type') };
}

const MODELS = ['claude-sonnet-4-5', 'gpt-4.1', '=cmd|calc', 'gemini, "pro"'];

for (const kind of ['sqlite', 'mysql'] as const) {
  const run = kind === 'sqlite' || !!(testDatabaseUrl() && testRedisUrl());
  // 200,000 records on MariaDB (the acceptance size); a smaller set keeps the SQLite run quick.
  const total = kind === 'mysql' ? 200_000 : 5_000;
  describe.runIf(run)(`usage CSV export (${kind})`, () => {
    let cp: TestControlPlane;
    const today = dayKey(Date.now(), 'UTC');
    const users: { id: number; keyId: number; token: string; rows: number }[] = [];

    async function userWithToken() {
      const username = `u${uniqueSuffix()}`;
      const password = 'correct-horse-battery';
      const created = await cp.gql<{ createUser: { id: string } }>('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password, priceRate: '1.5' } }, cp.adminToken);
      const login = await cp.gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: password });
      const em = cp.orm.em.fork();
      const key = em.create(ApiKey, { user: em.getReference(User, Number(created.data!.createUser.id)), name: 'k', keyHash: uniqueSuffix().padEnd(64, '0').slice(0, 64), keyPrefix: 'sk-test' });
      await em.flush();
      return { id: Number(created.data!.createUser.id), keyId: key.id, token: login.data!.login.token, rows: 0 };
    }

    beforeAll(async () => {
      cp = await startTestControlPlane({ db: kind, redisUrl: kind === 'mysql' ? testRedisUrl() : undefined });
      users.push(await userWithToken(), await userWithToken());
      // Batched multi-row inserts, with the matching usage_daily rollups built alongside (as the ingester would).
      const rollups = new Map<string, UsageDaily>();
      // Today (UTC midnight): the retention job would delete older rows while the test runs.
      const start = Date.parse(`${today}T00:00:00Z`);
      const BATCH = 5_000;
      for (let b = 0; b < total; b += BATCH) {
        const em = cp.orm.em.fork();
        const logs = [];
        for (let i = b; i < Math.min(total, b + BATCH); i++) {
          const u = users[i % 3 === 0 ? 1 : 0];
          u.rows++;
          const model = MODELS[i % MODELS.length];
          const inputTokens = 100 + (i % 997);
          const outputTokens = 10 + (i % 89);
          const totalCost = 3 * inputTokens + 15 * outputTokens;
          // Several rows share a millisecond, so the keyset must break ties on id.
          logs.push({ requestId: `r${uniqueSuffix()}-${i}`, userId: u.id, apiKeyId: u.keyId, model, upstreamModel: model, endpoint: '/v1/messages', stream: true, status: i % 50 === 0 ? 429 : 200, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, totalCost, inputCost: 3 * inputTokens, outputCost: 15 * outputTokens, baseCost: Math.round(totalCost / 1.5), priceRate: '1.5000', createdAt: new Date(start + Math.floor(i / 4)), finishedAt: new Date(start + Math.floor(i / 4) + 5) });
          const k = `${u.id}|${model}`;
          const r = rollups.get(k) ?? Object.assign(new UsageDaily(), { day: today, userId: u.id, apiKeyId: u.keyId, model });
          r.requests += 1;
          r.inputTokens += inputTokens;
          r.outputTokens += outputTokens;
          r.totalTokens += inputTokens + outputTokens;
          r.cost += totalCost;
          r.baseCost += Math.round(totalCost / 1.5);
          rollups.set(k, r);
        }
        await em.insertMany(RequestLog, logs);
      }
      await cp.orm.em.fork().insertMany(UsageDaily, [...rollups.values()]);
    }, 300_000);
    afterAll(async () => {
      await cp?.close();
    });

    it(`streams all ${total} records with flat memory, and its sums equal usageSummary`, async () => {
      const got = await streamExport(cp, '/api/export/usage-records.csv?scope=PLATFORM', cp.adminToken, ['total_tokens', 'cost_usd', 'base_cost_usd']);
      expect(got.status).toBe(200);
      expect(got.rows).toBe(total);
      console.log(`[${kind}] exported ${got.rows} records; RSS peak growth ${(got.peakRssGrowth / 1e6).toFixed(1)} MB, live heap peak growth ${(got.peakHeapGrowth / 1e6).toFixed(1)} MB`);
      expect(got.peakRssGrowth).toBeLessThan(50 * 1024 * 1024);
      // Live objects after a full GC: would reach the CSV's size (tens of MB) if the export were buffered.
      expect(got.peakHeapGrowth).toBeLessThan(50 * 1024 * 1024);
      const summary = await cp.gql<{ usageSummary: { totalRequests: number; totalTokens: number; totalCost: string } }>('{ usageSummary(scope: PLATFORM) { totalRequests totalTokens totalCost } }', {}, cp.adminToken);
      expect({ totalRequests: got.rows, totalTokens: Number(got.sums.total_tokens), totalCost: microToUsd(Number(got.sums.cost_usd)) }).toEqual(summary.data!.usageSummary);
      expect(got.header).toContain('base_cost_usd');
      expect(got.header).toContain('price_rate');
    }, 300_000);

    it('gives a user only their own rows, without rate, base cost or account columns, and equal to their usageSummary', async () => {
      const alice = users[0];
      const got = await streamExport(cp, '/api/export/usage-records.csv', alice.token, ['total_tokens', 'cost_usd']);
      expect(got.rows).toBe(alice.rows);
      expect([...got.userIds]).toEqual([String(alice.id)]);
      for (const hidden of ['base_cost_usd', 'base_input_cost_usd', 'price_rate', 'price_input_per_million_usd', 'account_id']) expect(got.header).not.toContain(hidden);
      const summary = await cp.gql<{ usageSummary: { totalRequests: number; totalTokens: number; totalCost: string } }>('{ usageSummary { totalRequests totalTokens totalCost } }', {}, alice.token);
      expect({ totalRequests: got.rows, totalTokens: Number(got.sums.total_tokens), totalCost: microToUsd(Number(got.sums.cost_usd)) }).toEqual(summary.data!.usageSummary);

      const daily = await streamExport(cp, `/api/export/usage-daily.csv?from=${today}&to=${today}`, alice.token, ['requests', 'cost_usd']);
      expect(daily.header).not.toContain('base_cost_usd');
      expect(Number(daily.sums.requests)).toBe(alice.rows);
      expect(microToUsd(Number(daily.sums.cost_usd))).toBe(summary.data!.usageSummary.totalCost);
    }, 120_000);

    it('filters by model and time, and neutralises formula-like cells', async () => {
      const since = new Date(Date.parse(`${today}T00:00:00Z`) + 100).toISOString();
      const q = `/api/export/usage-records.csv?scope=PLATFORM&model=${encodeURIComponent('=cmd|calc')}&since=${since}`;
      const got = await streamExport(cp, q, cp.adminToken);
      const [{ n }] = await cp.orm.em.fork().getConnection().execute<{ n: number }[]>('select count(*) as n from request_logs where model = ? and created_at >= ?', ['=cmd|calc', new Date(since)]);
      expect(got.rows).toBe(Number(n));
      expect(got.rows).toBeGreaterThan(0);
      const text = await (await fetch(`${cp.url}/api/export/usage-daily.csv?scope=PLATFORM&from=${today}&to=${today}`, { headers: { authorization: `Bearer ${cp.adminToken}` } })).text();
      expect(text).toContain(",'=cmd|calc,");
      expect(text).toContain(',"gemini, ""pro""",');
    }, 120_000);

    it('prints every cell as the stored record reads: ISO times, true/false, the 4-decimal rate, exact dollars', async () => {
      const text = await (await fetch(`${cp.url}/api/export/usage-records.csv?scope=PLATFORM&model=gpt-4.1`, { headers: { authorization: `Bearer ${cp.adminToken}` } })).text();
      const [head, first] = text.split('\r\n').map(cells);
      const cell = (name: string) => first[head.indexOf(name)];
      const stored = await cp.orm.em.fork().findOneOrFail(RequestLog, { requestId: cell('request_id') });
      expect({
        created_at: cell('created_at'), finished_at: cell('finished_at'), stream: cell('stream'), price_rate: cell('price_rate'),
        cost_usd: cell('cost_usd'), base_cost_usd: cell('base_cost_usd'), status: cell('status'), first_token_ms: cell('first_token_ms'), error_type: cell('error_type'),
      }).toEqual({
        created_at: stored.createdAt.toISOString(), finished_at: stored.finishedAt.toISOString(), stream: 'true', price_rate: '1.5000',
        cost_usd: microToUsd(stored.totalCost), base_cost_usd: microToUsd(stored.baseCost), status: String(stored.status), first_token_ms: '', error_type: '',
      });
      expect(cell('created_at')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('answers 401 without a token, 403 for another user\'s usage and 400 for a bad date, as JSON', async () => {
      const none = await streamExport(cp, '/api/export/usage-records.csv');
      expect(none.status).toBe(401);
      expect(JSON.parse(none.body!).error.code).toBe('UNAUTHENTICATED');
      const other = await streamExport(cp, `/api/export/usage-records.csv?userId=${users[1].id}`, users[0].token);
      expect(other.status).toBe(403);
      const badDay = await streamExport(cp, '/api/export/usage-daily.csv?from=2026-02-30&to=2026-03-01', users[0].token);
      expect(badDay.status).toBe(400);
      expect(JSON.parse(badDay.body!).error.message).toMatch(/^from:/);
      const badInstant = await streamExport(cp, '/api/export/usage-records.csv?since=yesterday', users[0].token);
      expect(badInstant.status).toBe(400);
      expect(badInstant.body).not.toMatch(/at .*\.ts/);
    });
  });
}
