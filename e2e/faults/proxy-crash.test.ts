/**
 * Acceptance of crash-safe leases and usage: a key with concurrency 5 has 5 streams open on proxy
 * A (a separate process) that have produced tokens; A is SIGKILLed. Within 15 s the key is served
 * at full concurrency by proxy B (sharing Redis), and the control plane (MariaDB) records the 5
 * orphaned requests once each, as `interrupted`, with at least the tokens A checkpointed; their
 * budget reservations are settled to the actual cost. Replaying the checkpoints and a late normal
 * event for the same request ids changes no sum.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import {
  completeUsageEvent, computeCost, decodeCheckpoint, encodeUsageEvent, hotKeys, parseRate, usdToMicro, type InflightCheckpoint,
} from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestControlPlane, testDatabaseUrl, testRedisUrl, uniqueSuffix, type TestControlPlane } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyProcess, until, type AppProcess } from './processes.ts';

const MODEL = 'claude-sonnet-4-20250514';
const PRICE = { input: '3', output: '15', cacheWrite: '3.75', cacheRead: '0.3' };
const RATE = '1.5';
const CONCURRENCY = 5;
const INPUT_TOKENS = 25;
/** Proxies must free a dead proxy's slots within this time. */
const RECOVERY_MS = 15_000;

const redisUrl = testRedisUrl();
const enabled = !!(redisUrl && testDatabaseUrl());

