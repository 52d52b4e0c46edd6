import { Account } from '@relay/db';
import { currentUsageWindows, decodeUsageWindows, hotKeys, type AccountCredentials, type Platform } from '@relay/core';
import { errors } from '../../graphql/errors.ts';
import {
  buildPlatformConfig, credentialFields, egressProxyHint, PLATFORM_FIELDS, type AccountPlatformFields, type PlatformConfig,
} from './accounts.platforms.ts';
import type { CreateAccountInput, UpdateAccountInput } from './accounts.inputs.ts';
import { AccountStatus, AccountType, type AccountLiveState } from './accounts.types.ts';
import { fromPlatform, toPlatform } from './platform.enum.ts';
import { deleteAudited, runMutation, type AppServices, type ServiceContext, type Transaction } from '../../service-context.ts';
import { assertUpstreamAddressesAllowed } from './accounts.address-policy.ts';

/** Non-credential account options, shared by createAccount and the Claude OAuth flows. */
export interface AccountOptions {
  name: string;
  priority?: number | null;
  models?: string[] | null;
  modelMapping?: Record<string, unknown> | null;
  concurrency?: number | null;
  probeIntervalSeconds?: number | null;
  schedulable?: boolean | null;
  egressProxy?: string | null;
}

/** The audit image of an account: settings and hints, never a credential. */
export function accountAuditImage(a: Account): Record<string, unknown> {
  return {
    name: a.name, platform: a.platform, baseUrl: a.baseUrl, priority: a.priority, schedulable: a.schedulable, status: a.status,
    models: a.supportedModels, modelMapping: a.modelMapping, concurrency: a.concurrency, probeIntervalSeconds: a.probeIntervalSeconds, settings: a.settings,
    credentialHint: a.credentialHint, egressProxyHint: a.egressProxyHint,
  };
}

function cleanModels(models: string[] | null | undefined): string[] | null {
  const list = [...new Set((models ?? []).map((m) => m.trim()).filter(Boolean))];
  return list.length ? list : null;
}

function cleanMapping(mapping: Record<string, unknown> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Object.entries(mapping ?? {});
  if (entries.length > 500) throw errors.badInput('modelMapping', 'must have at most 500 entries');
  for (const [from, to] of entries) {
    if (typeof to !== 'string' || !to.trim() || !from.trim()) throw errors.badInput('modelMapping', 'must map model names to non-empty model id strings');
    if (from.length > 128 || to.length > 256) throw errors.badInput('modelMapping', 'model names must be at most 128 characters (ids 256)');
    out[from.trim()] = to.trim();
  }
  return out;
}

/** The settings fields an admin types (the rest of `settings` is kept by the server). */
const EDITABLE_SETTINGS = ['region', 'deployment', 'apiVersion'] as const;

/** Upstream account administration. Every mutation is audited and republishes the proxy snapshot. */
export class AccountsService {
  private readonly services: AppServices;

  constructor(private readonly ctx: ServiceContext) {
    this.services = ctx.services;
  }

  async list(): Promise<Account[]> {
    return this.ctx.em.find(Account, {}, { orderBy: { priority: 'asc', id: 'asc' } });
  }

  async get(id: number, em = this.ctx.em): Promise<Account> {
    const account = await em.findOne(Account, { id });
    if (!account) throw errors.notFound('Account', id);
    return account;
  }

  /** Decrypted credentials of an account (server-side use only). */
  credentials(a: Account): AccountCredentials {
    return this.services.secretBox.decryptJson<AccountCredentials>(a.credentials);
  }

