// Acceptance of "budgets survive an empty Redis": a key spends up to its daily limit through two
// proxies; a private Redis is then restarted empty, twice. The daily counter is gone each time, yet
// the key stays refused (402): the snapshot carries today's recorded spend as the counter's floor,
// and the control plane republishes it from the database as soon as it finds the store empty.
import Anthropic from '@anthropic-ai/sdk';
import type { ConfigSnapshot } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import {
  startTestControlPlane, startTestProxy, testDatabaseUrl, testRedisUrl, uniqueSuffix, usageReader,
  type TestControlPlane, type TestProxy, type UsageReader,
} from '@relay/testkit';
import { startPrivateRedis, type PrivateService } from '@relay/testkit/private-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MODEL = 'claude-sonnet-4-20250514';

function mustData<T>(r: { data: T | null; errors?: unknown }): T {
  if (!r.data) throw new Error(`GraphQL failed: ${JSON.stringify(r.errors)}`);
  return r.data;
}

describe.runIf(testRedisUrl())(`daily budget across Redis restarts (control plane on ${testDatabaseUrl() ? 'mysql' : 'sqlite'}, two proxies)`, () => {
  let redis: PrivateService;
  let mock: MockUpstream;
  let cp: TestControlPlane;
  const proxies: TestProxy[] = [];
  let usage: UsageReader;
  let key: string;
  let keyId: string;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    mock = await startMockUpstream();
    mock.setDefault({ outputEqualsMax: { whenAbsent: 64_000 } });
    cp = await startTestControlPlane({ db: testDatabaseUrl() ? 'mysql' : 'sqlite', redisUrl: redis.url });
    const config = { apiKeySecret: cp.config.apiKeySecret!, encryptionKey: cp.config.encryptionKey!, snapshotPollMs: 200 };
    proxies.push(
      await startTestProxy({ redisUrl: redis.url, prefix: cp.hotStorePrefix, config }),
      await startTestProxy({ redisUrl: redis.url, prefix: cp.hotStorePrefix, config }),
    );
    usage = await usageReader(cp.store);

    const username = `budget-${uniqueSuffix()}`;
    mustData(await cp.gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password: 'budget-pass-1', role: 'USER' } }, cp.adminToken));
    mustData(await cp.gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', { i: { name: 'claude at mock', platform: 'CLAUDE_CONSOLE', apiKey: 'sk-ant-budget', baseUrl: mock.url } }, cp.adminToken));
    mustData(await cp.gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: MODEL, input: '3', output: '15' } }, cp.adminToken));
    const { login } = mustData(await cp.gql<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: 'budget-pass-1' }));
    const { createApiKey } = mustData(await cp.gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id } } }', { i: { name: 'daily', dailyCostLimit: '0.1' } }, login.token,
    ));
    key = createApiKey.key;
    keyId = createApiKey.apiKey.id;
  }, 120_000);
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await cp?.close();
    await mock?.close();
    await redis?.close();
  });

  /** One request of 2000 output tokens (0.03 USD at most) through proxy `i`; resolves with its status. */
  async function ask(i: number): Promise<number> {
    const client = new Anthropic({ apiKey: key, baseURL: proxies[i % 2].url, maxRetries: 0 });
    try {
      await client.messages.create({ model: MODEL, max_tokens: 2000, messages: [{ role: 'user', content: 'hi' }] });
      return 200;
    } catch (e) {
      const status = (e as { status?: number }).status;
      if (typeof status !== 'number') throw e;
      return status;
    }
  }

  /** Today's spend of the key as the snapshot in the store carries it (null while the store has none). */
  async function floorInStore(): Promise<number | null> {
    const s = await cp.store.getSnapshot().catch(() => null);
    if (!s) return null;
    const k = Object.values((JSON.parse(s.json) as ConfigSnapshot).keys).find((x) => x.id === keyId);
    return k?.costToday?.amount ?? null;
  }

  /**
   * What proxy `i` answers once it reaches the restarted store again: while its connection is
   * still coming back it answers 503 (limits cannot be checked), which must never turn into a 200.
   */
  async function answerAfterRestart(i: number): Promise<number> {
    let last = 503;
    await expect.poll(async () => (last = await ask(i)), { timeout: 10_000, interval: 50 }).not.toBe(503);
    return last;
  }

  it('spends up to the limit, then stays refused after each of two empty restarts', async () => {
    const statuses: number[] = [];
    for (let i = 0; statuses.at(-1) !== 402; i++) {
      statuses.push(await ask(i));
      expect(statuses.length, `statuses so far: ${statuses.join(', ')}`).toBeLessThan(10);
    }
    const admitted = statuses.filter((s) => s === 200).length;
    expect(admitted).toBeGreaterThan(0);
    const spent = (await usage.next(admitted)).reduce((sum, e) => sum + e.totalCost, 0);
    // The control plane has ingested the spend and republished it as the key's floor for today.
    await expect.poll(floorInStore, { timeout: 30_000, interval: 100 }).toBe(spent);
    const upstreamCalls = mock.requests.length;

    for (const restart of [1, 2]) {
      await redis.restart();
      expect(await answerAfterRestart(restart)).toBe(402);
      expect(await answerAfterRestart(restart + 1)).toBe(402);
      // The control plane found the store empty and republished the floors from the database.
      await expect.poll(floorInStore, { timeout: 10_000, interval: 100 }).toBe(spent);
      expect([await ask(0), await ask(1)]).toEqual([402, 402]);
    }
    expect(mock.requests.length).toBe(upstreamCalls);
  });
});
