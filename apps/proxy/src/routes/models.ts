import type { Context } from 'koa';
import type { ProxyState } from '../context.ts';
import { isModelAllowed } from '../auth/authenticate.ts';
import { sendJson } from '../errors.ts';
import type { Middleware } from '../http/middleware.ts';
import { accountServesModel } from '../routing/select-account.ts';
import type { ProxyRuntime } from '../runtime.ts';

/**
 * The models this key can reach: every model named by an active account (supportedModels,
 * modelMapping) or by a price that some allowed account serves, filtered by the key's model and
 * platform lists and its account binding; plus the key's own model aliases whose target is reachable.
 */
export function reachableModels(s: ProxyState): string[] {
  const bound = s.index.boundAccounts(s.key);
  const accounts = s.index.snapshot.accounts.filter(
    (a) => a.status === 'ACTIVE' && (!s.key.allowedPlatforms || s.key.allowedPlatforms.includes(a.platform)) && (!bound || bound.has(a.id)),
  );
  const names = new Set<string>();
  for (const a of accounts) {
    for (const m of a.supportedModels ?? []) names.add(m);
    for (const m of Object.keys(a.modelMapping)) names.add(m);
  }
  for (const m of s.index.pricedModels()) if (accounts.some((a) => accountServesModel(a, m))) names.add(m);
  const served = [...names].filter((m) => isModelAllowed(s.key, m) && s.index.hasAnyPrice(m));
  const reachable = new Set(served);
  for (const [alias, target] of Object.entries(s.key.modelMapping ?? {})) if (reachable.has(target)) served.push(alias);
  return [...new Set(served)].sort();
}

/** GET /v1/models in OpenAI format, or Anthropic's when an anthropic-version header is present. */
export function listModelsHandler(_rt: ProxyRuntime): Middleware {
  return async (ctx: Context) => {
    const s = ctx.state as ProxyState;
    const models = reachableModels(s);
    const created = Math.floor(new Date(s.index.snapshot.generatedAt).getTime() / 1000) || 0;
    const headers = { 'x-request-id': s.requestId };
    if (ctx.get('anthropic-version')) {
      const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: new Date(created * 1000).toISOString() }));
      sendJson(ctx.res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }, headers);
      return;
    }
    sendJson(ctx.res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'relay' })) }, headers);
  };
}
