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

/** Empties streams (the proxy's usage events pile up in the partitions during a load run; nobody ingests them). */
export async function trimStream(url: string, keys: string[]): Promise<void> {
  const redis = connect(url);
  try {
    await Promise.all(keys.map((key) => redis.xtrim(key, 'MAXLEN', 0)));
  } finally {
    redis.disconnect();
  }
}

/** A long-lived probe for the soak: Redis `used_memory`, and XLEN / XPENDING summed over streams (the usage partitions). */
export interface RedisProbe {
  usedMemory(): Promise<number>;
  xlen(keys: string[]): Promise<number>;
  /** XPENDING summary of a group over `keys`: how many entries are pending, the oldest, per consumer (a stream without the group counts 0). */
  pending(keys: string[], group: string): Promise<{ count: number; oldest: string | null; consumers: [string, string][] }>;
  close(): void;
}

/** Opens a probe connection to `url`. */
export function redisProbe(url: string): RedisProbe {
  const redis = connect(url) as RedisClient & {
    info(section: string): Promise<string>; xlen(key: string): Promise<number>; call(...args: string[]): Promise<unknown>;
  };
  return {
    usedMemory: async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0),
    xlen: async (keys) => (await Promise.all(keys.map((key) => redis.xlen(key)))).reduce((a, b) => a + b, 0),
    pending: async (keys, group) => {
      const out = { count: 0, oldest: null as string | null, consumers: [] as [string, string][] };
      for (const key of keys) {
        const summary = (await redis.call('XPENDING', key, group).catch(() => null)) as [number, string | null, unknown, [string, string][] | null] | null;
        if (!summary) continue;
        const [count, oldest, , consumers] = summary;
        out.count += Number(count);
        if (oldest && (!out.oldest || Number(oldest.split('-')[0]) < Number(out.oldest.split('-')[0]))) out.oldest = oldest;
        out.consumers.push(...(consumers ?? []));
      }
      return out;
    },
    close: () => redis.disconnect(),
  };
}
