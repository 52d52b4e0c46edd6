/**
 * Test helpers for the usage module: usage events priced with @relay/core's computeCost, a
 * database (SQLite file or a scratch MariaDB database) with the schema, and a user with an API key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allUsageStreams, computeCost, hotKeys, MAX_USAGE_STREAM_PARTITIONS, micro, newRequestId, parseRate, type ModelPrice, type UsageEvent } from '@relay/core';
import { ApiKey, createOrm, createScratchDatabase, upgradeSchema, User, type RelayOrm } from '@relay/db';
import { createHotStore, type HotStore } from '@relay/hot-store';
import { testDatabaseUrl, uniqueSuffix } from './services.ts';

export const TEST_PRICE: ModelPrice = { input: micro(3_000_000), output: micro(15_000_000), cacheWrite: micro(3_750_000), cacheRead: micro(300_000) };

/** A finished request of `userId`/`apiKeyId` with costs computed from tokens, price and rate. */
export function usageEvent(over: Partial<UsageEvent> & { userId: string; apiKeyId: string; rate?: string }): UsageEvent {
  const tokens = {
    inputTokens: over.inputTokens ?? 1200,
    outputTokens: over.outputTokens ?? 345,
    cacheCreationInputTokens: over.cacheCreationInputTokens ?? 100,
    cacheReadInputTokens: over.cacheReadInputTokens ?? 2000,
  };
  const price = over.price ?? TEST_PRICE;
  const rate = parseRate(over.rate ?? '1.5');
  const c = computeCost(tokens, price, rate);
  const now = Date.now();
  const { rate: _rate, ...rest } = over;
  return {
    v: 1,
    requestId: newRequestId(),
    startedAt: now - 800,
    finishedAt: now,
    accountId: '1',
    platform: 'claude-console',
    model: 'claude-sonnet-4-5',
    upstreamModel: 'claude-sonnet-4-5',
    endpoint: '/v1/messages',
    clientFormat: 'anthropic',
    stream: true,
    status: 200,
    errorType: null,
    ...tokens,
    price,
    priceRate: rate,
    baseInputCost: c.base.inputCost,
    baseOutputCost: c.base.outputCost,
    baseTotalCost: c.base.totalCost,
    inputCost: c.rated.inputCost,
    outputCost: c.rated.outputCost,
    totalCost: c.rated.totalCost,
    latencyMs: 800,
    firstTokenMs: 120,
    clientIp: '127.0.0.1',
    userAgent: 'test',
    attempts: 1,
    ...rest,
  };
}

export interface TestBackend {
  name: string;
  orm: RelayOrm;
  store: HotStore;
  close(): Promise<void>;
}


/** SQLite + memory store, or a scratch MariaDB database + Redis under a unique prefix. */
export async function openBackend(kind: 'sqlite' | 'mysql', redisUrl?: string): Promise<TestBackend & { prefix: string }> {
  const prefix = `test:usage:${uniqueSuffix()}:`;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'relay-usage-'));
    const orm = await createOrm({ sqlitePath: join(dir, 'relay.db') });
    await upgradeSchema(orm);
    const store = createHotStore({});
    return {
      name: 'sqlite+memory', orm, store, prefix,
      async close() {
        await store.close();
        await orm.close(true);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const scratch = await createScratchDatabase(testDatabaseUrl()!, `relay_test_${uniqueSuffix()}`);
  const orm = await createOrm({ databaseUrl: scratch.url });
  await upgradeSchema(orm);
  const store = createHotStore({ redisUrl, prefix });
  return {
    name: 'mariadb+redis', orm, store, prefix,
    async close() {
      await Promise.all([...allUsageStreams(MAX_USAGE_STREAM_PARTITIONS), hotKeys.usagePartitionCount].map((key) => store.del(key)));
      await store.close();
      await orm.close(true);
      await scratch.drop();
    },
  };
}

/** Creates a user (with the given role) and one API key; returns their ids as event strings. */
export async function createUserWithKey(orm: RelayOrm, username = `u${uniqueSuffix()}`, role: 'ADMIN' | 'USER' = 'USER'): Promise<{ userId: string; apiKeyId: string }> {
  const em = orm.em.fork();
  const user = em.create(User, { username, passwordHash: 'scrypt$x', role, status: 'ACTIVE', priceRate: '1.5000' });
  const key = em.create(ApiKey, { user, name: 'k', keyHash: uniqueSuffix().padEnd(64, '0').slice(0, 64), keyPrefix: 'sk-test' });
  await em.flush();
  return { userId: String(user.id), apiKeyId: String(key.id) };
}

/** Resolves once `check` returns a truthy value (polled every 20 ms), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
