import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '@relay/core/logger';
import type { AppContext } from './context.ts';
import { formatError, isUnexpectedError } from './format-error.ts';
import { assertCostWithinLimit, depthLimitRule } from './limits.ts';

/** Rejects over-expensive operations once the operation to run is known (variables included). */
function costLimitPlugin(maxCost: number): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          assertCostWithinLimit({ schema, document, operationName: request.operationName, variables: request.variables, maxCost });
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

/** The Apollo server for the API, with depth and cost limits and the error mapper. */
export async function createApolloServer(opts: { schema: GraphQLSchema; logger: Logger; maxDepth: number; maxCost: number }): Promise<ApolloServer<AppContext>> {
  const server = new ApolloServer<AppContext>({
    schema: opts.schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimitRule(opts.maxDepth)],
    // Introspection stays on: schema.graphql is public anyway, and scripts use codegen.
    introspection: true,
    plugins: [ApolloServerPluginLandingPageDisabled(), costLimitPlugin(opts.maxCost), errorLoggingPlugin(opts.logger)],
    // shutdown.ts owns SIGTERM: Apollo's own handler re-raises the signal, which our handler took for
    // a second one and exited at once, dropping the usage batch in flight (left pending until claimed).
    stopOnTerminationSignals: false,
  });
  await server.start();
  return server;
}
