/**
 * kill -9 of the control plane while its usage ingester is in the middle of a batch. 60 requests
 * through a proxy; request_logs is held by a `LOCK TABLES … WRITE` session so the ingester's batch
 * transaction cannot finish; once the usage group shows entries read but unacknowledged
 * (pendingCount > 0: the ingester is mid-batch), the control plane gets SIGKILL, the lock is
 * released, and a new control plane starts. Its ingester must claim the dead consumer's batch and
 * bill every request exactly once: rows, tokens and micro-USD equal to what the mock reported.
 *
 * Private MariaDB and Redis (the lock and the kill disturb nothing else).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allUsageStreams, computeCost, DEFAULT_USAGE_STREAM_PARTITIONS, parseRate, USAGE_GROUP, usdToMicro } from '@relay/core';
import { createHotStore, type HotStore } from '@relay/hot-store';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { testDatabaseUrl, testRedisUrl } from '@relay/testkit';
import { startPrivateMariadb, startPrivateRedis, type PrivateMariadb, type PrivateService } from '@relay/testkit/private-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneProcess, gqlClient, proxyProcess, until, type AppProcess } from './processes.ts';
import { planJobs, sendAttempt, UsageLedger, type ModelSpec } from './traffic.ts';

const TOTAL = 60;
const MODEL: ModelSpec = { model: 'claude-sonnet-4-20250514', format: 'anthropic', price: { input: '3.3', output: '16.5', cacheWrite: '4.125', cacheRead: '0.33' } };
const RATE = '1.25';
const enabled = !!(testDatabaseUrl() && testRedisUrl());

/** Entries read but unacknowledged by the ingester group, over every usage stream partition (a missing group counts 0). */
async function pendingUsage(store: HotStore): Promise<number> {
  const counts = await Promise.all(allUsageStreams(DEFAULT_USAGE_STREAM_PARTITIONS).map((s) => store.pendingCount(s, USAGE_GROUP).catch(() => 0)));
  return counts.reduce((a, b) => a + b, 0);
}

/** A `mariadb` client session kept open on stdin, so a table lock lives until `release()`. */
function lockSession(port: number, database: string, table: string): { release(): Promise<void>; child: ChildProcess } {
  const child = spawn('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uroot', database], { stdio: ['pipe', 'ignore', 'inherit'] });
  child.stdin!.write(`LOCK TABLES \`${table}\` WRITE;\n`);
  return {
    child,
    release: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin!.end('UNLOCK TABLES;\n');
    }),
  };
}

