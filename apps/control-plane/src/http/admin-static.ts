import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';
import send from 'koa-send';

/** Set by `pnpm build` (scripts/build.mjs): the SPA's folder relative to the bundle, `dist/admin`. */
declare const __RELAY_ADMIN_DIST__: string | undefined;

/** Where the admin SPA is: apps/admin/dist from the sources, dist/admin next to a bundle. */
export const ADMIN_DIST_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  typeof __RELAY_ADMIN_DIST__ === 'string' ? __RELAY_ADMIN_DIST__ : '../../../admin/dist',
);

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Relay</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Relay control plane is running</h1>
<p>The admin app has not been built yet. Build it with:</p>
<pre style="background:#f4f4f4;padding:1rem">pnpm --filter @relay/admin build</pre>
<p>then reload this page. The GraphQL API is available at <code>/graphql</code>.</p>
</body></html>`;

/** Paths that belong to APIs: never answered with the SPA's index.html. */
const API_PATH = /^\/(graphql|healthz|readyz|metrics|v1|v1beta|api|claude|gemini)(\/|$)/;

/**
 * Serves the built admin SPA: files from apps/admin/dist, and index.html for any other non-API GET
 * (client-side routes). Hashed assets are cached for a year; index.html never.
 */
export function adminStatic(distDir = ADMIN_DIST_DIR) {
  return async function serveAdmin(ctx: Context, next: Next): Promise<void> {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || API_PATH.test(ctx.path)) return next();
    const index = resolve(distDir, 'index.html');
    if (!existsSync(index)) {
      ctx.status = 200;
      ctx.type = 'html';
      ctx.body = MISSING_BUILD_PAGE;
      return;
    }
    if (ctx.path !== '/' && !ctx.path.endsWith('/')) {
      try {
        const served = await send(ctx, ctx.path, {
          root: distDir,
          index: false,
          maxage: ctx.path.startsWith('/assets/') ? 365 * 24 * 3600 * 1000 : 0,
          immutable: ctx.path.startsWith('/assets/'),
        });
        if (served) return;
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status !== 404 && status !== 400 && status !== 403) throw err;
      }
    }
    if (ctx.path.startsWith('/assets/')) {
      ctx.status = 404;
      return;
    }
    ctx.set('Cache-Control', 'no-cache');
    await send(ctx, 'index.html', { root: distDir });
  };
}
