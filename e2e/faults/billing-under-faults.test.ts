/**
 * Acceptance of the usage pipeline under faults: 1,000 requests through two proxy processes
 * (mixed models, users with different price rates, SDK and fetch, stream and not) while the
 * control plane is SIGKILLed and restarted, MariaDB is down for 20 s and Redis is restarted (empty:
 * no persistence). At the end request_logs must hold exactly one row per successful response,
 * with the tokens the mock reported and the cost computeCost gives, to the micro-dollar.
 *
 * Everything runs on PRIVATE MariaDB and Redis instances, so stopping them disturbs nothing else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeCost, parseRate, usdToMicro, type ModelPrice } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { testDatabaseUrl, testRedisUrl } from '@relay/testkit';
import { startPrivateMariadb, startPrivateRedis, type PrivateMariadb, type PrivateService } from '@relay/testkit/private-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneProcess, gqlClient, proxyProcess, type AppProcess } from './processes.ts';
import { attemptFromError, planJobs, sendAttempt, UsageLedger, type Attempt, type Job, type ModelSpec } from './traffic.ts';

const TOTAL = 1000;
const CONCURRENCY = 10;
/** Job i does not start before t0 + i × PACE_MS, so the faults land in the middle of the traffic. */
const PACE_MS = 40;
const SEED = 20_240_611;
const MYSQL_DOWN_MS = 20_000;
/** The control plane is killed this long before MariaDB comes back. */
const CP_KILL_AFTER_MS = 12_000;
const REDIS_DOWN_MS = 3000;
const INGEST_DEADLINE_MS = 90_000;

/** Prices differ from the control plane's built-in defaults, so a default slipping through would show. */
const MODELS: ModelSpec[] = [
  { model: 'claude-sonnet-4-20250514', format: 'anthropic', price: { input: '3.3', output: '16.5', cacheWrite: '4.125', cacheRead: '0.33' } },
  { model: 'claude-3-5-haiku-20241022', format: 'anthropic', price: { input: '0.85', output: '4.25', cacheWrite: '1.0625', cacheRead: '0.085' } },
  { model: 'gpt-4o-mini', format: 'openai', price: { input: '0.165', output: '0.66', cacheWrite: '0', cacheRead: '0.0825' } },
];
/** Users and their price rates; the second one's key has an RPM limit, so its admission needs Redis. */
const USERS = [
  { username: 'fault-alice', rate: '1', rpm: null },
  { username: 'fault-bob', rate: '1.5', rpm: 1_000_000 },
  { username: 'fault-carol', rate: '0.85', rpm: null },
] as const;

const priceOf = (m: ModelSpec): ModelPrice => ({
  input: usdToMicro(m.price.input), output: usdToMicro(m.price.output), cacheWrite: usdToMicro(m.price.cacheWrite), cacheRead: usdToMicro(m.price.cacheRead),
});

interface Success { job: Job; marker: string; requestId: string; at: number }
interface Rejection { job: Job; marker: string; attempt: Attempt; at: number }
interface FaultWindow { name: string; from: number; to: number }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enabled = !!(testDatabaseUrl() && testRedisUrl());

