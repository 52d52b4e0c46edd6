import { Arg, Resolver, Root, Subscription } from 'type-graphql';
import type { UsageEvent } from '@relay/core';
import type { AppContext } from '../../graphql/context.ts';
import { errors } from '../../graphql/errors.ts';
import { parseId } from '../../graphql/ids.ts';
import { UsageRecordType } from '../usage/usage.types.ts';
import { RequestLoggedFilter } from '../usage/usage.inputs.ts';
import { liveLogHubFor } from './live-logs.hub.ts';


/**
 * The server-side predicate of one subscription. A USER is pinned to their own user id whatever
 * the filter says (asking for someone else is FORBIDDEN); an ADMIN receives everything that matches.
 */
export function liveLogPredicate(ctx: Pick<AppContext, 'user'>, filter: RequestLoggedFilter | null | undefined): (e: UsageEvent) => boolean {
  const me = ctx.user;
  if (!me) throw errors.unauthenticated();
  let userId = filter?.userId ? String(parseId(filter.userId, 'userId')) : null;
  if (me.role !== 'ADMIN') {
    if (userId !== null && userId !== String(me.id)) throw errors.forbidden('You can only watch your own requests');
    userId = String(me.id);
  }
  const apiKeyId = filter?.apiKeyId ? String(parseId(filter.apiKeyId, 'apiKeyId')) : null;
  const model = filter?.model ?? null;
  const status = filter?.status ?? null;
  return (e) =>
    (userId === null || e.userId === userId) &&
    (apiKeyId === null || e.apiKeyId === apiKeyId) &&
    (model === null || e.model === model) &&
    (status === null || e.status === status);
}

@Resolver()
export class LiveLogsResolver {
  @Subscription(() => UsageRecordType, {
    description: 'Each request as it finishes, from every proxy (graphql-ws). Admins may watch everyone; users receive only their own requests.',
    subscribe: ({ args, context }) => {
      const ctx = context as AppContext;
      const accept = liveLogPredicate(ctx, args.filter as RequestLoggedFilter | null | undefined);
      return liveLogHubFor(ctx.store, ctx.services.logger).events(accept);
    },
  })
  requestLogged(
    @Root() event: UsageEvent,
    // Declared for the schema; the filter is applied in `subscribe` above.
    @Arg('filter', () => RequestLoggedFilter, { nullable: true, description: 'Optional filter.' }) _filter?: RequestLoggedFilter | null,
  ): UsageRecordType {
    return UsageRecordType.fromEvent(event);
  }
}