describe.runIf(enabled)('control plane SIGKILL mid-ingest', () => {
  const adminPassword = 'kill-mid-ingest-admin-1';
  const ledger = new UsageLedger();
  const dirs: string[] = [];
  let mock: MockUpstream;
  let redis: PrivateService;
  let db: PrivateMariadb;
  let cp: AppProcess;
  let proxy: AppProcess;
  let store: HotStore;
  let apiKey: { id: string; key: string };
  let cpDir: string;

  const tempDir = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), `relay-kill-${name}-`));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    mock = await startMockUpstream();
    mock.setResponder(ledger.responder);
    [redis, db] = await Promise.all([startPrivateRedis(), startPrivateMariadb({ database: 'relay' })]);
    store = createHotStore({ redisUrl: redis.url });
    cpDir = tempDir('cp');
    cp = await controlPlaneProcess({ databaseUrl: db.url, redisUrl: redis.url, dataDir: cpDir, adminPassword });
    const gql = gqlClient(cp.url);
    const login = async (u: string, p: string) => (await gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u, p })).login.token;
    const admin = await login('admin', adminPassword);
    await gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: MODEL.model, ...MODEL.price } }, admin);
    await gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', { i: { name: 'mock', platform: 'CLAUDE_CONSOLE', apiKey: 'sk-ant-mock-upstream', baseUrl: mock.url } }, admin);
    await gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username: 'kill-user', password: 'kill-user-password', priceRate: RATE, role: 'USER' } }, admin);
    const created = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id } } }', { i: { name: 'kill' } }, await login('kill-user', 'kill-user-password'));
    apiKey = { id: created.createApiKey.apiKey.id, key: created.createApiKey.key };
    proxy = await proxyProcess('proxy', { redisUrl: redis.url, dataDir: tempDir('proxy') });
    await until('the proxy to serve the key', 20_000, async () => {
      const res = await fetch(`${proxy.url}/v1/models`, { headers: { authorization: `Bearer ${apiKey.key}` } });
      return res.ok && ((await res.json()) as { data: { id: string }[] }).data.some((d) => d.id === MODEL.model) ? true : undefined;
    });
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await cp?.close();
    await store?.close();
    await Promise.all([redis?.close(), db?.close(), mock?.close()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('bills every request exactly once after the control plane is killed with its batch uncommitted', async () => {
    const lock = lockSession(db.port, 'relay', 'request_logs');
    // The lock is in force once the server lists request_logs as in use.
    await until('the table lock', 10_000, async () => ((await db.query('show open tables from relay where In_use > 0')).some((r) => r[1] === 'request_logs') ? true : undefined));

    const jobs = planJobs(TOTAL, 7, 1, [MODEL]);
    const results = await Promise.all(jobs.map((job) => sendAttempt(proxy.url, apiKey.key, job, `kill-${job.index}`)));
    expect(results.filter((r) => !r.ok)).toEqual([]);

    // Mid-batch: the control plane's consumer has read a batch and acknowledged none of it (its transaction waits for the lock).
    const pending = await until('the ingester to hold a batch unacknowledged', 60_000, async () => {
      const n = await pendingUsage(store);
      return n > 0 ? n : undefined;
    });
    console.log(`kill-mid-ingest: SIGKILL with ${pending} entries pending`);

    await cp.stop('SIGKILL');
    await lock.release();
    cp = await controlPlaneProcess({ databaseUrl: db.url, redisUrl: redis.url, dataDir: cpDir, adminPassword });

    await until('every request to be stored', 90_000, async () => {
      const n = Number((await db.query('select count(*) from request_logs'))[0][0]);
      return n >= TOTAL && (await pendingUsage(store)) === 0 ? n : undefined;
    });
    const rows = await db.query('select request_id, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, total_cost, base_cost from request_logs');
    expect(rows).toHaveLength(TOTAL);
    expect(new Set(rows.map((r) => r[0])).size).toBe(TOTAL);
    expect(rows.map((r) => r[0]).sort()).toEqual(results.map((r) => r.requestId).sort());

    const price = { input: usdToMicro(MODEL.price.input), output: usdToMicro(MODEL.price.output), cacheWrite: usdToMicro(MODEL.price.cacheWrite), cacheRead: usdToMicro(MODEL.price.cacheRead) };
    const want = { tokens: [0, 0, 0, 0], cost: 0, base: 0 };
    for (const job of jobs) {
      const u = ledger.reported.get(`kill-${job.index}`)!;
      const usage = { inputTokens: u.input, outputTokens: u.output, cacheCreationInputTokens: u.cacheCreation ?? 0, cacheReadInputTokens: u.cacheRead ?? 0 };
      const c = computeCost(usage, price, parseRate(RATE));
      want.tokens = want.tokens.map((t, i) => t + [usage.inputTokens, usage.outputTokens, usage.cacheCreationInputTokens, usage.cacheReadInputTokens][i]);
      want.cost += c.rated.totalCost;
      want.base += c.base.totalCost;
    }
    const got = { tokens: [1, 2, 3, 4].map((i) => rows.reduce((s, r) => s + Number(r[i]), 0)), cost: rows.reduce((s, r) => s + Number(r[5]), 0), base: rows.reduce((s, r) => s + Number(r[6]), 0) };
    expect(got).toEqual(want);
    // The rollups and the key's counters count each request once too.
    const [daily] = await db.query('select sum(requests), sum(cost), sum(base_cost) from usage_daily');
    expect(daily.map(Number)).toEqual([TOTAL, want.cost, want.base]);
    const [key] = await db.query(`select request_count, cost_used from api_keys where id = ${Number(apiKey.id)}`);
    expect(key.map(Number)).toEqual([TOTAL, want.cost]);
  }, 300_000);
});
