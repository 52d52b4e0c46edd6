import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import { Session, User } from '@relay/db';
import { revokeAccessTokensOf } from '../auth/auth.tokens.ts';
import { formatRate, parseRate } from '@relay/core';
import type { AppContext } from '../../graphql/context.ts';
import { errors } from '../../graphql/errors.ts';
import type { Page } from '../../graphql/pagination.ts';
import { hashPassword } from '../auth/password.ts';
import type { CreateUserInput, UpdateUserInput, UserFilter } from './users.inputs.ts';

/** The audit image of a user: what an admin may change, never the hash. */
function auditImage(u: User): Record<string, unknown> {
  return { username: u.username, role: u.role, status: u.status, priceRate: u.priceRate, maxApiKeys: u.maxApiKeys };
}

/** User administration. Every mutation is audited and republishes the proxy snapshot. */
export class UsersService {
  constructor(private readonly ctx: AppContext) {}

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

  async get(id: number): Promise<User> {
    const user = await this.ctx.em.findOne(User, { id });
    if (!user) throw errors.notFound('User', id);
    return user;
  }

  async create(input: CreateUserInput): Promise<User> {
    const priceRate = input.priceRate ? this.validRate(input.priceRate) : '1.0000';
    if (await this.ctx.em.count(User, { username: input.username })) throw errors.conflict('username', `"${input.username}" is already taken`);
    const user = new User();
    user.username = input.username;
    user.passwordHash = await hashPassword(input.password);
    user.role = input.role;
    user.status = 'ACTIVE';
    user.priceRate = priceRate;
    user.maxApiKeys = input.maxApiKeys ?? null;
    this.ctx.em.persist(user);
    try {
      await this.ctx.em.flush();
    } catch (e) {
      // Two admins racing for one name: the unique index decides.
      if (e instanceof UniqueConstraintViolationException) throw errors.conflict('username', `"${input.username}" is already taken`);
      throw e;
    }
    await this.ctx.audit.record({ action: 'user.create', targetType: 'user', targetId: user.id, after: auditImage(user) });
    await this.ctx.services.snapshots.requestRebuild();
    return user;
  }

  async update(id: number, input: UpdateUserInput): Promise<User> {
    const user = await this.get(id);
    const self = this.ctx.user?.id === id;
    if (self && input.role && input.role !== 'ADMIN') throw errors.forbidden('You cannot remove your own admin role');
    if (self && input.status === 'DISABLED') throw errors.forbidden('You cannot disable yourself');
    const priceRate = input.priceRate ? this.validRate(input.priceRate) : undefined;
    const before = auditImage(user);
    if (input.role) user.role = input.role;
    if (input.status) user.status = input.status;
    if (priceRate) user.priceRate = priceRate;
    if (input.maxApiKeys !== undefined) user.maxApiKeys = input.maxApiKeys;
    if (input.password) {
      user.passwordHash = await hashPassword(input.password);
      // A reset password must end every existing login of that user, access tokens included.
      await this.ctx.em.nativeDelete(Session, { user: id });
      await revokeAccessTokensOf(this.ctx.em, id);
    }
    if (user.status === 'DISABLED') await this.ctx.em.nativeDelete(Session, { user: id });
    await this.ctx.em.flush();
    const after = { ...auditImage(user), ...(input.password ? { password: 'changed' } : {}) };
    await this.ctx.audit.record({ action: 'user.update', targetType: 'user', targetId: id, before, after });
    await this.ctx.services.snapshots.requestRebuild();
    return user;
  }

  async delete(id: number): Promise<boolean> {
    if (this.ctx.user?.id === id) throw errors.forbidden('You cannot delete yourself');
    const user = await this.get(id);
    const before = auditImage(user);
    // API keys, sessions and access tokens go with the user (FK on delete cascade).
    await this.ctx.em.nativeDelete(User, { id });
    this.ctx.em.clear();
    await this.ctx.audit.record({ action: 'user.delete', targetType: 'user', targetId: id, before });
    await this.ctx.services.snapshots.requestRebuild();
    return true;
  }

  /** Sets one rate on many users; returns how many users' rate actually changed. */
  async setPriceRates(userIds: number[] | 'all', rate: string): Promise<number> {
    const priceRate = this.validRate(rate);
    const users = await this.ctx.em.find(User, userIds === 'all' ? {} : { id: { $in: userIds } });
    if (userIds !== 'all' && users.length !== new Set(userIds).size) {
      const found = new Set(users.map((u) => u.id));
      throw errors.notFound('User', userIds.find((id) => !found.has(id)));
    }
    const changed = users.filter((u) => u.priceRate !== priceRate);
    if (changed.length === 0) return 0;
    const before = Object.fromEntries(changed.map((u) => [u.id, u.priceRate]));
    for (const u of changed) u.priceRate = priceRate;
    await this.ctx.em.flush();
    await this.ctx.audit.record({
      action: userIds === 'all' ? 'user.set_all_price_rates' : 'user.set_price_rates',
      targetType: 'user',
      before: { priceRates: before },
      after: { priceRate, userIds: changed.map((u) => u.id) },
    });
    await this.ctx.services.snapshots.requestRebuild();
    return changed.length;
  }
}
