import type { EntityManager } from '@mikro-orm/core';
import { Account, AccountGroup, ApiKey, DEFAULT_PRICE_MODEL, ModelPrice, UsageDaily, User } from '@relay/db';
import {
  dayKey, maxOutputTokensOf, micro, parseRate, type AccountBinding, type ConfigSnapshot, type SnapshotAccountGroup, type ModelPrice as PriceMicro, type SnapshotAccount, type SnapshotKey,
  type SnapshotPrice, type SnapshotUser,
} from '@relay/core';

/** The snapshot minus its version (the store assigns that when it is stored). */
export type SnapshotBody = Omit<ConfigSnapshot, 'version'>;

/** A price row as the proxy bills it; the 1-hour and tier figures only when the row has them. */
function priceOf(p: ModelPrice): PriceMicro {
  const price: PriceMicro = { input: micro(p.input), output: micro(p.output), cacheWrite: micro(p.cacheWrite), cacheRead: micro(p.cacheRead) };
  if (p.cacheWrite1h !== null) price.cacheWrite1h = micro(p.cacheWrite1h);
  if (p.tierAboveInputTokens !== null) {
    price.tier = {
      aboveInputTokens: p.tierAboveInputTokens,
      input: micro(p.tierInput ?? p.input), output: micro(p.tierOutput ?? p.output),
      cacheWrite: micro(p.tierCacheWrite ?? p.cacheWrite), cacheRead: micro(p.tierCacheRead ?? p.cacheRead),
    };
    if (p.tierCacheWrite1h !== null) price.tier.cacheWrite1h = micro(p.tierCacheWrite1h);
  }
  return price;
}

/** A key's or user's binding as the proxy reads it: a group, a list of accounts, or none. */
function bindingOf(row: { accountGroupId: number | null; accountIds: number[] | null }): AccountBinding | null {
  if (row.accountGroupId !== null) return { groupId: String(row.accountGroupId) };
  if (row.accountIds !== null) return { accountIds: row.accountIds.map(String) };
  return null;
}

/** Rated cost recorded today (in `timeZone`) per API key id, for the keys given. */
async function spendToday(em: EntityManager, keyIds: number[], day: string): Promise<Map<number, number>> {
  const spend = new Map<number, number>();
  if (keyIds.length === 0) return spend;
  const rows = await em.find(UsageDaily, { day, apiKeyId: { $in: keyIds } }, { fields: ['apiKeyId', 'cost'] });
  for (const r of rows) spend.set(r.apiKeyId, (spend.get(r.apiKeyId) ?? 0) + r.cost);
  return spend;
}

/**
 * Reads everything a proxy needs from the database into one snapshot body. Account credentials
 * and egress proxies stay SecretBox ciphertext: proxies decrypt them with their own key. Keys with
 * a daily limit carry today's recorded spend (day in `timeZone`, USAGE_TIMEZONE), the floor of their
 * daily budget counter, as `costUsed` is of the total one.
 */
export async function compileSnapshot(em: EntityManager, timeZone: string, now = Date.now()): Promise<SnapshotBody> {
  const [users, keys, accounts, prices, groups] = await Promise.all([
    em.find(User, {}, { orderBy: { id: 'asc' } }),
    em.find(ApiKey, {}, { orderBy: { id: 'asc' } }),
    em.find(Account, {}, { orderBy: { id: 'asc' } }),
    em.find(ModelPrice, {}, { orderBy: { id: 'asc' } }),
    em.find(AccountGroup, {}, { orderBy: { id: 'asc' } }),
  ]);

  const snapshotUsers: Record<string, SnapshotUser> = {};
  for (const u of users) {
    snapshotUsers[String(u.id)] = { id: String(u.id), username: u.username, status: u.status, priceRate: parseRate(u.priceRate), binding: bindingOf(u) };
  }

  const today = dayKey(now, timeZone);
  const todays = await spendToday(em, keys.filter((k) => k.dailyCostLimit !== null).map((k) => k.id), today);
  const snapshotKeys: Record<string, SnapshotKey> = {};
  for (const k of keys) {
    snapshotKeys[k.keyHash] = {
      id: String(k.id),
      userId: String(k.user.id),
      name: k.name,
      enabled: k.enabled,
      expiresAt: k.expiresAt ? k.expiresAt.getTime() : null,
      allowedPlatforms: k.allowedPlatforms,
      allowedModels: k.allowedModels,
      rpm: k.rpm,
      tpm: k.tpm,
      concurrency: k.concurrency,
      dailyCostLimit: k.dailyCostLimit === null ? null : micro(k.dailyCostLimit),
      totalCostLimit: k.totalCostLimit === null ? null : micro(k.totalCostLimit),
      costUsed: micro(k.costUsed),
      ...(k.dailyCostLimit === null ? {} : { costToday: { day: today, amount: micro(todays.get(k.id) ?? 0) } }),
      binding: bindingOf(k),
      modelMapping: k.modelMapping,
      allowedClients: k.allowedClients,
    };
  }

  const snapshotAccounts: SnapshotAccount[] = accounts.map((a) => ({
    id: String(a.id),
    name: a.name,
    platform: a.platform,
    status: a.status,
    schedulable: a.schedulable,
    priority: a.priority,
    baseUrl: a.baseUrl,
    credentials: a.credentials,
    supportedModels: a.supportedModels,
    modelMapping: a.modelMapping ?? {},
    concurrency: a.concurrency,
    egressProxy: a.egressProxy,
    settings: a.settings ?? {},
  }));

  const accountGroups: Record<string, SnapshotAccountGroup> = {};
  for (const g of groups) accountGroups[String(g.id)] = { id: String(g.id), name: g.name, accountIds: g.accountIds.map(String) };

  let defaultPrice: PriceMicro | null = null;
  const snapshotPrices: SnapshotPrice[] = [];
  for (const p of prices) {
    if (p.model === DEFAULT_PRICE_MODEL) {
      if (p.platform === null) defaultPrice = priceOf(p);
      continue;
    }
    snapshotPrices.push({ model: p.model, platform: p.platform, price: priceOf(p), maxOutputTokens: maxOutputTokensOf(p.model, p.platform) });
  }

  return {
    generatedAt: new Date().toISOString(),
    keys: snapshotKeys,
    users: snapshotUsers,
    accounts: snapshotAccounts,
    prices: snapshotPrices,
    defaultPrice,
    accountGroups,
  };
}
