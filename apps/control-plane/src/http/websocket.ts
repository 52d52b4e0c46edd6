import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, parse, specifiedRules, validate, type ExecutionArgs, type GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { newRequestId } from '@relay/core';
import { createAppContext, type AppServices } from '../graphql/context.ts';
import { formatError, isUnexpectedError } from '../graphql/format-error.ts';
import { armorProtection, CostGate, graphqlLimitsOf, maxTokensParseOptions } from '../graphql/limits.ts';
import type { GraphQLSchema } from 'graphql';

function toFormatted(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((e) => formatError(e.toJSON(), e));
}

/**
 * graphql-ws on the HTTP server's `/graphql` path. The client authenticates with
 * `connectionParams: { authorization: 'Bearer <token>' }`; every subscription gets its own context
 * (and EntityManager fork) and passes the same depth/cost limits as HTTP requests.
 */
export function createGraphqlWebSocket(opts: { schema: GraphQLSchema; services: AppServices }) {
  const { schema, services } = opts;
  const { config, logger } = services;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const limits = graphqlLimitsOf(config);
  const rules = [...specifiedRules, ...armorProtection(limits).validationRules];
  const gate = new CostGate(services.store, limits);

  const disposable = useServer(
    {
      schema,
      onSubscribe: async (ctx, _id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        let document;
        try {
          document = parse(payload.query, maxTokensParseOptions(limits));
        } catch (e) {
          return [e instanceof GraphQLError ? e : new GraphQLError('Invalid query')];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors;
        const params = ctx.connectionParams ?? {};
        const req = ctx.extra.request;
        const contextValue = await createAppContext(services, {
          authorization: typeof params.authorization === 'string' ? params.authorization : null,
          ip: req.socket.remoteAddress ?? null,
          userAgent: req.headers['user-agent'] ?? null,
          requestId: newRequestId(),
        });
        try {
          await gate.admit({ schema, document, operationName: payload.operationName, variables: payload.variables }, { userId: contextValue.user?.id, ip: contextValue.ip });
        } catch (e) {
          return [e as GraphQLError];
        }
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return;
        for (const e of result.errors) if (isUnexpectedError(e)) logger.error({ err: e.originalError ?? e }, 'GraphQL subscription failed');
        return { ...result, errors: toFormatted(result.errors) };
      },
      onError: (_ctx, _id, _payload, errors) => toFormatted(errors),
    },
    wss,
  );

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/graphql') return false;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    return true;
  }

  return {
    /** Routes `upgrade` requests for /graphql of `server` here; other paths are refused. */
    attach(server: Server): void {
      server.on('upgrade', (req, socket, head) => {
        if (!handleUpgrade(req, socket, head)) socket.destroy();
      });
    },
    handleUpgrade,
    async close(): Promise<void> {
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await disposable.dispose();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
