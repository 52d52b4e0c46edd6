import type { SnapshotAccount } from '@relay/core';
import { streamTestAccountRequest, TEST_CANCELLED, testAccountRequest, type AccountTestOutcome, type AccountTestRequest } from '@relay/upstreams';
import type { Account } from '@relay/db';
import { runMutation, type ServiceContext } from '../../service-context.ts';
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

/** Longest prompt an admin may send through the proxy test (characters). */
export const MAX_TEST_PROMPT_CHARS = 4000;

/** The model name of a test, trimmed, or BAD_USER_INPUT. */
function testModelName(model: string): string {
  const name = model.trim();
  if (!name || name.length > 128) throw errors.badInput('model', 'must be a model name of 1–128 characters');
  return name;
}

/**
 * What the proxy's test request needs from an account row: the snapshot view, decrypted
 * credentials and egress proxy. A Claude OAuth token about to expire is refreshed first, under
 * the shared lock. NOT_FOUND when the account does not exist.
 */
async function testRequestFor(ctx: ServiceContext, id: number, model: string, prompt?: string): Promise<AccountTestRequest> {
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
  return { account: snapshotAccountOf(account), credentials, model, egressProxyUrl, prompt, addressPolicy: { allowPrivate: ctx.services.config.allowPrivateUpstreams } };
}

/** Records one account test in the audit log (never the prompt or the answer). */
async function auditTest(ctx: ServiceContext, id: number, model: string, outcome: AccountTestOutcome, extra: Record<string, unknown> = {}): Promise<void> {
  await runMutation(ctx, async (tx) => tx.audit({
    action: 'account.test', targetType: 'account', targetId: id,
    after: { model, ok: outcome.status >= 200 && outcome.status < 300 && outcome.error === null, status: outcome.status, latencyMs: outcome.latencyMs, ...extra },
  }));
}

/**
 * Sends one small real request through an account with the proxy's own adapter (so the test
 * exercises exactly what traffic would) and reports status, latency and the first words of the
 * answer.
 */
export async function probeAccount(ctx: ServiceContext, id: number, model: string): Promise<AccountTestResult> {
  const name = testModelName(model);
  const outcome = await runAccountTest(ctx, id, name);
  const result = Object.assign(new AccountTestResult(), {
    ok: outcome.status >= 200 && outcome.status < 300,
    status: outcome.status,
    latencyMs: outcome.latencyMs,
    text: firstWords(outcome.text),
    error: outcome.error,
  });
  await auditTest(ctx, id, name, outcome);
  return result;
}

/** One test request through an account, not audited (the scheduled health probe records its own result). */
export async function runAccountTest(ctx: ServiceContext, id: number, model: string): Promise<AccountTestOutcome> {
  return testAccountRequest(await testRequestFor(ctx, id, model));
}

/** A streamed account test that has been checked and is ready to send. */
export interface StreamProbe {
  /**
   * Sends the request; `onText` receives each piece of the answer as it arrives. Aborting
   * `signal` closes the upstream. Resolves with the final outcome once the test is audited.
   */
  run(onText: (delta: string) => void, signal: AbortSignal): Promise<AccountTestOutcome>;
}

/**
 * Checks the input and loads the account (BAD_USER_INPUT / NOT_FOUND are thrown here, before
 * anything is sent), then returns the streamed test to run: same request path as
 * {@link probeAccount}, with the admin's prompt, answered as a stream.
 */
export async function prepareStreamProbe(ctx: ServiceContext, id: number, model: string, prompt: string): Promise<StreamProbe> {
  const name = testModelName(model);
  if (!prompt.trim() || prompt.length > MAX_TEST_PROMPT_CHARS) throw errors.badInput('prompt', `must be 1–${MAX_TEST_PROMPT_CHARS} characters`);
  const request = await testRequestFor(ctx, id, name, prompt);
  return {
    async run(onText, signal) {
      const outcome = await streamTestAccountRequest(request, onText, signal);
      await auditTest(ctx, id, name, outcome, { stream: true, ...(outcome.error === TEST_CANCELLED ? { cancelled: true } : {}) });
      return outcome;
    },
  };
}
