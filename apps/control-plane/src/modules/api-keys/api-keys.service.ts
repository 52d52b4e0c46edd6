import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { ApiKey, User } from '@relay/db';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '@relay/core';
import { errors } from '../../graphql/errors.ts';
import type { Page } from '../../graphql/pagination.ts';
import { toPlatform } from '../accounts/platform.enum.ts';
import { applyBinding } from '../account-groups/account-groups.service.ts';
import { modelMappingOf, toClientFamily } from './key-rules.types.ts';
import { deleteAudited, requireActingUser, runMutation, type AuthUser, type ServiceContext } from '../../service-context.ts';
import type { ApiKeyFilter, CreateApiKeyInput, UpdateApiKeyInput } from './api-keys.inputs.ts';

type LimitFields = Pick<CreateApiKeyInput, 'allowedPlatforms' | 'allowedModels' | 'rpm' | 'tpm' | 'concurrency' | 'dailyCostLimit' | 'totalCostLimit' | 'expiresAt' | 'modelMapping' | 'allowedClients' | 'accountGroupId' | 'accountIds'>;

/** The audit image of a key: name, limits and prefix, never the hash. */
function auditImage(k: ApiKey): Record<string, unknown> {
  return {
    name: k.name, keyPrefix: k.keyPrefix, userId: k.user.id, enabled: k.enabled, allowedPlatforms: k.allowedPlatforms, allowedModels: k.allowedModels,
    rpm: k.rpm, tpm: k.tpm, concurrency: k.concurrency, dailyCostLimit: k.dailyCostLimit, totalCostLimit: k.totalCostLimit, expiresAt: k.expiresAt,
    modelMapping: k.modelMapping, allowedClients: k.allowedClients, accountGroupId: k.accountGroupId, accountIds: k.accountIds,
  };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * API keys. Users manage their own keys (another user's key id is NOT_FOUND, so its existence never
 * leaks); admins may act on any key. Every change is audited and republished to the proxies.
 */
export class ApiKeysService {
  constructor(private readonly ctx: ServiceContext) {}

  private get caller(): AuthUser {
    return requireActingUser(this.ctx.actor);
  }

  async listOwn(): Promise<ApiKey[]> {
    return this.ctx.em.find(ApiKey, { user: this.caller.id }, { orderBy: { id: 'asc' }, populate: ['user'] });
  }

  /** A key the caller may manage: their own, or any for an admin. */
  async getManaged(id: number, em = this.ctx.em): Promise<ApiKey> {
    const where: FilterQuery<ApiKey> = this.caller.role === 'ADMIN' ? { id } : { id, user: this.caller.id };
    const key = await em.findOne(ApiKey, where, { populate: ['user'] });
    if (!key) throw errors.notFound('API key', id);
    return key;
  }

  /**
   * Checks and normalises the limit fields present in `input` and applies them to `key`. Binding
   * fields are for admins only (a user could otherwise pick the accounts that serve them).
   */
  private async applyLimits(em: EntityManager, key: ApiKey, input: LimitFields): Promise<void> {
    if ((input.accountGroupId !== undefined || input.accountIds !== undefined) && this.caller.role !== 'ADMIN') {
      throw errors.forbidden('Only admins bind API keys to account groups or accounts');
    }
    if (input.dailyCostLimit !== undefined && input.dailyCostLimit !== null && input.dailyCostLimit < 0) throw errors.badInput('dailyCostLimit', 'must not be negative');
    if (input.totalCostLimit !== undefined && input.totalCostLimit !== null && input.totalCostLimit < 0) throw errors.badInput('totalCostLimit', 'must not be negative');
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw errors.badInput('expiresAt', 'must be in the future');
    if (input.allowedPlatforms !== undefined) {
      const list = [...new Set((input.allowedPlatforms ?? []).map(toPlatform))];
      key.allowedPlatforms = list.length ? list : null;
    }
    if (input.allowedModels !== undefined) {
      const list = [...new Set((input.allowedModels ?? []).map((m) => m.trim()).filter(Boolean))];
      key.allowedModels = list.length ? list : null;
    }
    if (input.rpm !== undefined) key.rpm = input.rpm ?? null;
    if (input.tpm !== undefined) key.tpm = input.tpm ?? null;
    if (input.concurrency !== undefined) key.concurrency = input.concurrency ?? null;
    if (input.dailyCostLimit !== undefined) key.dailyCostLimit = input.dailyCostLimit ?? null;
    if (input.totalCostLimit !== undefined) key.totalCostLimit = input.totalCostLimit ?? null;
    if (input.expiresAt !== undefined) key.expiresAt = input.expiresAt ?? null;
    if (input.modelMapping !== undefined) key.modelMapping = modelMappingOf(input.modelMapping ?? [], (m) => errors.badInput('modelMapping', m));
    if (input.allowedClients !== undefined) {
      const list = [...new Set((input.allowedClients ?? []).map(toClientFamily))];
      key.allowedClients = list.length ? list : null;
    }
    await applyBinding(em, key, input);
  }

  /** Creates a key for the caller; returns the full key, which is not stored anywhere. */
  async create(input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKey }> {
    const secret = generateApiKey();
    const apiKey = await runMutation(this.ctx, async (tx) => {
      const user = await tx.em.findOne(User, { id: this.caller.id });
      if (!user) throw errors.unauthenticated();
      const limit = user.maxApiKeys ?? this.ctx.services.config.maxApiKeysPerUser;
      const count = await tx.em.count(ApiKey, { user: user.id });
      if (count >= limit) throw errors.limitExceeded(`You can have at most ${limit} API keys; delete one first`, { limit });
      const name = input.name.trim();
      if (!name) throw errors.badInput('name', 'must not be empty');
      const created = tx.em.create(ApiKey, {
        user,
        name,
        keyHash: hashApiKey(secret, this.ctx.services.secrets.apiKeySecret),
        keyPrefix: apiKeyDisplayPrefix(secret),
        enabled: true,
      });
      await this.applyLimits(tx.em, created, input);
      // The id is needed for the audit row; the insert stays inside the transaction.
      await tx.em.flush();
      tx.audit({ action: 'api_key.create', targetType: 'api_key', targetId: created.id, after: auditImage(created) });
      return created;
    }, { republishSnapshot: true });
    return { key: secret, apiKey };
  }

  async update(id: number, input: UpdateApiKeyInput): Promise<ApiKey> {
    return runMutation(this.ctx, async (tx) => {
      const key = await this.getManaged(id, tx.em);
      const before = auditImage(key);
      if (input.name !== undefined && input.name !== null) {
        if (!input.name.trim()) throw errors.badInput('name', 'must not be empty');
        key.name = input.name.trim();
      }
      await this.applyLimits(tx.em, key, input);
      tx.audit({ action: 'api_key.update', targetType: 'api_key', targetId: id, before, after: auditImage(key) });
      return key;
    }, { republishSnapshot: true });
  }

  async setEnabled(id: number, enabled: boolean): Promise<ApiKey> {
    return runMutation(this.ctx, async (tx) => {
      const key = await this.getManaged(id, tx.em);
      const before = { enabled: key.enabled };
      key.enabled = enabled;
      tx.audit({ action: 'api_key.set_enabled', targetType: 'api_key', targetId: id, before, after: { enabled } });
      return key;
    }, { republishSnapshot: true });
  }

  async delete(id: number): Promise<boolean> {
    return runMutation(this.ctx, async (tx) => deleteAudited(tx, ApiKey, id, { action: 'api_key.delete', targetType: 'api_key', before: auditImage(await this.getManaged(id, tx.em)) }), { republishSnapshot: true });
  }

  /** Every user's keys (admins), with their owners. */
  async listAll(filter: ApiKeyFilter | null | undefined, page: { offset: number; limit: number }, userId: number | null): Promise<Page<ApiKey>> {
    const where: FilterQuery<ApiKey> = {};
    if (userId !== null) where.user = userId;
    if (filter?.enabled !== undefined && filter?.enabled !== null) where.enabled = filter.enabled;
    if (filter?.search) {
      const like = `%${escapeLike(filter.search)}%`;
      where.$or = [{ name: { $like: like } }, { keyPrefix: { $like: like } }];
    }
    const [items, total] = await this.ctx.em.findAndCount(ApiKey, where, { orderBy: { id: 'asc' }, offset: page.offset, limit: page.limit, populate: ['user'] });
    return { items, total };
  }
}
