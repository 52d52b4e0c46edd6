import { hashApiKey } from '@relay/core';

/** Most keys remembered per server secret; beyond it the oldest entry goes (FIFO). */
export const KEY_HASH_CACHE_MAX = 10_000;

const caches = new Map<string, Map<string, string>>();

/**
 * hashApiKey with a bounded memo: the HMAC-SHA256 of a key is the same on every request, so the
 * proxy computes it once per key instead of once per request. Only keys that matched a known
 * hash are remembered (`remember`), so random keys sent by a prober cannot evict real ones.
 * Memory stays bounded: at most KEY_HASH_CACHE_MAX (key, hash) pairs per secret.
 */
export function cachedKeyHash(apiKey: string, secret: string): { hash: string; cached: boolean } {
  const hit = caches.get(secret)?.get(apiKey);
  if (hit !== undefined) return { hash: hit, cached: true };
  return { hash: hashApiKey(apiKey, secret), cached: false };
}

/** Remembers the hash of a key that authenticated (see cachedKeyHash). */
export function rememberKeyHash(apiKey: string, secret: string, hash: string): void {
  let cache = caches.get(secret);
  if (!cache) {
    cache = new Map();
    caches.set(secret, cache);
  }
  if (cache.size >= KEY_HASH_CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(apiKey, hash);
}
