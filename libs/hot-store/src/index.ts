import type { HotStore } from './port.ts';
import { MemoryHotStore } from './memory-store.ts';
import { RedisHotStore } from './redis-store.ts';

export type * from './port.ts';
export { MemoryHotStore, type MemoryHotStoreOptions } from './memory-store.ts';
export { RedisHotStore, type RedisHotStoreOptions } from './redis-store.ts';
export { snapshotKeys } from './snapshot-keys.ts';

/**
 * The hot store for this process: Redis when `redisUrl` is set (production, many processes),
 * otherwise the in-process store (embedded mode, one process). `prefix` applies to Redis only.
 */
export function createHotStore(opts: { redisUrl?: string; prefix?: string }): HotStore {
  if (opts.redisUrl) return new RedisHotStore({ url: opts.redisUrl, prefix: opts.prefix });
  return new MemoryHotStore();
}
