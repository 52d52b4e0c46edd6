import type { Server } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { koaMiddleware } from '@as-integrations/koa';
import type { MikroORM } from '@mikro-orm/core';
import { answerMetrics, newRequestId, SecretBox } from '@relay/core';
import type { Logger } from '@relay/core/logger';
import type { HotStore } from '@relay/hot-store';
import type { ControlPlaneConfig } from './config.ts';
import { resolveSecrets, type ServerSecrets } from './secrets.ts';
import { buildAppSchema } from './graphql/schema.ts';
import { createApolloServer } from './graphql/apollo.ts';
import { graphqlLimitsOf } from './graphql/limits.ts';
import { createAppContext, type AppContext, type AppServices } from './graphql/context.ts';
import { GraphQLError } from 'graphql';
import { jsonBody } from './http/body.ts';
import { securityHeaders } from './http/security-headers.ts';
import { adminStatic } from './http/admin-static.ts';
import { createGraphqlWebSocket } from './http/websocket.ts';
import { SnapshotPublisher } from './modules/snapshot/snapshot.publisher.ts';
import { AuditService } from './modules/audit/audit.service.ts';
import { ControlPlaneMetrics } from './metrics.ts';
import { AlertService } from './modules/alerts/alert.service.ts';
import { addExportRoutes } from './modules/exports/export.routes.ts';

export interface ControlPlaneDeps {
  orm: MikroORM;
  store: HotStore;
  config: ControlPlaneConfig;
  logger: Logger;
  /** Defaults to resolveSecrets(config) (configured values, or DATA_DIR/secrets.json). */
  secrets?: ServerSecrets;
  /** Folder of the built admin SPA (defaults to apps/admin/dist). */
  adminDistDir?: string;
}

export interface ControlPlane {
  app: Koa;
  /** Node request listener for http.createServer. */
  httpHandler: ReturnType<Koa['callback']>;
  /** Serves graphql-ws subscriptions on `server`'s /graphql path. */
  attachWebSocket(server: Server): void;
  /** Singletons (snapshot publisher, secrets, metrics, …) for background jobs and tests. */
  services: AppServices;
  /**
   * Adds a check to `/readyz` (embedded mode: the proxy's snapshot and store); the answer lists
   * each check by name and is 200 only when all pass.
   */
  addReadinessCheck(name: string, check: () => Promise<boolean> | boolean): void;
  /** Stops the GraphQL server and websockets (does not close the ORM or store: the caller owns them). */
  close(): Promise<void>;
}

/** The control plane's HTTP app: GraphQL over HTTP and WebSocket, health checks and the admin SPA. */
export async function createControlPlane(deps: ControlPlaneDeps): Promise<ControlPlane> {
  const { orm, store, config, logger } = deps;
  const secrets = deps.secrets ?? resolveSecrets(config);
  const metrics = new ControlPlaneMetrics();
  const services: AppServices = {
    orm,
    store,
    config,
    secrets,
    secretBox: SecretBox.fromKey(secrets.encryptionKey),
    logger,
    snapshots: new SnapshotPublisher(orm, store, logger, config.usageTimezone, () => metrics.snapshotPublishFailures.inc()),
    audit: new AuditService(),
    metrics,
    alerts: new AlertService({ orm, logger }),
  };
  metrics.watch({ store, snapshots: services.snapshots });
  const schema = await buildAppSchema();
  const apollo = await createApolloServer({ schema, logger, store, limits: graphqlLimitsOf(config), introspection: config.graphqlIntrospection, plugins: [metrics.graphqlPlugin<AppContext>()] });
  const ws = createGraphqlWebSocket({ schema, services });

  const app = new Koa({ proxy: config.trustProxy });
  app.silent = true;
  app.on('error', (err, ctx?: Koa.Context) => {
    if ((err as { code?: string }).code === 'ECONNRESET') return;
    logger.error({ err, requestId: ctx?.state.requestId }, 'HTTP request failed');
  });

  app.use(async (ctx, next) => {
    const started = performance.now();
    const requestId = newRequestId();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      // Routes that write the response themselves (ctx.respond = false) leave ctx.status at its default.
      const status = ctx.respond === false ? ctx.res.statusCode : ctx.status;
      const line = { requestId, method: ctx.method, path: ctx.path, status, ms: Math.round(performance.now() - started) };
      if (ctx.path === '/healthz' || ctx.path === '/readyz' || ctx.path === '/metrics') logger.debug(line, 'request');
      else logger.info(line, 'request');
    }
  });
  app.use(securityHeaders);

  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  const readinessChecks: { name: string; check: () => Promise<boolean> | boolean }[] = [];
  router.get('/readyz', async (ctx) => {
    const [db, hot, ...extra] = await Promise.allSettled([
      orm.em.fork().getConnection().execute('select 1'), store.ping(), ...readinessChecks.map(async (c) => c.check()),
    ]);
    const checks: Record<string, boolean> = { database: db.status === 'fulfilled', hotStore: hot.status === 'fulfilled' };
    readinessChecks.forEach((c, i) => (checks[c.name] = extra[i].status === 'fulfilled' && extra[i].value === true));
    const ok = Object.values(checks).every(Boolean);
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ok' : 'unavailable', ...checks };
  });
  // Operators only: revenue, token totals and account ids must not be public (METRICS_TOKEN).
  router.get('/metrics', async (ctx) => {
    ctx.respond = false;
    await answerMetrics(ctx.req, ctx.res, () => metrics.text(), config.metricsToken, true);
  });

  const graphql = koaMiddleware(apollo, {
    context: async ({ ctx }): Promise<AppContext> => {
      try {
        return await createAppContext(services, {
          authorization: ctx.get('authorization') || null,
          ip: ctx.ip || null,
          userAgent: ctx.get('user-agent') || null,
          requestId: ctx.state.requestId as string,
        });
      } catch (err) {
        logger.error({ err, requestId: ctx.state.requestId }, 'could not build the GraphQL context');
        throw new GraphQLError('Internal error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      }
    },
  });
  router.post('/graphql', jsonBody(), graphql);
  router.get('/graphql', graphql);
  addExportRoutes(router, services);
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(adminStatic(deps.adminDistDir));

  return {
    app,
    httpHandler: app.callback(),
    attachWebSocket: (server) => ws.attach(server),
    services,
    addReadinessCheck: (name, check) => void readinessChecks.push({ name, check }),
    async close() {
      await ws.close();
      await apollo.stop();
      await services.snapshots.close();
    },
  };
}
