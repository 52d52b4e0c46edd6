import { createConnection } from 'node:net';
import { createHotStore } from '@relay/hot-store';
import { testDatabaseUrl, testRedisUrl } from '@relay/testkit';
import { startPrivateMariadb, startPrivateRedis } from '@relay/testkit/private-services';
import { describe, expect, it } from 'vitest';

/** True when something accepts TCP connections on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

// Same gate as the other real-service suites (always on in CI); the instances themselves are private.
describe.runIf(testDatabaseUrl() && testRedisUrl())('private services for fault tests', () => {
  it('private Redis stops, restarts empty on the same port, and serves again', async () => {
    const redis = await startPrivateRedis();
    // The hot store's client reconnects by itself (at most 1 s apart) and fails fast meanwhile.
    const client = createHotStore({ redisUrl: redis.url, prefix: 'faults:' });
    try {
      await client.set('k', 'v');
      expect(await client.get('k')).toBe('v');
      await redis.stop();
      expect(redis.running).toBe(false);
      expect(await answers(redis.port)).toBe(false);
      await redis.start();
      expect(redis.running).toBe(true);
      // Nothing persisted: a restarted instance is empty, like a production Redis without AOF/RDB.
      await expect.poll(() => client.get('k').catch(() => 'down'), { timeout: 5000, interval: 50 }).toBeNull();
      await redis.restart();
      await expect.poll(() => client.set('k', 'again').then(() => client.get('k')).catch(() => 'down'), { timeout: 5000, interval: 50 }).toBe('again');
    } finally {
      await client.close();
      await redis.close();
    }
  });

  it('private MariaDB takes root@127.0.0.1 without a password, survives stop/start with its data', async () => {
    const db = await startPrivateMariadb({ database: 'faults' });
    try {
      expect(db.url).toBe(`mysql://root@127.0.0.1:${db.port}/faults`);
      await db.query('create table t (id int primary key, name varchar(20))');
      await db.query("insert into t values (1, 'one'), (2, NULL)");
      await db.stop();
      expect(db.running).toBe(false);
      expect(await answers(db.port)).toBe(false);
      await expect(db.query('select 1')).rejects.toThrow();
      await db.start();
      expect(await db.query('select id, name from t order by id')).toEqual([['1', 'one'], ['2', 'NULL']]);
    } finally {
      await db.close();
    }
  }, 90_000);
});
