import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { errors } from '../../graphql/errors.ts';
import { parseId } from '../../graphql/ids.ts';
import { MAX_TEST_PROMPT_CHARS, probeAccount } from './account-probe.ts';
import { CreateAccountInput, UpdateAccountInput } from './accounts.inputs.ts';
import { AccountsService } from './accounts.service.ts';
import { AccountTestResult, AccountType } from './accounts.types.ts';
import { ProxyTestEvent, proxyTestEvents } from './proxy-test.events.ts';

interface ProxyTestArgs {
  accountId: string;
  model: string;
  prompt: string;
}

@Resolver(() => AccountType)
export class AccountsResolver {
  @Authorized('ADMIN')
  @Query(() => [AccountType], { description: 'Every upstream account, by priority then id (admins only).' })
  async accounts(@Ctx() ctx: AppContext): Promise<AccountType[]> {
    const service = new AccountsService(serviceContext(ctx));
    return service.toTypes(await service.list());
  }

  @Authorized('ADMIN')
  @Query(() => AccountType, { description: 'One upstream account (admins only).' })
  async account(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'Account id.' }) id: string): Promise<AccountType> {
    const service = new AccountsService(serviceContext(ctx));
    return service.toType(await service.get(parseId(id)));
  }

  @Authorized('ADMIN')
  @Mutation(() => AccountType, { description: 'Adds an upstream account; credentials are validated per platform and stored encrypted (admins only).' })
  async createAccount(@Ctx() ctx: AppContext, @Arg('input', () => CreateAccountInput, { description: 'The new account.' }) input: CreateAccountInput): Promise<AccountType> {
    const service = new AccountsService(serviceContext(ctx));
    return service.toType(await service.create(input));
  }

  @Authorized('ADMIN')
  @Mutation(() => AccountType, { description: 'Changes an account; credential fields given replace the stored ones, the rest stays (admins only).' })
  async updateAccount(
    @Ctx() ctx: AppContext,
    @Arg('id', () => ID, { description: 'Account id.' }) id: string,
    @Arg('input', () => UpdateAccountInput, { description: 'The changes.' }) input: UpdateAccountInput,
  ): Promise<AccountType> {
    const service = new AccountsService(serviceContext(ctx));
    return service.toType(await service.update(parseId(id), input));
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Deletes an account; proxies stop using it at once (admins only).' })
  async deleteAccount(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'Account id.' }) id: string): Promise<boolean> {
    return new AccountsService(serviceContext(ctx)).delete(parseId(id));
  }

  @Authorized('ADMIN')
  @Mutation(() => AccountType, { description: 'Lets the proxy route new requests to the account, or stops it (admins only).' })
  async setAccountSchedulable(
    @Ctx() ctx: AppContext,
    @Arg('id', () => ID, { description: 'Account id.' }) id: string,
    @Arg('schedulable', () => Boolean, { description: 'true to route requests to it, false to pause it.' }) schedulable: boolean,
  ): Promise<AccountType> {
    const service = new AccountsService(serviceContext(ctx));
    return service.toType(await service.setSchedulable(parseId(id), schedulable));
  }

  @Authorized('ADMIN')
  @Mutation(() => AccountTestResult, { description: 'Sends one small real request through the account and reports status, latency and the first words of the answer (admins only).' })
  async testAccount(
    @Ctx() ctx: AppContext,
    @Arg('id', () => ID, { description: 'Account id.' }) id: string,
    @Arg('model', () => String, { description: 'Model to ask, e.g. claude-sonnet-4-20250514 (the account\'s model mapping applies).' }) model: string,
  ): Promise<AccountTestResult> {
    return probeAccount(serviceContext(ctx), parseId(id), model);
  }

  @Subscription(() => ProxyTestEvent, {
    description: 'Sends a prompt through the account (as testAccount does) and streams the answer back as it arrives: STARTED, TEXT pieces, then DONE or ERROR. Unsubscribing stops the upstream request (admins only).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, ProxyTestArgs, AppContext>) => {
      if (!context.user) throw errors.unauthenticated();
      if (context.user.role !== 'ADMIN') throw errors.forbidden();
      return proxyTestEvents(serviceContext(context), parseId(args.accountId, 'accountId'), args.model, args.prompt);
    },
  })
  proxyTest(
    @Root() event: ProxyTestEvent,
    // Declared for the schema; `subscribe` above reads them.
    @Arg('accountId', () => ID, { description: 'Account to send the prompt through.' }) _accountId: string,
    @Arg('model', () => String, { description: 'Model to ask, e.g. claude-sonnet-4-20250514 (the account\'s model mapping applies).' }) _model: string,
    @Arg('prompt', () => String, { description: `The prompt to send (1–${MAX_TEST_PROMPT_CHARS} characters).` }) _prompt: string,
  ): ProxyTestEvent {
    return event;
  }
}
