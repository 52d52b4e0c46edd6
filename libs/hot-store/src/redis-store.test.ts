/**
 * What only the Redis adapter has: a key prefix in front of hash-tagged logical keys, separate
 * connections for blocking reads and pub/sub, several processes sharing one store, and failing
 * fast (never hanging) when Redis is not there. Behaviour shared with the memory store is in
 * conformance.test.ts.
 */
import { createServer, type Server, type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { USAGE_GROUP, hotChannels, hotKeys } from '@relay/core';
import { testRedisUrl, uniqueSuffix } from '@relay/testkit';
import { RedisHotStore } from './redis-store.ts';
import { createHotStore } from './index.ts';
import { MemoryHotStore } from './memory-store.ts';

const redisUrl = testRedisUrl();

/** Nothing listens on port 1, so every connection attempt is refused at once. */
const DEAD_URL = 'redis://127.0.0.1:1';

async function scanKeys(admin: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

/** Times a promise that must reject; returns the elapsed ms. */
async function rejectionTime(promise: Promise<unknown>): Promise<number> {
  const startedAt = Date.now();
  await expect(promise).rejects.toThrow();
  return Date.now() - startedAt;
}

describe('RedisHotStore without a reachable Redis', () => {
  it('rejects commands within a second instead of hanging, and says it is not ready', async () => {
    for (const lazyConnect of [false, true]) {
      const store = new RedisHotStore({ url: DEAD_URL, prefix: 'dead:', lazyConnect });
      try {
        expect(await rejectionTime(store.ping())).toBeLessThan(1_000);
        expect(await rejectionTime(store.admit([{ kind: 'budget', key: hotKeys.keyCostTotal('k'), limit: 1, amount: 1 }]))).toBeLessThan(1_000);
        expect(await rejectionTime(store.streamAdd(hotKeys.usageStream, 'event'))).toBeLessThan(1_000);
        expect(store.isReady()).toBe(false);
      } finally {
        await store.close();
      }
    }
  });

  it('refuses a prefix that would hijack the hash tag', () => {
    expect(() => new RedisHotStore({ url: DEAD_URL, prefix: '{tenant}:', lazyConnect: true })).toThrow(/prefix/);
  });

  it('createHotStore picks memory without a Redis URL', async () => {
    const store = createHotStore({});
    expect(store).toBeInstanceOf(MemoryHotStore);
    await store.close();
  });
});

describe.runIf(redisUrl)('RedisHotStore on a real Redis', () => {
  const basePrefix = `test:hot-store-redis:${uniqueSuffix()}:`;
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(redisUrl!);
  });
  afterAll(async () => {
    const keys = await scanKeys(admin, `${basePrefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('stores every key under the prefix, with the logical key (and its hash tag) intact', async () => {
    const prefix = `${basePrefix}keys:`;
    const store = createHotStore({ redisUrl, prefix });
    expect(store).toBeInstanceOf(RedisHotStore);
    try {
      const result = await store.admit([
        { kind: 'window', key: hotKeys.keyRpm('key-1', 7), windowMs: 60_000, limit: 10, cost: 1 },
        { kind: 'lease', key: hotKeys.keyLeases('key-1'), limit: 2, leaseId: 'r1', ttlMs: 60_000 },
        { kind: 'budget', key: hotKeys.keyCostTotal('key-1'), limit: 100, amount: 5, floor: 10 },
      ]);
      expect(result).toEqual({ ok: true });
      await store.incrementHashes([{ key: 'test:hash:{k:key-1}', fields: { requests: 1 } }]);
      await store.streamAdd(hotKeys.usageStream, 'e');
      await store.putSnapshot(() => '{}');

      const stored = await scanKeys(admin, `${prefix}*`);
      const logical = stored.map((key) => key.slice(prefix.length));
      expect(logical).toEqual(
        [
          hotKeys.keyRpm('key-1', 7),
          hotKeys.keyLeases('key-1'),
          hotKeys.keyCostTotal('key-1'),
          'test:hash:{k:key-1}',
          hotKeys.usageStream,
          '{cfg}:snapshot:seq',
          '{cfg}:snapshot:json',
          '{cfg}:snapshot:version',
        ].sort(),
      );
      // Cluster hashes the first {…} of the full key: for every key of API key 'key-1' that is
      // its own tag, so one admit (and the usage hash) stays in one slot despite the prefix.
      const tags = stored.filter((key) => key.includes('key-1')).map((key) => key.match(/\{([^}]*)\}/)?.[1]);
      expect(tags).toHaveLength(4);
      expect(new Set(tags)).toEqual(new Set(['k:key-1']));
      expect(await admin.get(`${prefix}${hotKeys.keyCostTotal('key-1')}`)).toBe('15');
      // Windows and leases expire with their last use rather than piling up.
      expect(await admin.pttl(`${prefix}${hotKeys.keyRpm('key-1', 7)}`)).toBeGreaterThan(0);
      expect(await admin.pttl(`${prefix}${hotKeys.keyLeases('key-1')}`)).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('a renewed lease set outlives the key expiry of its first lease (the heartbeat stretches it)', async () => {
    const prefix = `${basePrefix}renew:`;
    const store = new RedisHotStore({ url: redisUrl!, prefix });
    try {
      const key = hotKeys.keyLeases('key-renew');
      expect(await store.acquireLease(key, 'r1', 1, 200)).toBe(true);
      expect(await store.renewLeases(key, ['r1'], 60_000)).toBe(1);
      expect(await admin.pttl(`${prefix}${key}`)).toBeGreaterThan(30_000);
      expect(await store.leaseCount(key)).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('a blocked stream read does not hold up request-path commands', async () => {
    const store = new RedisHotStore({ url: redisUrl!, prefix: `${basePrefix}block:` });
    try {
      await store.ensureGroup(hotKeys.proxyEventStream, 'g');
      const reading = store.readGroup(hotKeys.proxyEventStream, 'g', 'c', 1, 10_000);
      const startedAt = Date.now();
      await store.set(hotKeys.sticky('s'), 'acc');
      expect(await store.get(hotKeys.sticky('s'))).toBe('acc');
      expect(Date.now() - startedAt).toBeLessThan(500);
      await store.streamAdd(hotKeys.proxyEventStream, 'done');
      expect((await reading).map((e) => e.payload)).toEqual(['done']);
    } finally {
      await store.close();
    }
  });

  it('a consumer group lost with the data (Redis restarted empty) is re-created and reading carries on', async () => {
    const prefix = `${basePrefix}lostgroup:`;
    const store = new RedisHotStore({ url: redisUrl!, prefix });
    try {
      await store.ensureGroup(hotKeys.usageStream, 'g');
      await admin.del(prefix + hotKeys.usageStream); // what an empty restart leaves behind
      await store.streamAdd(hotKeys.usageStream, 'lost-with-the-group'); // a producer re-creates the stream only
      // Either consumer call re-creates the group (answering nothing), from the start of the new
      // stream, so nothing written since the restart is lost.
      expect(await store.readGroup(hotKeys.usageStream, 'g', 'c', 10, 50)).toEqual([]);
      expect((await store.readGroup(hotKeys.usageStream, 'g', 'c', 10, 0)).map((e) => e.payload)).toEqual(['lost-with-the-group']);
      await admin.del(prefix + hotKeys.usageStream);
      await store.streamAdd(hotKeys.usageStream, 'after-second-restart');
      expect(await store.claimStale(hotKeys.usageStream, 'g', 'c', 0, 10)).toEqual([]);
      expect((await store.readGroup(hotKeys.usageStream, 'g', 'c', 10, 1000)).map((e) => e.payload)).toEqual(['after-second-restart']);
    } finally {
      await store.close();
    }
  });

  it('two processes share limits, streams and snapshot announcements', async () => {
    const prefix = `${basePrefix}shared:`;
    const proxy = new RedisHotStore({ url: redisUrl!, prefix });
    const controlPlane = new RedisHotStore({ url: redisUrl!, prefix });
    try {
      let announce!: (version: string) => void;
      const announced = new Promise<string>((resolve) => (announce = resolve));
      const stop = await proxy.subscribe(hotChannels.snapshotChanged, announce);
      const version = await controlPlane.putSnapshot((v) => JSON.stringify({ v }));
      expect(await announced).toBe(String(version));
      expect(await proxy.getSnapshot()).toEqual({ version, json: JSON.stringify({ v: version }) });
      await stop();

      const check = { kind: 'window' as const, key: hotKeys.keyRpm('shared', 1), windowMs: 60_000, limit: 30, cost: 1 };
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? proxy : controlPlane).admit([check])));
      expect(results.filter((r) => r.ok)).toHaveLength(30);

      await controlPlane.ensureGroup(hotKeys.usageStream, USAGE_GROUP);
      await proxy.streamAdd(hotKeys.usageStream, 'usage-1');
      expect((await controlPlane.readGroup(hotKeys.usageStream, USAGE_GROUP, 'ingester-1', 10, 1_000)).map((e) => e.payload)).toEqual(['usage-1']);
    } finally {
      await Promise.all([proxy.close(), controlPlane.close()]);
    }
  });

  it('fails fast when Redis goes away after being up, and recovers when it returns', async () => {
    const target = new URL(redisUrl!);
    const sockets = new Set<Socket>();
    let relay: Server = createServer();
    const startRelay = (port: number): Promise<number> =>
      new Promise((resolve) => {
        relay = createServer((client) => {
          const upstream = connect(Number(target.port || 6379), target.hostname);
          sockets.add(client).add(upstream);
          client.pipe(upstream).pipe(client);
          const drop = (): void => {
            client.destroy();
            upstream.destroy();
          };
          client.on('error', drop).on('close', drop);
          upstream.on('error', drop).on('close', drop);
        });
        relay.listen(port, '127.0.0.1', () => resolve((relay.address() as { port: number }).port));
      });
    const stopRelay = (): Promise<void> => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      return new Promise((resolve) => relay.close(() => resolve()));
    };

    const port = await startRelay(0);
    const store = new RedisHotStore({ url: `redis://127.0.0.1:${port}`, prefix: `${basePrefix}outage:` });
    try {
      await store.ping();
      expect(store.isReady()).toBe(true);

      await stopRelay();
      expect(await rejectionTime(store.incr(hotKeys.accountAuthFailures('a'), 1))).toBeLessThan(1_000);
      expect(store.isReady()).toBe(false);

      await startRelay(port);
      await expect.poll(() => store.isReady(), { timeout: 5_000 }).toBe(true);
      expect(await store.incr(hotKeys.accountAuthFailures('a'), 1)).toBe(1);
    } finally {
      await store.close();
      await stopRelay();
    }
  });
});
