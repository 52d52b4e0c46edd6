import { clientAllowed, type SnapshotKey, type SnapshotUser } from '@relay/core';
import { cachedKeyHash, rememberKeyHash } from './key-hash-cache.ts';
import { proxyError } from '../errors.ts';
import type { SnapshotIndex } from '../snapshot/snapshot-index.ts';

/**
 * Finds and checks the key: known hash, enabled, not expired, owner active. Every failure is
 * the same 401 wording apart from the reason, so a prober learns nothing about other keys.
 */
export function authenticate(index: SnapshotIndex, apiKey: string | null, secret: string, now: number): { key: SnapshotKey; user: SnapshotUser } {
  if (!apiKey) throw proxyError('invalid_api_key', 'Missing API key');
  const { hash, cached } = cachedKeyHash(apiKey, secret);
  const key = index.keysByHash.get(hash);
  if (!key) throw proxyError('invalid_api_key', 'Invalid API key');
  if (!cached) rememberKeyHash(apiKey, secret, hash);
  if (!key.enabled) throw proxyError('invalid_api_key', 'API key is disabled');
  if (key.expiresAt !== null && key.expiresAt <= now) throw proxyError('invalid_api_key', 'API key has expired');
  const user = index.users.get(key.userId);
  if (!user || user.status !== 'ACTIVE') throw proxyError('invalid_api_key', 'API key owner is disabled');
  return { key, user };
}

/** Whether a key may use a model; entries ending in `*` match by prefix. */
export function isModelAllowed(key: SnapshotKey, model: string): boolean {
  if (!key.allowedModels) return true;
  return key.allowedModels.some((m) => (m.endsWith('*') ? model.startsWith(m.slice(0, -1)) : m === model));
}

/** Throws 403 model_not_allowed when the key may not use the model. */
export function assertModelAllowed(key: SnapshotKey, model: string): void {
  if (!isModelAllowed(key, model)) throw proxyError('model_not_allowed', `This API key may not use model ${model}`);
}

/** Throws 403 client_not_allowed when the key is limited to client families the User-Agent is not one of. */
export function assertClientAllowed(key: SnapshotKey, userAgent: string | undefined): void {
  if (!clientAllowed(key.allowedClients, userAgent)) {
    throw proxyError('client_not_allowed', `This API key may only be used from ${key.allowedClients!.join(', ')}`);
  }
}

/** The model a key serves for the one requested: its mapping's target, else the model itself. */
export function mappedModel(key: SnapshotKey, model: string): string {
  const mapping = key.modelMapping;
  return mapping && Object.prototype.hasOwnProperty.call(mapping, model) ? mapping[model] : model;
}
