import type { SnapshotAccount } from '@relay/core';
import { testAccountRequest } from '@relay/proxy/test-account';
import type { Account } from '@relay/db';
import type { AppContext } from '../../graphql/context.ts';
import { errors } from '../../graphql/errors.ts';
import { ClaudeTokenRefresher, REFRESH_WITHIN_MS } from '../oauth/oauth.refresher.ts';
import { AccountsService } from './accounts.service.ts';
import { AccountTestResult } from './accounts.types.ts';

/** How much of the answer the admin sees: the first words, not a whole essay. */
const MAX_WORDS = 30;
const MAX_CHARS = 300;

/** The first words of a text, with "…" when cut. */
export function firstWords(text: string): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  let out = words.slice(0, MAX_WORDS).join(' ');
  if (out.length > MAX_CHARS) out = out.slice(0, MAX_CHARS);
  return out.length < text.trim().length ? `${out}…` : out;
}

function snapshotAccountOf(a: Account): SnapshotAccount {
  return {
    id: String(a.id), name: a.name, platform: a.platform, status: a.status, schedulable: a.schedulable, priority: a.priority,
    baseUrl: a.baseUrl, credentials: a.credentials, supportedModels: a.supportedModels, modelMapping: a.modelMapping ?? {},
    concurrency: a.concurrency, egressProxy: a.egressProxy, settings: a.settings ?? {},
  };
}

/**
 * Sends one small real request through an account with the proxy's own adapter (so the test
 * exercises exactly what traffic would) and reports status, latency and the first words of the
 * answer. A Claude OAuth token about to expire is refreshed first, under the shared lock.
 */
export async function probeAccount(ctx: AppContext, id: number, model: string): Promise<AccountTestResult> {
  const name = model.trim();
  if (!name || name.length > 128) throw errors.badInput('model', 'must be a model name of 1–128 characters');
  const accounts = new AccountsService(ctx);
  let account = await accounts.get(id);
  let credentials = accounts.credentials(account);
  if (credentials.kind === 'oauth' && credentials.refreshToken && credentials.expiresAt !== null && credentials.expiresAt - Date.now() <= REFRESH_WITHIN_MS) {
    await new ClaudeTokenRefresher(ctx.services).refreshAccount(id);
    ctx.em.clear();
    account = await accounts.get(id);
    credentials = accounts.credentials(account);
  }
  const egressProxyUrl = account.egressProxy ? ctx.services.secretBox.decrypt(account.egressProxy) : null;
  const outcome = await testAccountRequest({ account: snapshotAccountOf(account), credentials, model: name, egressProxyUrl });
  const result = Object.assign(new AccountTestResult(), {
    ok: outcome.status >= 200 && outcome.status < 300,
    status: outcome.status,
    latencyMs: outcome.latencyMs,
    text: firstWords(outcome.text),
    error: outcome.error,
  });
  await ctx.audit.record({
    action: 'account.test', targetType: 'account', targetId: id,
    after: { model: name, ok: result.ok, status: result.status, latencyMs: result.latencyMs },
  });
  return result;
}
