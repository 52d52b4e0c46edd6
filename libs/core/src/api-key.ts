import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every platform key starts with this, so SDKs that sniff `sk-` accept it and leaks are greppable. */
export const API_KEY_PREFIX = 'sk-relay-';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A new random API key: `sk-relay-` + 40 base62 characters (~238 bits). */
export function generateApiKey(): string {
  const bytes = randomBytes(40);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % 62];
  return API_KEY_PREFIX + s;
}

/** Keyed hash stored instead of the key: HMAC-SHA256(serverSecret, key), hex. */
export function hashApiKey(key: string, serverSecret: string | Buffer): string {
  return createHmac('sha256', serverSecret).update(key).digest('hex');
}

/** The short, non-secret part shown in lists: `sk-relay-AbCd…`. */
export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 4);
}

/** Random opaque token for sessions and personal access tokens (prefix says which). */
export function generateToken(prefix: 'sess' | 'pat'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Constant-time comparison of two hex digests. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
