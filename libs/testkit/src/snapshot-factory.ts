import {
  hashApiKey, parseRate, SecretBox, usdToMicro, type AccountCredentials, type ConfigSnapshot, type ModelPrice, type Platform,
  type AccountBinding, type SnapshotAccount, type SnapshotAccountGroup, type SnapshotKey, type SnapshotUser,
} from '@relay/core';
import type { HotStore } from '@relay/hot-store';

/** Secrets the test proxies are configured with (never used outside tests). */
export const TEST_API_KEY_SECRET = 'test-api-key-secret-0123456789';
export const TEST_ENCRYPTION_KEY = 'test-encryption-key-0123456789abcdef';

export interface PriceSpec {
  input: string; output: string; cacheWrite?: string; cacheRead?: string; cacheWrite1h?: string;
  tier?: { aboveInputTokens: number; input: string; output: string; cacheWrite?: string; cacheRead?: string; cacheWrite1h?: string };
}

/** A compact description of what a test needs; everything else gets a sensible default. */
export interface SnapshotSpec {
  users?: { id: string; username?: string; status?: 'ACTIVE' | 'DISABLED'; priceRate?: string; binding?: AccountBinding | null }[];
  keys?: (Partial<Omit<SnapshotKey, 'dailyCostLimit' | 'totalCostLimit' | 'costUsed'>> & {
    /** The plaintext key clients send. */
    key: string; id: string; userId: string;
    dailyCostLimit?: string | null; totalCostLimit?: string | null; costUsed?: string;
  })[];
  accounts?: (Partial<Omit<SnapshotAccount, 'credentials' | 'egressProxy'>> & {
    id: string; platform: Platform; credentials: AccountCredentials; egressProxy?: string | null;
  })[];
  /** USD per million tokens. */
  prices?: { model: string; platform?: Platform | null; price: PriceSpec }[];
  defaultPrice?: PriceSpec | null;
  accountGroups?: (Omit<SnapshotAccountGroup, 'name'> & { name?: string })[];
}

export function toModelPrice(p: PriceSpec): ModelPrice {
  const price: ModelPrice = { input: usdToMicro(p.input), output: usdToMicro(p.output), cacheWrite: usdToMicro(p.cacheWrite ?? '0'), cacheRead: usdToMicro(p.cacheRead ?? '0') };
  if (p.cacheWrite1h) price.cacheWrite1h = usdToMicro(p.cacheWrite1h);
  if (p.tier) price.tier = { aboveInputTokens: p.tier.aboveInputTokens, ...toModelPrice(p.tier) };
  return price;
}

/**
 * Builds a ConfigSnapshot as the control plane would: key hashes with the test API key secret,
 * credentials and egress proxies SecretBox-encrypted with the test encryption key, prices in micro-USD.
 */
export function buildSnapshot(spec: SnapshotSpec, opts: { apiKeySecret?: string; encryptionKey?: string; version?: number } = {}): ConfigSnapshot {
  const secret = opts.apiKeySecret ?? TEST_API_KEY_SECRET;
  const box = SecretBox.fromKey(opts.encryptionKey ?? TEST_ENCRYPTION_KEY);
  const users: Record<string, SnapshotUser> = {};
  for (const u of spec.users ?? []) {
    users[u.id] = { id: u.id, username: u.username ?? u.id, status: u.status ?? 'ACTIVE', priceRate: parseRate(u.priceRate ?? '1'), binding: u.binding ?? null };
  }
  const keys: Record<string, SnapshotKey> = {};
  for (const k of spec.keys ?? []) {
    if (!users[k.userId]) users[k.userId] = { id: k.userId, username: k.userId, status: 'ACTIVE', priceRate: parseRate('1') };
    keys[hashApiKey(k.key, secret)] = {
      id: k.id, userId: k.userId, name: k.name ?? k.id, enabled: k.enabled ?? true, expiresAt: k.expiresAt ?? null,
      allowedPlatforms: k.allowedPlatforms ?? null, allowedModels: k.allowedModels ?? null,
      rpm: k.rpm ?? null, tpm: k.tpm ?? null, concurrency: k.concurrency ?? null,
      dailyCostLimit: k.dailyCostLimit ? usdToMicro(k.dailyCostLimit) : null,
      totalCostLimit: k.totalCostLimit ? usdToMicro(k.totalCostLimit) : null,
      costUsed: usdToMicro(k.costUsed ?? '0'),
      binding: k.binding ?? null, modelMapping: k.modelMapping ?? null, allowedClients: k.allowedClients ?? null,
    };
  }
  const accounts: SnapshotAccount[] = (spec.accounts ?? []).map((a) => ({
    id: a.id, name: a.name ?? a.id, platform: a.platform, status: a.status ?? 'ACTIVE', schedulable: a.schedulable ?? true,
    priority: a.priority ?? 50, baseUrl: a.baseUrl ?? null, credentials: box.encryptJson(a.credentials),
    supportedModels: a.supportedModels ?? null, modelMapping: a.modelMapping ?? {}, concurrency: a.concurrency ?? null,
    egressProxy: a.egressProxy ? box.encrypt(a.egressProxy) : null, settings: a.settings ?? {},
  }));
  return {
    version: opts.version ?? 0,
    generatedAt: new Date().toISOString(),
    keys, users, accounts,
    prices: (spec.prices ?? []).map((p) => ({ model: p.model, platform: p.platform ?? null, price: toModelPrice(p.price) })),
    defaultPrice: spec.defaultPrice ? toModelPrice(spec.defaultPrice) : null,
    accountGroups: Object.fromEntries((spec.accountGroups ?? []).map((g) => [g.id, { id: g.id, name: g.name ?? g.id, accountIds: g.accountIds }])),
  };
}

/** Stores the snapshot under the next version and announces it; returns the version. */
export async function publishSnapshot(store: HotStore, spec: SnapshotSpec, opts: { apiKeySecret?: string; encryptionKey?: string } = {}): Promise<number> {
  return store.putSnapshot((version) => JSON.stringify(buildSnapshot(spec, { ...opts, version })));
}
