import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import { Session, User } from '@relay/db';
import { revokeAccessTokensOf } from '../auth/auth.tokens.ts';
import { formatRate, parseRate } from '@relay/core';
import { errors } from '../../graphql/errors.ts';
import type { Page } from '../../graphql/pagination.ts';
import { hashPassword } from '../auth/password.ts';
import { actingUser, deleteAudited, runMutation, type ServiceContext } from '../../service-context.ts';
import { applyBinding } from '../account-groups/account-groups.service.ts';
import type { CreateUserInput, UpdateUserInput, UserFilter } from './users.inputs.ts';

/** The audit image of a user: what an admin may change, never the hash. */
function auditImage(u: User): Record<string, unknown> {
  return { username: u.username, role: u.role, status: u.status, priceRate: u.priceRate, maxApiKeys: u.maxApiKeys, accountGroupId: u.accountGroupId, accountIds: u.accountIds };
}

/** User administration. Every mutation is audited and republishes the proxy snapshot. */
export class UsersService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Checks 0 < rate ≤ MAX_PRICE_RATE (the scalar already guaranteed ≤ 4 decimals) and returns the
   * canonical "1.2500" form stored in the decimal(10,4) column.
   */
  validRate(rate: string, field = 'priceRate'): string {
    const bp = parseRate(rate);
    const max = this.ctx.services.config.maxPriceRate;
    if (bp <= 0) throw errors.badInput(field, 'must be greater than 0');
    if (bp > max) throw errors.badInput(field, `must be at most ${formatRate(max)}`);
    return formatRate(bp);
  }

  async list(filter: UserFilter | null | undefined, page: { offset: number; limit: number }): Promise<Page<User>> {
    const where: FilterQuery<User> = {};
    if (filter?.search) where.username = { $like: `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
    if (filter?.role) where.role = filter.role;
    if (filter?.status) where.status = filter.status;
    const [items, total] = await this.ctx.em.findAndCount(User, where, { orderBy: { id: 'asc' }, offset: page.offset, limit: page.limit });
    return { items, total };
  }

  async get(id: number, em = this.ctx.em): Promise<User> {
    const user = await em.findOne(User, { id });
    if (!user) throw errors.notFound('User', id);
    return user;
  }

  async create(input: CreateUserInput): Promise<User> {
    const priceRate = input.priceRate ? this.validRate(input.priceRate) : '1.0000';
    if (await this.ctx.em.count(User, { username: input.username })) throw errors.conflict('username', `"${input.username}" is already taken`);
    const passwordHash = await hashPassword(input.password);
    try {
      return await runMutation(this.ctx, async (tx) => {
        const user = new User();
        user.username = input.username;
        user.passwordHash = passwordHash;
        user.role = input.role;
        user.status = 'ACTIVE';
        user.priceRate = priceRate;
        user.maxApiKeys = input.maxApiKeys ?? null;
        tx.em.persist(user);
        // The id is needed for the audit row; the insert stays inside the transaction.
        await tx.em.flush();
        tx.audit({ action: 'user.create', targetType: 'user', targetId: user.id, after: auditImage(user) });
        return user;
      }, { republishSnapshot: true });
    } catch (e) {
      // Two admins racing for one name: the unique index decides.
      if (e instanceof UniqueConstraintViolationException) throw errors.conflict('username', `"${input.username}" is already taken`);
      throw e;
    }
  }

  async update(id: number, input: UpdateUserInput): Promise<User> {
    // scrypt is slow: hash before the transaction opens, not while it holds locks.
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    return runMutation(this.ctx, async (tx) => {
      const user = await this.get(id, tx.em);
      const self = actingUser(this.ctx.actor)?.id === id;
      if (self && input.role && input.role !== 'ADMIN') throw errors.forbidden('You cannot remove your own admin role');
      if (self && input.status === 'DISABLED') throw errors.forbidden('You cannot disable yourself');
      const priceRate = input.priceRate ? this.validRate(input.priceRate) : undefined;
      const before = auditImage(user);
      if (input.role) user.role = input.role;
      if (input.status) user.status = input.status;
      if (priceRate) user.priceRate = priceRate;
      if (input.maxApiKeys !== undefined) user.maxApiKeys = input.maxApiKeys;
      await applyBinding(tx.em, user, input);
      // A reset password must end every existing login of that user; so must disabling them.
      if (passwordHash) user.passwordHash = passwordHash;
      if (passwordHash || user.status === 'DISABLED') await tx.em.nativeDelete(Session, { user: id });
      // …and access tokens too when the password was reset.
      if (passwordHash) await revokeAccessTokensOf(tx.em, id);
      const after = { ...auditImage(user), ...(input.password ? { password: 'changed' } : {}) };
      tx.audit({ action: 'user.update', targetType: 'user', targetId: id, before, after });
      return user;
    }, { republishSnapshot: true });
  }

  async delete(id: number): Promise<boolean> {
    if (actingUser(this.ctx.actor)?.id === id) throw errors.forbidden('You cannot delete yourself');
    // API keys, sessions and access tokens go with the user (FK on delete cascade).
    return runMutation(this.ctx, async (tx) => deleteAudited(tx, User, id, { action: 'user.delete', targetType: 'user', before: auditImage(await this.get(id, tx.em)) }), { republishSnapshot: true });
  }

  /** Sets one rate on many users; returns how many users' rate actually changed. */
  async setPriceRates(userIds: number[] | 'all', rate: string): Promise<number> {
    const priceRate = this.validRate(rate);
    const changed = await runMutation(this.ctx, async (tx) => {
      const users = await tx.em.find(User, userIds === 'all' ? {} : { id: { $in: userIds } });
      if (userIds !== 'all' && users.length !== new Set(userIds).size) {
        const found = new Set(users.map((u) => u.id));
        throw errors.notFound('User', userIds.find((id) => !found.has(id)));
      }
      const toChange = users.filter((u) => u.priceRate !== priceRate);
      if (toChange.length === 0) return 0;
      const before = Object.fromEntries(toChange.map((u) => [u.id, u.priceRate]));
      for (const u of toChange) u.priceRate = priceRate;
      tx.audit({
        action: userIds === 'all' ? 'user.set_all_price_rates' : 'user.set_price_rates',
        targetType: 'user',
        before: { priceRates: before },
        after: { priceRate, userIds: toChange.map((u) => u.id) },
      });
      return toChange.length;
    });
    if (changed > 0) await this.ctx.services.snapshots.requestRebuild();
    return changed;
  }
}
