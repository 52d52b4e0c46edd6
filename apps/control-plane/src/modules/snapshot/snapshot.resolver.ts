import { Authorized, Ctx, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { hotChannels } from '@relay/core';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { runMutation } from '../../service-context.ts';
import { errors } from '../../graphql/errors.ts';
import { channelIterator } from '../../graphql/subscriptions.ts';

@Resolver()
export class SnapshotResolver {
  @Authorized('ADMIN')
  @Query(() => Int, { description: 'Version of the configuration snapshot proxies currently serve from (admins only).' })
  async configVersion(@Ctx() ctx: AppContext): Promise<number> {
    return ctx.store.getSnapshotVersion();
  }

  @Authorized('ADMIN')
  @Mutation(() => Int, { description: 'Recompiles and republishes the proxies\' configuration snapshot now; returns its version (admins only).' })
  async republishConfig(@Ctx() ctx: AppContext): Promise<number> {
    const version = await ctx.services.snapshots.requestRebuild();
    await runMutation(serviceContext(ctx), async (tx) => tx.audit({ action: 'config.republish', targetType: 'config', after: { version } }));
    return version;
  }

  @Subscription(() => Int, {
    description: 'Emits the version number each time a new configuration snapshot is published (admins only).',
    subscribe: ({ context }: SubscribeResolverData<unknown, Record<string, never>, AppContext>) => {
      if (!context.user) throw errors.unauthenticated();
      if (context.user.role !== 'ADMIN') throw errors.forbidden();
      return channelIterator(context.store, hotChannels.snapshotChanged);
    },
  })
  configVersionChanged(@Root() version: string): number {
    return Number(version);
  }
}