  /** Cooldowns and running requests, as the proxies see them, for several accounts in few round trips. */
  async liveState(accounts: Account[]): Promise<Map<number, AccountLiveState>> {
    const out = new Map<number, AccountLiveState>();
    if (accounts.length === 0) return out;
    const now = Date.now();
    const ids = accounts.map((a) => String(a.id));
    const [cooldowns, leases, windows] = await Promise.all([
      this.services.store.mget(ids.map((id) => hotKeys.accountCooldown(id))),
      Promise.all(ids.map((id) => this.services.store.leaseCount(hotKeys.accountLeases(id), now))),
      // Only subscription accounts have usage windows (one hash read each).
      Promise.all(accounts.map((a) => (a.platform === 'claude-oauth' ? this.services.store.getHash(hotKeys.accountWindows(String(a.id))) : null))),
    ]);
    accounts.forEach((a, i) => {
      const until = Number(cooldowns[i]);
      const stored = windows[i] ? decodeUsageWindows(windows[i]) : null;
      out.set(a.id, {
        cooldownUntil: Number.isFinite(until) && until > now ? new Date(until) : null, concurrencyInUse: leases[i] ?? 0,
        usageWindows: stored && currentUsageWindows(stored, now),
      });
    });
    return out;
  }

  /** GraphQL views of accounts with their live state. */
  async toTypes(accounts: Account[]): Promise<AccountType[]> {
    const live = await this.liveState(accounts);
    return accounts.map((a) => {
      let tokenExpiresAt: Date | null = null;
      if (a.platform === 'claude-oauth') {
        try {
          const c = this.credentials(a);
          if (c.kind === 'oauth' && c.expiresAt !== null) tokenExpiresAt = new Date(c.expiresAt);
        } catch {
          // Unreadable credentials (key rotated away): the account still lists, without an expiry.
        }
      }
      return AccountType.from(a, live.get(a.id) ?? { cooldownUntil: null, concurrencyInUse: 0 }, tokenExpiresAt);
    });
  }

  async toType(account: Account): Promise<AccountType> {
    return (await this.toTypes([account]))[0];
  }

  private get addressPolicy() {
    return { allowPrivate: this.services.config.allowPrivateUpstreams };
  }

  /** Extra settings the server adds per platform (Claude OAuth: where proxies refresh the token). */
  private serverSettings(platform: Platform): Record<string, string> {
    if (platform !== 'claude-oauth') return {};
    const { tokenUrl, clientId } = this.services.config.claudeOAuth;
    return { tokenUrl, clientId };
  }

  async create(input: CreateAccountInput): Promise<Account> {
    const platform = toPlatform(input.platform);
    const config = buildPlatformConfig(platform, input, input.platform);
    return this.createWithConfig(platform, config, input, 'account.create');
  }

  /** Stores a new account from validated platform config, audited, then republishes the snapshot. */
  async createWithConfig(platform: Platform, config: PlatformConfig, options: AccountOptions, action: string): Promise<Account> {
    return runMutation(this.ctx, (tx) => this.insert(tx, platform, config, options, action), { republishSnapshot: true });
  }

  /**
   * Inserts an account and its audit row into an open transaction (the Claude OAuth flows use it
   * inside their own); the caller republishes the snapshot after the commit.
   */
  async insert(tx: Transaction, platform: Platform, config: PlatformConfig, options: AccountOptions, action: string): Promise<Account> {
    const name = options.name.trim();
    if (!name) throw errors.badInput('name', 'must not be empty');
    await assertUpstreamAddressesAllowed(this.addressPolicy, { baseUrl: config.baseUrl, egressProxy: options.egressProxy });
    const account = tx.em.create(Account, {
      name,
      platform,
      credentials: this.services.secretBox.encryptJson(config.credentials),
      credentialHint: config.credentialHint,
      baseUrl: config.baseUrl,
      priority: options.priority ?? 50,
      schedulable: options.schedulable ?? true,
      status: 'ACTIVE',
      supportedModels: cleanModels(options.models),
      modelMapping: cleanMapping(options.modelMapping),
      concurrency: options.concurrency ?? null,
      probeIntervalSeconds: options.probeIntervalSeconds ?? null,
      settings: { ...config.settings, ...this.serverSettings(platform) },
    });
    this.applyEgressProxy(account, options.egressProxy);
    // The id is needed for the audit row; the insert stays inside the transaction.
    await tx.em.flush();
    tx.audit({ action, targetType: 'account', targetId: account.id, after: accountAuditImage(account) });
    return account;
  }