describe.runIf(enabled)('billing under faults (private MariaDB + Redis, control plane and proxies as processes)', () => {
  const adminPassword = 'faults-admin-password-1';
  const ledger = new UsageLedger();
  let mock: MockUpstream;
  let redis: PrivateService;
  let db: PrivateMariadb;
  let cp: AppProcess;
  const proxies: AppProcess[] = [];
  const dirs: string[] = [];
  const keys: { id: string; key: string }[] = [];

  const tempDir = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), `relay-faults-${name}-`));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    mock = await startMockUpstream();
    mock.setResponder(ledger.responder);
    [redis, db] = await Promise.all([startPrivateRedis(), startPrivateMariadb({ database: 'relay' })]);
    cp = await controlPlaneProcess({ databaseUrl: db.url, redisUrl: redis.url, dataDir: tempDir('cp'), adminPassword });

    const gql = gqlClient(cp.url);
    const login = async (u: string, p: string) =>
      (await gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u, p })).login.token;
    const admin = await login('admin', adminPassword);
    for (const m of MODELS) {
      await gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: m.model, ...m.price } }, admin);
    }
    for (const [platform, apiKey] of [['CLAUDE_CONSOLE', 'sk-ant-mock-upstream'], ['OPENAI', 'sk-openai-mock-upstream']]) {
      await gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', { i: { name: `mock ${platform}`, platform, apiKey, baseUrl: mock.url } }, admin);
    }
    for (const u of USERS) {
      const password = `${u.username}-password`;
      await gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username: u.username, password, priceRate: u.rate, role: 'USER' } }, admin);
      const token = await login(u.username, password);
      const created = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
        'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id } } }',
        { i: { name: 'faults', ...(u.rpm ? { rpm: u.rpm } : {}) } },
        token,
      );
      keys.push({ id: created.createApiKey.apiKey.id, key: created.createApiKey.key });
    }

    proxies.push(...(await Promise.all([
      proxyProcess('proxy-a', { redisUrl: redis.url, dataDir: tempDir('proxy-a') }),
      proxyProcess('proxy-b', { redisUrl: redis.url, dataDir: tempDir('proxy-b') }),
    ])));
    // Serving starts once both proxies know every key, account and price (the snapshot is in force).
    // The control plane ships default prices for many models; ours must be among them.
    const want = MODELS.map((m) => m.model).sort().join(',');
    for (const p of proxies) {
      for (const k of keys) {
        const deadline = Date.now() + 15_000;
        for (let seen = ''; seen !== want; await sleep(100)) {
          if (Date.now() > deadline) throw new Error(`${p.label} never listed ${want} for key ${k.id} (saw "${seen}")`);
          const res = await fetch(`${p.url}/v1/models`, { headers: { authorization: `Bearer ${k.key}` } });
          const listed = res.ok ? ((await res.json()) as { data: { id: string }[] }).data.map((d) => d.id) : [];
          seen = res.ok ? MODELS.map((m) => m.model).filter((m) => listed.includes(m)).sort().join(',') : `HTTP ${res.status}`;
        }
      }
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await cp?.close();
    await Promise.all([redis?.close(), db?.close(), mock?.close()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('1,000 successful requests → exactly 1,000 rows with the mock tokens and the exact cost, through CP kill, MariaDB outage and Redis restart', async () => {
    const jobs = planJobs(TOTAL, SEED, USERS.length, MODELS);
    const successes: Success[] = [];
    const rejections: Rejection[] = [];
    const faults: FaultWindow[] = [];
    const waiters: { n: number; resolve: () => void }[] = [];
    const reached = (n: number) => new Promise<void>((resolve) => (successes.length >= n ? resolve() : waiters.push({ n, resolve })));
    const t0 = Date.now();

    let inFlight = 0;
    let gate: Promise<void> | null = null;
    const rowCount = async () => Number((await db.query('select count(*) from request_logs'))[0][0]);
    const waitForRows = async (n: number, ms: number, why: string) => {
      const deadline = Date.now() + ms;
      while ((await rowCount()) < n) {
        if (Date.now() > deadline) throw new Error(`${why}: request_logs still below ${n} rows after ${ms} ms\n${cp.tail(20)}`);
        await sleep(100);
      }
    };

    // Faults, each once the given number of requests has succeeded.
    // 1. Redis stopped for 3 s and started again EMPTY (no persistence): stream, consumer group and
    //    snapshot are gone; the proxies keep serving meanwhile. A non-persistent Redis loses every
    //    event not yet committed by the ingester when it goes down (a known limitation of running
    //    Redis without AOF — see the report), so only for the instant of the stop the test lets the
    //    requests in flight finish and the ingester catch up; traffic resumes before Redis is back.
    //    The ingester must then resume by itself (no control-plane restart in between).
    // 2. MariaDB down for 20 s; 8 s into it the control plane is SIGKILLed mid-ingest (its ingester
    //    holds a batch it could not commit) and restarted once the database is back (it cannot boot
    //    without it); the dead consumer's pending batch is claimed by the new one.
    const faultRun = (async () => {
      await reached(200);
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      while (inFlight > 0) await sleep(10);
      await waitForRows(successes.length, 20_000, 'before the Redis restart');
      const redisFrom = Date.now();
      await redis.stop();
      gate = null;
      release();
      await sleep(REDIS_DOWN_MS);
      await redis.start();
      faults.push({ name: 'redis down, restarted empty', from: redisFrom, to: Date.now() });
      await waitForRows(successes.length, 20_000, 'after the Redis restart (ingester must recreate its consumer group)');

      await reached(350);
      const dbFrom = Date.now();
      await db.stop();
      await sleep(MYSQL_DOWN_MS - CP_KILL_AFTER_MS);
      const cpFrom = Date.now();
      await cp.stop('SIGKILL');
      await sleep(CP_KILL_AFTER_MS);
      await db.start();
      faults.push({ name: 'mariadb stopped', from: dbFrom, to: Date.now() });
      await cp.restart();
      faults.push({ name: 'control plane SIGKILL mid-ingest + restart', from: cpFrom, to: Date.now() });
    })();

    let next = 0;
    const worker = async (w: number) => {
      for (;;) {
        const job = jobs[next++];
        if (!job) return;
        const wait = t0 + job.index * PACE_MS - Date.now();
        if (wait > 0) await sleep(wait);
        for (let attempt = 1; ; attempt++) {
          while (gate) await gate;
          const marker = `j${job.index}-a${attempt}`;
          const proxy = proxies[(job.index + attempt) % proxies.length];
          let result: Attempt;
          inFlight++;
          try {
            result = await sendAttempt(proxy.url, keys[job.user].key, job, marker);
          } catch (err) {
            result = attemptFromError(err);
          } finally {
            inFlight--;
          }
          if (result.ok && result.requestId) {
            successes.push({ job, marker, requestId: result.requestId, at: Date.now() });
            for (let i = waiters.length - 1; i >= 0; i--) {
              if (successes.length >= waiters[i].n) waiters.splice(i, 1)[0].resolve();
            }
            break;
          }
          rejections.push({ job, marker, attempt: result, at: Date.now() });
          if (attempt >= 100) throw new Error(`job ${job.index} (worker ${w}) failed 100 times; last: ${JSON.stringify(result)}`);
          await sleep(100);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
    const trafficMs = Date.now() - t0;
    await faultRun;
    const byStatus: Record<string, number> = {};
    for (const r of rejections) byStatus[r.attempt.status] = (byStatus[r.attempt.status] ?? 0) + 1;
    console.log(`faults: traffic ${trafficMs} ms; ${faults.map((f) => `${f.name} ${f.from - t0}..${f.to - t0} ms`).join('; ')}; refused attempts by status ${JSON.stringify(byStatus)}`);

    expect(successes).toHaveLength(TOTAL);
    expect(new Set(successes.map((s) => s.requestId)).size).toBe(TOTAL);
    // The faults really happened during the traffic, not after it.
    expect(faults.map((f) => f.name)).toHaveLength(3);
    for (const f of faults) expect(f.from - t0).toBeLessThan(trafficMs);

    // Behaviour while the hot store is down (apps/proxy README, "Limits"): keys without limits need no
    // store round trip and are served from memory; a key with limits cannot be admitted (admission is
    // one atomic store script), so it fails closed with a retryable 503 in its client's format.
    // Control-plane and MariaDB outages refuse nothing.
    const redisFault = faults[0];
    const context = JSON.stringify({ faults: faults.map((f) => ({ ...f, from: f.from - t0, to: f.to - t0 })), rejections: rejections.slice(0, 10).map((r) => ({ ...r, at: r.at - t0, job: r.job.index })) });
    for (const r of rejections) {
      expect(USERS[r.job.user].rpm, context).not.toBeNull();
      expect(r.at, context).toBeGreaterThanOrEqual(redisFault.from);
      expect(r.at, context).toBeLessThanOrEqual(redisFault.to + 3000);
      expect(r.attempt.status, context).toBe(503);
    }
    // A refused request never reached the upstream, so nothing was billed for it.
    const refusedMarkers = new Set(rejections.map((r) => r.marker));
    expect(mock.requests.filter((q) => [...refusedMarkers].some((m) => q.rawBody.includes(`[fault-marker:${m}]`)))).toEqual([]);

    // The ingester catches up: poll request_logs with a deadline.
    const deadline = Date.now() + INGEST_DEADLINE_MS;
    let count = 0;
    while (Date.now() < deadline) {
      count = Number((await db.query('select count(*) from request_logs'))[0][0]);
      if (count >= TOTAL) break;
      await sleep(250);
    }
    console.log(`faults: ${count} rows ingested ${Date.now() - t0} ms after the start`);
    if (count !== TOTAL) {
      // Name the requests that never arrived and when they finished, relative to the faults.
      const stored = new Set((await db.query('select request_id from request_logs')).map((r) => r[0]));
      const missing = successes.filter((s) => !stored.has(s.requestId)).slice(0, 20).map((s) => ({ requestId: s.requestId, job: s.job.index, finishedAtMs: s.at - t0 }));
      expect.fail(`request_logs has ${count} rows, want ${TOTAL}, ${INGEST_DEADLINE_MS} ms after the traffic; faults ${context}; missing ${JSON.stringify(missing)}; control plane log tail:\n${cp.tail(30)}`);
    }

    const rows = await db.query(
      'select request_id, user_id, api_key_id, model, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, ' +
        'input_cost, output_cost, total_cost, base_input_cost, base_output_cost, base_cost, price_rate, price_input, price_output, price_cache_write, price_cache_read, stream ' +
        'from request_logs',
    );
    expect(rows).toHaveLength(TOTAL);
    const byRequest = new Map(successes.map((s) => [s.requestId, s]));
    const sums = { mock: [0, 0, 0, 0], rows: [0, 0, 0, 0] };
    for (const row of rows) {
      const [requestId, , apiKeyId, model, ...rest] = row;
      const n = rest.slice(0, 10).map(Number);
      const s = byRequest.get(requestId);
      expect(s, `row ${requestId} belongs to no successful response`).toBeDefined();
      byRequest.delete(requestId);
      const reported = ledger.reported.get(s!.marker)!;
      const usage = { inputTokens: reported.input, outputTokens: reported.output, cacheCreationInputTokens: reported.cacheCreation ?? 0, cacheReadInputTokens: reported.cacheRead ?? 0 };
      expect({ apiKeyId, model, stream: row[19] === '1' }).toEqual({ apiKeyId: keys[s!.job.user].id, model: s!.job.model.model, stream: s!.job.stream });
      expect(n.slice(0, 4)).toEqual([usage.inputTokens, usage.outputTokens, usage.cacheCreationInputTokens, usage.cacheReadInputTokens]);
      const price = priceOf(s!.job.model);
      const cost = computeCost(usage, price, parseRate(USERS[s!.job.user].rate));
      expect(n.slice(4, 10), `cost of ${requestId}`).toEqual([
        cost.rated.inputCost, cost.rated.outputCost, cost.rated.totalCost, cost.base.inputCost, cost.base.outputCost, cost.base.totalCost,
      ]);
      expect(parseRate(rest[10])).toBe(parseRate(USERS[s!.job.user].rate));
      expect(rest.slice(11, 15).map(Number)).toEqual([price.input, price.output, price.cacheWrite, price.cacheRead]);
      for (let i = 0; i < 4; i++) {
        sums.rows[i] += n[i];
        sums.mock[i] += [usage.inputTokens, usage.outputTokens, usage.cacheCreationInputTokens, usage.cacheReadInputTokens][i];
      }
    }
    expect(byRequest.size).toBe(0);
    // Token sums per kind equal what the mock reported for the successful requests.
    expect(sums.rows).toEqual(sums.mock);
    const reportedForSuccesses = successes.map((s) => ledger.reported.get(s.marker)!);
    expect(sums.mock[0]).toBe(reportedForSuccesses.reduce((a, u) => a + u.input, 0));
    expect(sums.mock[1]).toBe(reportedForSuccesses.reduce((a, u) => a + u.output, 0));

    // Rollups and key counters equal the raw rows (nothing counted twice by redeliveries).
    const perKey = `select api_key_id, model, count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_input_tokens), sum(cache_read_input_tokens), sum(total_cost), sum(base_cost)
      from request_logs group by api_key_id, model order by api_key_id, model`;
    const perKeyDaily = `select api_key_id, model, sum(requests), sum(input_tokens), sum(output_tokens), sum(cache_creation_input_tokens), sum(cache_read_input_tokens), sum(cost), sum(base_cost)
      from usage_daily group by api_key_id, model order by api_key_id, model`;
    expect(await db.query(perKeyDaily)).toEqual(await db.query(perKey));
    const keyCounters = await db.query('select id, request_count, tokens_used, cost_used from api_keys order by id');
    const fromLogs = await db.query('select api_key_id, count(*), sum(total_tokens), sum(total_cost) from request_logs group by api_key_id order by api_key_id');
    expect(keyCounters).toEqual(fromLogs);
  }, 240_000);
});
