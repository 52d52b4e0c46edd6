import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { parseId } from '../../graphql/ids.ts';
import { CreateAccountGroupInput, UpdateAccountGroupInput } from './account-groups.inputs.ts';
import { AccountGroupsService } from './account-groups.service.ts';
import { AccountGroupType } from './account-groups.types.ts';
import type { AccountGroup } from '@relay/db';

async function present(service: AccountGroupsService, groups: AccountGroup[]): Promise<AccountGroupType[]> {
  const [existing, counts] = await Promise.all([service.existingAccounts(), service.boundCounts()]);
  return groups.map((g) => AccountGroupType.from(g, existing, counts.get(g.id) ?? { keys: 0, users: 0 }));
}

@Resolver(() => AccountGroupType)
export class AccountGroupsResolver {
  @Authorized('ADMIN')
  @Query(() => [AccountGroupType], { description: 'Every account group, by name (admins only).' })
  async accountGroups(@Ctx() ctx: AppContext): Promise<AccountGroupType[]> {
    const service = new AccountGroupsService(serviceContext(ctx));
    return present(service, await service.list());
  }

  @Authorized('ADMIN')
  @Mutation(() => AccountGroupType, { description: 'Creates an account group (admins only). A taken name gives CONFLICT.' })
  async createAccountGroup(@Ctx() ctx: AppContext, @Arg('input', () => CreateAccountGroupInput, { description: 'The group.' }) input: CreateAccountGroupInput): Promise<AccountGroupType> {
    const service = new AccountGroupsService(serviceContext(ctx));
    return (await present(service, [await service.create(input)]))[0];
  }

  @Authorized('ADMIN')
  @Mutation(() => AccountGroupType, { description: 'Changes an account group (admins only); in force on every proxy before this returns.' })
  async updateAccountGroup(
    @Ctx() ctx: AppContext,
    @Arg('id', () => ID, { description: 'Group id.' }) id: string,
    @Arg('input', () => UpdateAccountGroupInput, { description: 'The changes.' }) input: UpdateAccountGroupInput,
  ): Promise<AccountGroupType> {
    const service = new AccountGroupsService(serviceContext(ctx));
    return (await present(service, [await service.update(parseId(id), input)]))[0];
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Deletes an account group (admins only). A group that keys or users are bound to gives CONFLICT.' })
  async deleteAccountGroup(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'Group id.' }) id: string): Promise<boolean> {
    return new AccountGroupsService(serviceContext(ctx)).delete(parseId(id));
  }
}
