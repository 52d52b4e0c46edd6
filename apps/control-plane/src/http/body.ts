import type { Context, Next } from 'koa';

/** Largest GraphQL request body accepted (a query plus its variables). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

function jsonError(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = { errors: [{ message, extensions: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' } }] };
}

/**
 * Reads a JSON request body into `ctx.request.body` (what the Apollo Koa integration expects),
 * refusing more than `limit` bytes — checked against Content-Length first, then while reading, so
 * an oversized body is never buffered.
 */
export function jsonBody(limit = MAX_JSON_BODY_BYTES) {
  return async function readJsonBody(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'POST') return next();
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > limit) return jsonError(ctx, 413, `Request body exceeds ${limit} bytes`);
    if (!ctx.is('application/json', 'application/graphql-response+json', '+json')) {
      return jsonError(ctx, 415, 'Send the GraphQL request as application/json');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of ctx.req) {
        size += (chunk as Buffer).length;
        if (size > limit) {
          ctx.req.destroy();
          return jsonError(ctx, 413, `Request body exceeds ${limit} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch {
      return jsonError(ctx, 400, 'Could not read the request body');
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      (ctx.request as unknown as { body: unknown }).body = text.length ? JSON.parse(text) : {};
    } catch {
      return jsonError(ctx, 400, 'Request body is not valid JSON');
    }
    return next();
  };
}