describe.runIf(enabled)('a proxy killed with 5 open streams (MariaDB control plane, two proxy processes on Redis)', () => {
  let mock: MockUpstream;
  let cp: TestControlPlane;
  let proxyA: AppProcess;
  let proxyB: AppProcess;
  let keyId: string;
  let apiKey: string;
  const dirs: string[] = [];

  const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
    cp.orm.em.fork().getConnection().execute<T[]>(query, params, 'all');
  const client = (proxy: AppProcess) => new Anthropic({ apiKey, baseURL: proxy.url, maxRetries: 0 });
  const ask = (proxy: AppProcess, marker: string) =>
    client(proxy).messages.create({ model: MODEL, max_tokens: 1024, stream: true, messages: [{ role: 'user', content: marker }] });

  beforeAll(async () => {
    mock = await startMockUpstream();
    // "slow": 20 s of tokens; "short": 2 s; anything else answers at once.
    mock.setResponder((req) => {
      const text = JSON.stringify(req.body?.messages ?? '');
      if (text.includes('slow')) return { text: 'tok '.repeat(400), chunks: 400, chunkDelayMs: 50, usage: { input: INPUT_TOKENS, output: 400 } };
      if (text.includes('short')) return { text: 'tok '.repeat(20), chunks: 20, chunkDelayMs: 100, usage: { input: INPUT_TOKENS, output: 20 } };
      return { text: 'ok', usage: { input: INPUT_TOKENS, output: 1 } };
    });
    cp = await startTestControlPlane({ db: 'mysql', redisUrl });
    const gql = async <T>(q: string, v: Record<string, unknown>, token = cp.adminToken): Promise<T> => {
      const r = await cp.gql<T>(q, v, token);
      if (!r.data) throw new Error(JSON.stringify(r.errors));
      return r.data;
    };
    await gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: MODEL, ...PRICE } });
    await gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', { i: { name: 'console at mock', platform: 'CLAUDE_CONSOLE', apiKey: 'sk-ant-crash', baseUrl: mock.url } });
    const username = `crash-${uniqueSuffix()}`;
    await gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password: 'crash-pass-1', priceRate: RATE, role: 'USER' } });
    const { login } = await gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: 'crash-pass-1' });
    const { createApiKey } = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id } } }',
      { i: { name: 'crash', concurrency: CONCURRENCY, totalCostLimit: '100' } }, login.token,
    );
    keyId = createApiKey.apiKey.id;
    apiKey = createApiKey.key;

    // The test control plane was given both secrets, so they are set.
    const env = { HOT_STORE_PREFIX: cp.hotStorePrefix, API_KEY_SECRET: cp.config.apiKeySecret!, ENCRYPTION_KEY: cp.config.encryptionKey! };
    const dir = (name: string) => {
      const d = mkdtempSync(join(tmpdir(), `relay-crash-${name}-`));
      dirs.push(d);
      return d;
    };
    [proxyA, proxyB] = await Promise.all([
      proxyProcess('proxy-a', { redisUrl: redisUrl!, dataDir: dir('a'), env }),
      proxyProcess('proxy-b', { redisUrl: redisUrl!, dataDir: dir('b'), env }),
    ]);
    for (const p of [proxyA, proxyB]) {
      await until(`${p.label} to know the key`, 15_000, async () => {
        const res = await fetch(`${p.url}/v1/models`, { headers: { 'x-api-key': apiKey } });
        return res.ok ? true : undefined;
      });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all([proxyA?.close(), proxyB?.close()]);
    await cp?.close();
    await mock?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** The interrupted rows, by request id. */
  const interruptedRows = async () =>
    sql<{ request_id: string; input_tokens: number; output_tokens: number; total_cost: number | string; status: number; outcome: string }>(
      "select request_id, input_tokens, output_tokens, total_cost, status, outcome from request_logs where api_key_id = ? and outcome = 'interrupted' order by request_id",
      [Number(keyId)],
    );
  /** Sum of what the key was charged, from the rows, the rollups and the key's own counter. */
  const sums = async () => {
    const [logs] = await sql<{ n: number | string; cost: number | string; tokens: number | string }>(
      'select count(*) as n, coalesce(sum(total_cost), 0) as cost, coalesce(sum(total_tokens), 0) as tokens from request_logs where api_key_id = ?', [Number(keyId)]);
    const [daily] = await sql<{ cost: number | string; requests: number | string }>(
      'select coalesce(sum(cost), 0) as cost, coalesce(sum(requests), 0) as requests from usage_daily where api_key_id = ?', [Number(keyId)]);
    const [key] = await sql<{ cost: number | string; requests: number | string }>('select cost_used as cost, request_count as requests from api_keys where id = ?', [Number(keyId)]);
    return {
      rows: Number(logs.n), cost: Number(logs.cost), tokens: Number(logs.tokens),
      dailyCost: Number(daily.cost), dailyRequests: Number(daily.requests), keyCost: Number(key.cost), keyRequests: Number(key.requests),
      /** The hot budget counter the admission reserves against. */
      reservedCounter: Number((await cp.store.get(hotKeys.keyCostTotal(keyId))) ?? 0),
    };
  };
  /** Sends one quick request on B and waits until its row is stored: every event published before it is ingested too. */
  const sentinel = async () => {
    const { response } = await client(proxyB).messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'sentinel' }] }).withResponse();
    const requestId = response.headers.get('x-request-id')!;
    await until('the sentinel row', 20_000, async () => ((await sql('select 1 from request_logs where request_id = ?', [requestId])).length ? true : undefined));
  };

  it('frees the key within 15 s, bills the 5 orphans once as interrupted, and a replay counts nothing twice', async () => {
    // 5 streams on A that have delivered tokens to their clients.
    const received = Array.from({ length: CONCURRENCY }, () => 0);
    const streams = await Promise.all(Array.from({ length: CONCURRENCY }, () => ask(proxyA, 'slow')));
    const drained = streams.map(async (stream, i) => {
      try {
        for await (const ev of stream) if (ev.type === 'content_block_delta') received[i]++;
      } catch {
        // The connection breaks when A is killed.
      }
    });
    await until('each stream to deliver tokens', 10_000, async () => (received.every((n) => n >= 5) ? true : undefined), 20);
    // The key is at its limit across proxies: B refuses a sixth stream.
    await expect(ask(proxyB, 'slow')).rejects.toMatchObject({ status: 429 });

    // A's checkpoints: one per stream, with the prompt and the output produced so far.
    const { instanceId, checkpoints } = await until('A to checkpoint 5 streams with output', 5_000, async () => {
      for (const id of Object.keys(await cp.store.getHash(hotKeys.proxyInstances))) {
        const raw = await cp.store.getHash(hotKeys.proxyInflight(id));
        const decoded = Object.values(raw).map(decodeCheckpoint);
        if (decoded.length === CONCURRENCY && decoded.every((c) => c.draft.outputTokens >= 5)) return { instanceId: id, checkpoints: raw };
      }
      return undefined;
    }, 50);
    const checkpointed = new Map<string, InflightCheckpoint>(Object.entries(checkpoints).map(([id, raw]) => [id, decodeCheckpoint(raw)]));
    for (const c of checkpointed.values()) expect(c.draft.inputTokens).toBe(INPUT_TOKENS);

    await proxyA.stop('SIGKILL');
    const killedAt = Date.now();
    await Promise.all(drained);

    // Within 15 s the key serves again on B at full concurrency: 5 streams accepted together, a 6th refused.
    const open = await until('B to accept 5 concurrent streams', RECOVERY_MS + 2_000, async () => {
      const attempt = await Promise.allSettled(Array.from({ length: CONCURRENCY }, () => ask(proxyB, 'short')));
      const accepted = attempt.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      if (accepted.length === CONCURRENCY) return accepted;
      for (const s of accepted) s.controller.abort();
      return undefined;
    }, 250);
    const recoveredMs = Date.now() - killedAt;
    await expect(ask(proxyB, 'short')).rejects.toMatchObject({ status: 429 });
    for (const s of open) for await (const _ of s) void _;
    console.info(`key served at full concurrency on B ${recoveredMs} ms after the kill`);
    expect(recoveredMs).toBeLessThan(RECOVERY_MS);

    // The orphans are billed once each, as interrupted, with at least the checkpointed tokens, at the right price.
    const rows = await until('5 interrupted rows', 20_000, async () => {
      const r = await interruptedRows();
      return r.length === CONCURRENCY ? r : undefined;
    });
    console.info('interrupted rows', rows.map((r) => ({ input: r.input_tokens, output: r.output_tokens, checkpointedOutput: checkpointed.get(r.request_id)!.draft.outputTokens, cost: Number(r.total_cost) })));
    expect(rows.map((r) => r.request_id).sort()).toEqual([...checkpointed.keys()].sort());
    const price = { input: usdToMicro(PRICE.input), output: usdToMicro(PRICE.output), cacheWrite: usdToMicro(PRICE.cacheWrite), cacheRead: usdToMicro(PRICE.cacheRead) };
    for (const row of rows) {
      const before = checkpointed.get(row.request_id)!;
      expect(row.input_tokens).toBe(INPUT_TOKENS);
      expect(row.output_tokens).toBeGreaterThanOrEqual(before.draft.outputTokens);
      expect(row.status).toBe(200);
      const usage = { inputTokens: row.input_tokens, outputTokens: row.output_tokens, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
      expect(Number(row.total_cost)).toBe(computeCost(usage, price, parseRate(RATE)).rated.totalCost);
    }
    // Admins see them as INTERRUPTED through GraphQL.
    const listed = await cp.gql<{ usageRecords: { items: { requestId: string; outcome: string }[] } }>(
      'query($f: UsageRecordFilter) { usageRecords(filter: $f, page: { limit: 100 }) { items { requestId outcome } } }', { f: { apiKeyId: keyId } }, cp.adminToken);
    expect(listed.data!.usageRecords.items.filter((r) => r.outcome === 'INTERRUPTED').map((r) => r.requestId).sort()).toEqual([...checkpointed.keys()].sort());
    await until("A's checkpoints to be gone", 10_000, async () => (Object.keys(await cp.store.getHash(hotKeys.proxyInflight(instanceId))).length === 0 ? true : undefined));

    // Every reservation is settled: the budget counter holds exactly what the rows charged.
    await sentinel();
    const settled = await sums();
    expect(settled.reservedCounter).toBe(settled.cost);
    expect(settled.keyCost).toBe(settled.cost);
    expect(settled.dailyCost).toBe(settled.cost);
    expect(settled.keyRequests).toBe(settled.rows);

    // Replay: the same checkpoints appear again (a reaper that died before deleting them), and a
    // late normal event for each request id arrives. Nothing counts twice.
    await cp.store.setHashFields(hotKeys.proxyInflight(instanceId), checkpoints);
    await cp.store.setHashFields(hotKeys.proxyInstances, { [instanceId]: '0' });
    for (const c of checkpointed.values()) {
      const late = completeUsageEvent({ ...c.draft, outputTokens: c.draft.outputTokens + 100 }, Date.now());
      await cp.store.streamAdd(hotKeys.usageStream, encodeUsageEvent(late));
    }
    await until('the replayed checkpoints to be reaped', 10_000, async () => (Object.keys(await cp.store.getHash(hotKeys.proxyInflight(instanceId))).length === 0 ? true : undefined));
    await sentinel();
    const after = await sums();
    const sentinelRow = (await sql<{ total_cost: number | string; total_tokens: number }>(
      'select total_cost, total_tokens from request_logs where api_key_id = ? order by id desc limit 1', [Number(keyId)]))[0];
    expect(after).toEqual({
      rows: settled.rows + 1, cost: settled.cost + Number(sentinelRow.total_cost), tokens: settled.tokens + sentinelRow.total_tokens,
      dailyCost: settled.dailyCost + Number(sentinelRow.total_cost), dailyRequests: settled.dailyRequests + 1,
      keyCost: settled.keyCost + Number(sentinelRow.total_cost), keyRequests: settled.keyRequests + 1,
      reservedCounter: settled.reservedCounter + Number(sentinelRow.total_cost),
    });
    expect(await interruptedRows()).toEqual(rows);
  }, 120_000);
});
