import { Readable } from 'node:stream';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { ErrorCode } from '@relay/core';
import { authenticateToken, bearerToken } from '../auth/auth.tokens.ts';
import { DomainError, errors } from '../../graphql/errors.ts';
import type { AppServices, ServiceContext } from '../../service-context.ts';
import { checkRange, UsageService } from '../usage/usage.service.ts';
import { UsageScope } from '../usage/usage.inputs.ts';
import { UsageExportService } from './export.service.ts';

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_USER_INPUT]: 400,
};

/** One query parameter as a string (the first if repeated), or null. */
function param(ctx: Context, name: string): string | null {
  const v = ctx.query[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? null : s;
}

function instant(ctx: Context, name: string): Date | null {
  const s = param(ctx, name);
  if (s === null) return null;
  const t = Date.parse(s);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(t)) throw errors.badInput(name, 'must be an ISO date-time such as 2026-01-31T00:00:00Z');
  return new Date(t);
}

function scopeOf(ctx: Context): UsageScope | null {
  const s = param(ctx, 'scope');
  if (s === null) return null;
  if (s !== UsageScope.MINE && s !== UsageScope.PLATFORM) throw errors.badInput('scope', 'must be MINE or PLATFORM');
  return s;
}

/** Authenticates the Bearer session or access token and resolves whose usage the query names (UsageScope rules). */
async function prepare(services: AppServices, ctx: Context) {
  const em = services.orm.em.fork();
  const token = bearerToken(ctx.get('authorization') || null);
  const user = token ? await authenticateToken(em, token) : null;
  if (!user) throw errors.unauthenticated();
  const sctx: ServiceContext = { em, actor: { kind: 'caller', user, ip: ctx.ip || null, userAgent: ctx.get('user-agent') || null }, services };
  const scope = new UsageService(sctx).resolveScope({ scope: scopeOf(ctx), userId: param(ctx, 'userId'), apiKeyId: param(ctx, 'apiKeyId') });
  const model = param(ctx, 'model');
  if (model !== null && model.length > 128) throw errors.badInput('model', 'must be at most 128 characters');
  return { sctx, scope, admin: user.role === 'ADMIN', model };
}

function sendCsv(ctx: Context, filename: string, rows: AsyncGenerator<string>): void {
  ctx.set('Content-Type', 'text/csv; charset=utf-8');
  ctx.set('Content-Disposition', `attachment; filename="${filename}"`);
  ctx.set('Cache-Control', 'no-store');
  // Readable.from pulls the next chunk only when the response has drained: backpressure down to SQL.
  ctx.body = Readable.from(rows);
}

/** Wraps a handler so domain errors answer with their HTTP status and a JSON message (no stack). */
function handled(fn: (ctx: Context) => Promise<void>) {
  return async (ctx: Context) => {
    try {
      await fn(ctx);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      ctx.status = STATUS_OF[err.code] ?? 400;
      ctx.body = { error: { code: err.code, message: err.message } };
    }
  };
}

/**
 * `GET /api/export/usage-records.csv` (request_logs; since/until ISO instants, model, status) and
 * `GET /api/export/usage-daily.csv` (usage_daily; from/to days YYYY-MM-DD, model). Both take the
 * usage page's scope, userId and apiKeyId with the same rules as the GraphQL usage queries; a
 * user's export never has base-cost, price-rate or account columns.
 */
export function addExportRoutes(router: Router, services: AppServices): void {
  router.get('/api/export/usage-records.csv', handled(async (ctx) => {
    const { sctx, scope, admin, model } = await prepare(services, ctx);
    const statusText = param(ctx, 'status');
    if (statusText !== null && !/^\d{3}$/.test(statusText)) throw errors.badInput('status', 'must be an HTTP status');
    const filter = { model, status: statusText === null ? null : Number(statusText), since: instant(ctx, 'since'), until: instant(ctx, 'until') };
    sendCsv(ctx, 'usage-records.csv', new UsageExportService(sctx).records(scope, filter, admin));
  }));
  router.get('/api/export/usage-daily.csv', handled(async (ctx) => {
    const { sctx, scope, admin, model } = await prepare(services, ctx);
    const from = param(ctx, 'from');
    const to = param(ctx, 'to');
    if (from === null) throw errors.badInput('from', 'is required (YYYY-MM-DD)');
    if (to === null) throw errors.badInput('to', 'is required (YYYY-MM-DD)');
    checkRange(from, to);
    sendCsv(ctx, `usage-daily-${from}-${to}.csv`, new UsageExportService(sctx).daily(scope, { model, from, to }, admin));
  }));
}
