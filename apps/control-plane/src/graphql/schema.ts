// type-graphql calls Reflect.getMetadata even when every type is explicit (esbuild emits none).
import 'reflect-metadata';
import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type AuthCheckerFn } from 'type-graphql';
import type { AppContext } from './context.ts';
import { errors } from './errors.ts';
import { RESOLVERS } from './resolvers.ts';
import { DateTimeScalar } from './scalars.ts';

/**
 * `@Authorized()` = any logged-in user; `@Authorized('ADMIN')` = admins. No caller gives
 * UNAUTHENTICATED, the wrong role FORBIDDEN.
 */
export const authChecker: AuthCheckerFn<AppContext> = ({ context }, roles) => {
  if (!context.user) throw errors.unauthenticated();
  if (roles.length > 0 && !roles.includes(context.user.role)) throw errors.forbidden();
  return true;
};

/**
 * type-graphql insists on a PubSub for `@Subscription`s, but ours use `subscribe:` with
 * `channelIterator(context.store, channel)` so that events fan out through the hot store of the
 * instance handling the connection. Topic-based subscriptions are therefore refused loudly.
 */
const noTopicPubSub = {
  publish(): void {
    throw new Error('Use ctx.store.publish(channel, …); topic-based PubSub is not used in this API');
  },
  subscribe(): AsyncIterable<unknown> {
    throw new Error('Declare @Subscription({ subscribe: ({ context }) => channelIterator(context.store, channel) })');
  },
};

let cached: Promise<GraphQLSchema> | undefined;

/**
 * The API schema built from the type-graphql classes (sorted, so the printed schema is stable).
 * Built once per process: type-graphql's metadata is global and the schema holds no per-instance
 * state (everything per-instance comes through the context).
 */
export function buildAppSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    // class-validator on every input/args class; unknown properties cannot arrive (GraphQL types them).
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
    pubSub: noTopicPubSub,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
  }).then((s) => lexicographicSortSchema(s));
  return cached;
}