  private applyEgressProxy(account: Account, value: string | null | undefined): void {
    if (value === undefined || value === null) return;
    if (value.trim() === '') {
      account.egressProxy = null;
      account.egressProxyHint = null;
      return;
    }
    account.egressProxyHint = egressProxyHint(value.trim());
    account.egressProxy = this.services.secretBox.encrypt(value.trim());
  }

  async update(id: number, input: UpdateAccountInput): Promise<Account> {
    return runMutation(this.ctx, (tx) => this.applyUpdate(tx, id, input), { republishSnapshot: true });
  }

  private async applyUpdate(tx: Transaction, id: number, input: UpdateAccountInput): Promise<Account> {
    const account = await this.get(id, tx.em);
    const before = accountAuditImage(account);
    const given = PLATFORM_FIELDS.filter((k) => input[k] !== undefined && input[k] !== null);
    if (given.length > 0) {
      const stored = credentialFields(this.credentials(account));
      // Bedrock can switch between access keys and an API key: the new kind replaces the old one.
      const switchesKind = account.platform === 'bedrock' && ((input.apiKey && !stored.apiKey) || (input.accessKeyId && stored.apiKey));
      const merged: AccountPlatformFields = {
        baseUrl: account.baseUrl,
        ...Object.fromEntries(EDITABLE_SETTINGS.filter((k) => account.settings?.[k]).map((k) => [k, account.settings[k]])),
        ...(switchesKind ? {} : stored),
        ...Object.fromEntries(given.map((k) => [k, input[k]])),
      };
      const config = buildPlatformConfig(account.platform, merged, fromPlatform(account.platform));
      account.credentials = this.services.secretBox.encryptJson(config.credentials);
      account.credentialHint = config.credentialHint;
      account.baseUrl = config.baseUrl;
      account.settings = { ...account.settings, ...config.settings };
    }
    if (input.name !== undefined && input.name !== null) {
      if (!input.name.trim()) throw errors.badInput('name', 'must not be empty');
      account.name = input.name.trim();
    }
    if (input.priority !== undefined && input.priority !== null) account.priority = input.priority;
    if (input.models !== undefined) account.supportedModels = cleanModels(input.models);
    if (input.modelMapping !== undefined) account.modelMapping = cleanMapping(input.modelMapping);
    if (input.concurrency !== undefined) account.concurrency = input.concurrency ?? null;
    if (input.probeIntervalSeconds !== undefined) account.probeIntervalSeconds = input.probeIntervalSeconds ?? null;
    if (input.schedulable !== undefined && input.schedulable !== null) account.schedulable = input.schedulable;
    if (input.status) {
      if (input.status === AccountStatus.ERROR) throw errors.badInput('status', 'ERROR is set by the system; use ACTIVE or DISABLED');
      if (input.status !== account.status) account.statusReason = input.status === AccountStatus.DISABLED ? 'disabled by an admin' : null;
      account.status = input.status;
    }
    this.applyEgressProxy(account, input.egressProxy);
    await assertUpstreamAddressesAllowed(this.addressPolicy, { baseUrl: given.includes('baseUrl') ? account.baseUrl : null, egressProxy: input.egressProxy });
    tx.audit({ action: 'account.update', targetType: 'account', targetId: id, before, after: accountAuditImage(account) });
    return account;
  }

  async setSchedulable(id: number, schedulable: boolean): Promise<Account> {
    return runMutation(this.ctx, async (tx) => {
      const account = await this.get(id, tx.em);
      const before = { schedulable: account.schedulable };
      account.schedulable = schedulable;
      tx.audit({ action: 'account.set_schedulable', targetType: 'account', targetId: id, before, after: { schedulable } });
      return account;
    }, { republishSnapshot: true });
  }

  async delete(id: number): Promise<boolean> {
    return runMutation(this.ctx, async (tx) => deleteAudited(tx, Account, id, { action: 'account.delete', targetType: 'account', before: accountAuditImage(await this.get(id, tx.em)) }), { republishSnapshot: true });
  }
}
