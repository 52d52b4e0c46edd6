// Direct Redis access for the harness's own housekeeping (trimming the usage stream between load
// runs, deleting the bench key prefix after). ioredis is loaded from the hot-store package, which
// depends on it; bench/ is not a workspace package.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './proxy.ts';

/** The few ioredis calls used here (bench/ cannot resolve ioredis's types). */
interface RedisClient {
  scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>;
  unlink(...keys: string[]): Promise<number>;
  xtrim(key: string, ...args: (string | number)[]): Promise<number>;
  disconnect(): void;
}

function connect(url: string): RedisClient {
  const req = createRequire(join(ROOT, 'libs/hot-store/package.json'));
  const { Redis } = req('ioredis') as { Redis: new (url: string, opts: object) => RedisClient };
  return new Redis(url, { maxRetriesPerRequest: 1 });
}

/** Deletes every key under `prefix` (SCAN + UNLINK); returns how many. */
export async function deletePrefix(url: string, prefix: string): Promise<number> {
  const redis = connect(url);
  let n = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return n;
}

/** Empties a stream (the proxy's usage events pile up there during a load run; nobody ingests them). */
export async function trimStream(url: string, key: string): Promise<void> {
  const redis = connect(url);
  try {
    await redis.xtrim(key, 'MAXLEN', 0);
  } finally {
    redis.disconnect();
  }
}

/** A long-lived probe for the soak: Redis `used_memory` and a stream's XLEN, one round trip each. */
export interface RedisProbe {
  usedMemory(): Promise<number>;
  xlen(key: string): Promise<number>;
  /** XPENDING summary of a group: how many entries are pending, per consumer. */
  pending(key: string, group: string): Promise<{ count: number; oldest: string | null; consumers: [string, string][] }>;
  close(): void;
}

/** Opens a probe connection to `url`. */
export function redisProbe(url: string): RedisProbe {
  const redis = connect(url) as RedisClient & {
    info(section: string): Promise<string>; xlen(key: string): Promise<number>; call(...args: string[]): Promise<unknown>;
  };
  return {
    usedMemory: async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0),
    xlen: (key) => redis.xlen(key),
    pending: async (key, group) => {
      const [count, oldest, , consumers] = (await redis.call('XPENDING', key, group)) as [number, string | null, unknown, [string, string][] | null];
      return { count: Number(count), oldest, consumers: consumers ?? [] };
    },
    close: () => redis.disconnect(),
  };
}
