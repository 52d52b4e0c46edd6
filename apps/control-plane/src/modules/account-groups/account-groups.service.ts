import type { EntityManager } from '@mikro-orm/core';
import { Account, AccountGroup, ApiKey, User } from '@relay/db';
import { errors } from '../../graphql/errors.ts';
import { parseId } from '../../graphql/ids.ts';
import { runMutation, type ServiceContext, type Transaction } from '../../service-context.ts';
import type { CreateAccountGroupInput, UpdateAccountGroupInput } from './account-groups.inputs.ts';

/** The audit image of a group. */
function auditImage(g: AccountGroup): Record<string, unknown> {
  return { name: g.name, description: g.description, accountIds: g.accountIds };
}

/** Account ids from GraphQL, each checked to exist; deduplicated and ascending. */
export async function existingAccountIds(em: EntityManager, ids: readonly string[], field: string): Promise<number[]> {
  const parsed = [...new Set(ids.map((id) => parseId(id, field)))].sort((a, b) => a - b);
  if (parsed.length === 0) return [];
  const found = new Set((await em.find(Account, { id: { $in: parsed } }, { fields: ['id'] })).map((a) => a.id));
  const unknown = parsed.find((id) => !found.has(id));
  if (unknown !== undefined) throw errors.badInput(field, `unknown account ${unknown}`);
  return parsed;
}

/** What a key or a user is bound to, as stored: a group, a list of accounts, or neither. */
export interface BindingColumns {
  accountGroupId: number | null;
  accountIds: number[] | null;
}

/**
 * Applies the binding fields given in an input to a key or user row: omitted fields stay, null (or
 * an empty list) removes that binding. A binding is a group OR accounts, never both: setting one
 * clears the other, giving both is BAD_USER_INPUT; unknown ids are BAD_USER_INPUT.
 */
export async function applyBinding(em: EntityManager, row: BindingColumns, input: { accountGroupId?: string | null; accountIds?: string[] | null }): Promise<void> {
  const group = input.accountGroupId;
  const accounts = input.accountIds;
  if (group && accounts && accounts.length > 0) throw errors.badInput('accountIds', 'bind to a group or to accounts, not both');
  if (group !== undefined) {
    if (group === null) row.accountGroupId = null;
    else {
      const id = parseId(group, 'accountGroupId');
      if (!(await em.findOne(AccountGroup, { id }, { fields: ['id'] }))) throw errors.badInput('accountGroupId', `unknown account group ${id}`);
      row.accountGroupId = id;
      row.accountIds = null;
    }
  }
  if (accounts !== undefined) {
    const ids = await existingAccountIds(em, accounts ?? [], 'accountIds');
    row.accountIds = ids.length ? ids : null;
    if (ids.length) row.accountGroupId = null;
  }
}

/**
 * Account groups (admins). Membership is many-to-many: an account may be in several groups. A group
 * that keys or users are bound to cannot be deleted (CONFLICT): unbinding them silently would widen
 * those keys to every account.
 */
export class AccountGroupsService {
  constructor(private readonly ctx: ServiceContext) {}

  async list(): Promise<AccountGroup[]> {
    return this.ctx.em.find(AccountGroup, {}, { orderBy: { name: 'asc' } });
  }

  /** Ids of the accounts that exist, to leave deleted members out of what the API shows. */
  async existingAccounts(): Promise<Set<number>> {
    return new Set((await this.ctx.em.find(Account, {}, { fields: ['id'] })).map((a) => a.id));
  }

  /** Keys and users bound to each group. */
  async boundCounts(): Promise<Map<number, { keys: number; users: number }>> {
    const [keys, users] = await Promise.all([
      this.ctx.em.find(ApiKey, { accountGroupId: { $ne: null } }, { fields: ['accountGroupId'] }),
      this.ctx.em.find(User, { accountGroupId: { $ne: null } }, { fields: ['accountGroupId'] }),
    ]);
    const counts = new Map<number, { keys: number; users: number }>();
    const at = (id: number) => counts.get(id) ?? counts.set(id, { keys: 0, users: 0 }).get(id)!;
    for (const k of keys) at(k.accountGroupId!).keys++;
    for (const u of users) at(u.accountGroupId!).users++;
    return counts;
  }

  private async validName(tx: Transaction, name: string, self: number | null): Promise<string> {
    const trimmed = name.trim();
    if (!trimmed) throw errors.badInput('name', 'must not be empty');
    const other = await tx.em.findOne(AccountGroup, { name: trimmed });
    if (other && other.id !== self) throw errors.conflict('name', `an account group named "${trimmed}" exists`);
    return trimmed;
  }

  async create(input: CreateAccountGroupInput): Promise<AccountGroup> {
    return runMutation(this.ctx, async (tx) => {
      const group = tx.em.create(AccountGroup, {
        name: await this.validName(tx, input.name, null),
        description: input.description?.trim() || null,
        accountIds: await existingAccountIds(tx.em, input.accountIds ?? [], 'accountIds'),
      });
      await tx.em.flush();
      tx.audit({ action: 'account_group.create', targetType: 'account_group', targetId: group.id, after: auditImage(group) });
      return group;
    }, { republishSnapshot: true });
  }

  async update(id: number, input: UpdateAccountGroupInput): Promise<AccountGroup> {
    return runMutation(this.ctx, async (tx) => {
      const group = await tx.em.findOne(AccountGroup, { id });
      if (!group) throw errors.notFound('Account group', id);
      const before = auditImage(group);
      if (input.name !== undefined && input.name !== null) group.name = await this.validName(tx, input.name, id);
      if (input.description !== undefined) group.description = input.description?.trim() || null;
      if (input.accountIds !== undefined) group.accountIds = await existingAccountIds(tx.em, input.accountIds ?? [], 'accountIds');
      tx.audit({ action: 'account_group.update', targetType: 'account_group', targetId: id, before, after: auditImage(group) });
      return group;
    }, { republishSnapshot: true });
  }

  async delete(id: number): Promise<boolean> {
    return runMutation(this.ctx, async (tx) => {
      const group = await tx.em.findOne(AccountGroup, { id });
      if (!group) throw errors.notFound('Account group', id);
      const [keys, users] = await Promise.all([tx.em.count(ApiKey, { accountGroupId: id }), tx.em.count(User, { accountGroupId: id })]);
      if (keys + users > 0) throw errors.conflict('id', `${keys} API key(s) and ${users} user(s) are bound to this group; bind them elsewhere first`);
      tx.em.remove(group);
      tx.audit({ action: 'account_group.delete', targetType: 'account_group', targetId: id, before: auditImage(group) });
      return true;
    }, { republishSnapshot: true });
  }
}
