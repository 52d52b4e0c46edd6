import type { ModelPrice, MicroUsd, RateBp } from './money.ts';
import type { ClientFamily } from './client-families.ts';
import type { Platform } from './platforms.ts';

/**
 * The configuration snapshot: everything a proxy needs at request time, compiled by the control
 * plane from MySQL, stored in the hot store under a monotonically increasing version and announced
 * on pub/sub. Proxies hold it in memory and never query the database.
 */
export interface ConfigSnapshot {
  version: number;
  /** ISO time of compilation. */
  generatedAt: string;
  /** API keys by their keyed hash (HMAC-SHA256 hex). */
  keys: Record<string, SnapshotKey>;
  /** Users by id. */
  users: Record<string, SnapshotUser>;
  accounts: SnapshotAccount[];
  prices: SnapshotPrice[];
  /** Applied to models with no price of their own; null means such models are refused. */
  defaultPrice: ModelPrice | null;
  /** Account groups by id. Absent in snapshots from older control planes (then no key is bound to one). */
  accountGroups?: Record<string, SnapshotAccountGroup>;
}

/** A named set of accounts; an account may belong to several groups. */
export interface SnapshotAccountGroup {
  id: string;
  name: string;
  accountIds: string[];
}

/**
 * Which accounts may serve a key: the members of one group, or a list of accounts. A group or an
 * account that no longer exists serves nothing (a bound key never falls back to every account).
 */
export type AccountBinding = { groupId: string } | { accountIds: string[] };

export interface SnapshotKey {
  id: string;
  userId: string;
  name: string;
  enabled: boolean;
  /** Epoch ms, or null for never. */
  expiresAt: number | null;
  /** null = every platform. */
  allowedPlatforms: Platform[] | null;
  /** null = every model. */
  allowedModels: string[] | null;
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
  dailyCostLimit: MicroUsd | null;
  totalCostLimit: MicroUsd | null;
  /** Rated cost already recorded in the database when the snapshot was compiled (the total budget's floor). */
  costUsed: MicroUsd;
  /**
   * Keys with a daily limit: rated cost recorded for the day `day` ('YYYY-MM-DD' in USAGE_TIMEZONE)
   * when the snapshot was compiled — the daily budget's floor on that day. Absent otherwise.
   */
  costToday?: { day: string; amount: MicroUsd };
  /** The key's own binding; absent or null = its owner's default binding (`SnapshotUser.binding`), else every account. */
  binding?: AccountBinding | null;
  /** Requested model → served model (`sonnet` → `claude-sonnet-4-5`), applied before the model-access check. */
  modelMapping?: Record<string, string> | null;
  /** Client families the key accepts (by User-Agent); absent, null or empty = any client. */
  allowedClients?: ClientFamily[] | null;
}

export type UserStatus = 'ACTIVE' | 'DISABLED';
export interface SnapshotUser {
  id: string;
  username: string;
  status: UserStatus;
  priceRate: RateBp;
  /** The default binding of the user's keys that have none of their own; absent or null = every account. */
  binding?: AccountBinding | null;
}

export type AccountStatus = 'ACTIVE' | 'DISABLED' | 'ERROR';
export interface SnapshotAccount {
  id: string;
  name: string;
  platform: Platform;
  status: AccountStatus;
  schedulable: boolean;
  /** Lower number is tried first. */
  priority: number;
  baseUrl: string | null;
  /** SecretBox ciphertext of the platform's credential JSON (see AccountCredentials). */
  credentials: string;
  /** null = whatever the platform family serves. */
  supportedModels: string[] | null;
  /** client model name → upstream model id. */
  modelMapping: Record<string, string>;
  /** Max concurrent requests on this account; null = unlimited. */
  concurrency: number | null;
  /** SecretBox ciphertext of the egress proxy URL (http://, https://, socks5://), or null. */
  egressProxy: string | null;
  /** Non-secret platform settings: region, deployment, apiVersion, … */
  settings: Record<string, string>;
}

export interface SnapshotPrice {
  model: string;
  platform: Platform | null;
  price: ModelPrice;
  /**
   * The model's largest possible output in tokens (catalog figure, else its platform's fallback,
   * see `maxOutputTokensOf`): what a request without a maximum reserves. Absent in snapshots from
   * older control planes; proxies then use the platform fallback.
   */
  maxOutputTokens?: number;
}

/** Decrypted credential JSON per platform. */
export type AccountCredentials =
  | { kind: 'oauth'; accessToken: string; refreshToken: string | null; expiresAt: number | null; scopes?: string[] }
  | { kind: 'api-key'; apiKey: string }
  | { kind: 'aws'; accessKeyId: string; secretAccessKey: string; sessionToken?: string | null }
  | { kind: 'bedrock-api-key'; apiKey: string };

/** Events a proxy sends back for the control plane to persist (on the proxy-events stream). */
export type ProxyEvent =
  /** `cause: 'oauth-refresh'`: a proxy's refresh after an upstream 401 failed (also alerted as `oauth.refresh_failed`). */
  | { type: 'account.status'; accountId: string; status: AccountStatus; reason: string; at: number; cause?: 'oauth-refresh' }
  | { type: 'account.credentials'; accountId: string; credentials: string; at: number }
  /**
   * A subscription account's usage window was spent (`paused` until its reset, epoch ms) or it
   * served again after such a pause (`resumed`, `until` = the reset it waited for). Alerts only.
   */
  | { type: 'account.window'; accountId: string; state: 'paused' | 'resumed'; until: number; reason: string; at: number };

export function emptySnapshot(): ConfigSnapshot {
  return { version: 0, generatedAt: new Date(0).toISOString(), keys: {}, users: {}, accounts: [], prices: [], defaultPrice: null };
}

/**
 * The accounts that may serve a key: its own binding, else its owner's default, resolved against the
 * snapshot's groups; null when neither is bound (every account of the platform, as before bindings).
 * A missing group resolves to no account.
 */
export function boundAccountIds(snapshot: Pick<ConfigSnapshot, 'accountGroups' | 'users'>, key: Pick<SnapshotKey, 'userId' | 'binding'>): Set<string> | null {
  const binding = key.binding ?? snapshot.users[key.userId]?.binding ?? null;
  if (!binding) return null;
  if ('groupId' in binding) return new Set(snapshot.accountGroups?.[binding.groupId]?.accountIds ?? []);
  return new Set(binding.accountIds);
}
