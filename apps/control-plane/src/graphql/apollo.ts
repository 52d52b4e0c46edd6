import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { HotStore } from '@relay/hot-store';
import type { Logger } from '@relay/core/logger';
import type { AppContext } from './context.ts';
import { formatError, isUnexpectedError } from './format-error.ts';
import { armorProtection, CostGate, maxTokensParseOptions, type GraphqlLimits } from './limits.ts';

/**
 * Prices the operation once it is known (variables included) and charges the caller's per-minute
 * budget, before anything executes. Over one operation's cap: 400; budget used up: 429 with
 * Retry-After.
 */
function costGatePlugin(gate: CostGate): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, contextValue }) {
          try {
            await gate.admit(
              { schema, document, operationName: request.operationName, variables: request.variables },
              { userId: contextValue.user?.id, ip: contextValue.ip },
            );
          } catch (e) {
            if (e instanceof GraphQLError && e.extensions.limit === 'COST_BUDGET') {
              const headers = new HeaderMap([['retry-after', String(e.extensions.retryAfterSeconds)]]);
              e.extensions.http = { status: 429, headers };
            } else if (e instanceof GraphQLError) {
              e.extensions.http = { status: 400 };
            }
            throw e;
          }
        },
      };
    },
  };
}

/** Logs unexpected errors with the request id (clients only see "Internal error"). */
function errorLoggingPlugin(logger: Logger): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const e of errors) {
            if (isUnexpectedError(e)) {
              logger.error({ err: unwrapResolverError(e), requestId: contextValue?.requestId, operationName, path: e.path }, 'GraphQL operation failed');
            }
          }
        },
      };
    },
  };
}

/**
 * The Apollo server for the API: token, alias, directive and depth bounds (refused while parsing
 * and validating), the cost gate (before execution), introspection as configured, and the error
 * mapper.
 */
export async function createApolloServer(opts: {
  schema: GraphQLSchema;
  logger: Logger;
  store: HotStore;
  limits: GraphqlLimits;
  introspection: boolean;
  plugins?: ApolloServerPlugin<AppContext>[];
}): Promise<ApolloServer<AppContext>> {
  const armor = armorProtection(opts.limits);
  const server = new ApolloServer<AppContext>({
    schema: opts.schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    parseOptions: maxTokensParseOptions(opts.limits),
    validationRules: armor.validationRules,
    introspection: opts.introspection,
    allowBatchedHttpRequests: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ...armor.plugins,
      costGatePlugin(new CostGate(opts.store, opts.limits)),
      errorLoggingPlugin(opts.logger),
      ...(opts.plugins ?? []),
    ],
    // shutdown.ts owns SIGTERM: Apollo's own handler re-raises the signal, which our handler took for
    // a second one and exited at once, dropping the usage batch in flight (left pending until claimed).
    stopOnTerminationSignals: false,
  });
  await server.start();
  return server;
}
