import { hashApiKey } from '@relay/core';
import { describe, expect, it } from 'vitest';
import { cachedKeyHash, KEY_HASH_CACHE_MAX, rememberKeyHash } from './key-hash-cache.ts';

describe('key hash cache', () => {
  it('remembers at most KEY_HASH_CACHE_MAX keys per secret, dropping the oldest first, and still answers right', () => {
    const secret = 'key-hash-cache-test-secret-0123456789';
    const key = (i: number) => `sk-relay-cachetest${String(i).padStart(22, '0')}`;
    for (let i = 0; i <= KEY_HASH_CACHE_MAX; i++) rememberKeyHash(key(i), secret, hashApiKey(key(i), secret));
    // One over the bound: the first key remembered was dropped, the rest are still cached.
    expect(cachedKeyHash(key(0), secret)).toEqual({ hash: hashApiKey(key(0), secret), cached: false });
    expect(cachedKeyHash(key(1), secret).cached).toBe(true);
    expect(cachedKeyHash(key(KEY_HASH_CACHE_MAX), secret)).toEqual({ hash: hashApiKey(key(KEY_HASH_CACHE_MAX), secret), cached: true });
  });
});
