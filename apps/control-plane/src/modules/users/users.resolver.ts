import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { parseId } from '../../graphql/ids.ts';
import { PageInput, pageOf } from '../../graphql/pagination.ts';
import { RateScalar } from '../../graphql/scalars.ts';
import { errors } from '../../graphql/errors.ts';
import { CreateUserInput, UpdateUserInput, UserFilter } from './users.inputs.ts';
import { UsersService } from './users.service.ts';
import { PagedUsers, UserType } from './users.types.ts';

@Resolver(() => UserType)
export class UsersResolver {
  @Authorized('ADMIN')
  @Query(() => PagedUsers, { description: 'Users, ordered by id (admins only).' })
  async users(
    @Ctx() ctx: AppContext,
    @Arg('filter', () => UserFilter, { nullable: true, description: 'Optional filter.' }) filter?: UserFilter | null,
    @Arg('page', () => PageInput, { nullable: true, description: 'Which page (default: first 50).' }) page?: PageInput | null,
  ): Promise<PagedUsers> {
    const result = await new UsersService(serviceContext(ctx)).list(filter, pageOf(page));
    return Object.assign(new PagedUsers(), { items: result.items.map((u) => UserType.from(u)), total: result.total });
  }

  @Authorized('ADMIN')
  @Query(() => UserType, { description: 'One user by id (admins only).' })
  async user(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'User id.' }) id: string): Promise<UserType> {
    return UserType.from(await new UsersService(serviceContext(ctx)).get(parseId(id)));
  }

  @Authorized('ADMIN')
  @Mutation(() => UserType, { description: 'Creates a user. A taken username gives CONFLICT.' })
  async createUser(@Ctx() ctx: AppContext, @Arg('input', () => CreateUserInput, { description: 'The new user.' }) input: CreateUserInput): Promise<UserType> {
    return UserType.from(await new UsersService(serviceContext(ctx)).create(input));
  }

  @Authorized('ADMIN')
  @Mutation(() => UserType, { description: 'Changes a user. Admins cannot demote or disable themselves.' })
  async updateUser(
    @Ctx() ctx: AppContext,
    @Arg('id', () => ID, { description: 'User id.' }) id: string,
    @Arg('input', () => UpdateUserInput, { description: 'The changes.' }) input: UpdateUserInput,
  ): Promise<UserType> {
    return UserType.from(await new UsersService(serviceContext(ctx)).update(parseId(id), input));
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Deletes a user with their API keys, sessions and tokens. Admins cannot delete themselves.' })
  async deleteUser(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'User id.' }) id: string): Promise<boolean> {
    return new UsersService(serviceContext(ctx)).delete(parseId(id));
  }

  @Authorized('ADMIN')
  @Mutation(() => Int, { description: 'Gives the listed users one price rate; returns how many users\' rate changed.' })
  async setUserPriceRates(
    @Ctx() ctx: AppContext,
    @Arg('userIds', () => [ID], { description: 'The users to change (1–1000).' }) userIds: string[],
    @Arg('priceRate', () => RateScalar, { description: 'The new rate: greater than 0, at most MAX_PRICE_RATE.' }) priceRate: string,
  ): Promise<number> {
    if (userIds.length === 0 || userIds.length > 1000) throw errors.badInput('userIds', 'must list 1 to 1000 users');
    return new UsersService(serviceContext(ctx)).setPriceRates(userIds.map((id) => parseId(id, 'userIds')), priceRate);
  }

  @Authorized('ADMIN')
  @Mutation(() => Int, { description: 'Gives every user one price rate; returns how many users\' rate changed.' })
  async setAllUserPriceRates(
    @Ctx() ctx: AppContext,
    @Arg('priceRate', () => RateScalar, { description: 'The new rate: greater than 0, at most MAX_PRICE_RATE.' }) priceRate: string,
  ): Promise<number> {
    return new UsersService(serviceContext(ctx)).setPriceRates('all', priceRate);
  }
}
