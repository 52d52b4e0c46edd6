import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { modelFamily, PLATFORM_FORMAT, type SnapshotAccount, type SnapshotKey, type WireFormat } from '@relay/core';
import type { Endpoint } from '../context.ts';
import { proxyError } from '../errors.ts';
import type { SnapshotIndex } from '../snapshot/snapshot-index.ts';
import type { AccountHealth } from './account-health.ts';
import type { UsageWindowView } from './usage-windows.ts';

export interface SelectInput {
  index: SnapshotIndex;
  health: AccountHealth;
  /** Subscription usage windows: paused accounts are skipped, more remaining window is preferred. */
  windows?: UsageWindowView;
  key: SnapshotKey;
  model: string;
  clientFormat: WireFormat;
  endpoint: Endpoint;
  /** Whether the proxy can translate between two formats (translate layer present). */
  canTranslate: (from: WireFormat, to: WireFormat) => boolean;
  /** The account a sticky session used last, if any. */
  stickyAccountId: string | null;
  now: number;
}

/** Whether an account can serve a model: its mapping, its model list, or the platform's model family. */
export function accountServesModel(a: SnapshotAccount, model: string): boolean {
  if (Object.prototype.hasOwnProperty.call(a.modelMapping, model)) return true;
  if (a.supportedModels) return a.supportedModels.includes(model);
  return modelFamily(model) === PLATFORM_FORMAT[a.platform];
}

function endpointAllows(a: SnapshotAccount, endpoint: Endpoint): boolean {
  // Token counting is an Anthropic API operation that Bedrock does not offer.
  const anthropicApi = PLATFORM_FORMAT[a.platform] === 'anthropic' && a.platform !== 'bedrock';
  switch (endpoint) {
    case 'count_tokens': return anthropicApi;
    // Gemini counts itself; an Anthropic account counts the translated request (count_tokens).
    case 'gemini_count_tokens': return a.platform === 'gemini' || anthropicApi;
    // Embeddings exist only at OpenAI (also on Azure) and Gemini; Gemini's own routes only at Gemini.
    case 'embed_content':
    case 'batch_embed_contents': return a.platform === 'gemini';
    case 'embeddings': return a.platform === 'openai' || a.platform === 'azure-openai' || a.platform === 'gemini';
    default: return true;
  }
}

/** The accounts to try for one request, and when the first account left out could serve again. */
export interface Selection {
  accounts: SnapshotAccount[];
  /** Epoch ms the earliest paused / cooling-down / breaker-open compatible account can serve again; null when none is or it is unknown. */
  resumeAt: number | null;
}

/**
 * When an account can serve again: the later of its usage-window pause's end and its cooldown's
 * (or open breaker's) end; `now` when it can now; null when unknown (its half-open breaker's probe
 * is out and it is not paused).
 */
export function accountResumesAt(accountId: string, health: Pick<AccountHealth, 'availableFrom'>, windows: UsageWindowView | undefined, now: number): number | null {
  const paused = windows?.pausedUntil(accountId, now) ?? null;
  const healthy = health.availableFrom(accountId, now);
  if (paused === null) return healthy;
  return healthy === null ? paused : Math.max(paused, healthy);
}

/** The earliest future moment one of `accounts` can serve again (see {@link accountResumesAt}); null when none has a known one. */
export function earliestResume(accounts: SnapshotAccount[], health: Pick<AccountHealth, 'availableFrom'>, windows: UsageWindowView | undefined, now: number): number | null {
  let min: number | null = null;
  for (const a of accounts) {
    const at = accountResumesAt(a.id, health, windows, now);
    if (at !== null && at > now && (min === null || at < min)) min = at;
  }
  return min;
}

/**
 * The ordered accounts to try for one request: compatible (model + format), ACTIVE,
 * schedulable, within the key's account binding, allowed for the key, not paused by a spent usage window, not cooling down,
 * circuit breaker not open; the sticky session's account first, then by priority (lower first), then same-format before
 * translated, then more remaining usage window first, then least recently used. Concurrency caps are checked when an account
 * is actually tried (a lease). Throws 403 when only the key's platform list excludes every compatible account, and 429 with
 * `retry-after` (seconds to the earliest reset) when every compatible account left out is paused by its usage window.
 */
export function planAccounts(input: SelectInput): Selection {
  const { index, key, model, now } = input;
  const allowed = key.allowedPlatforms;
  const bound = index.boundAccounts(key);
  let excludedByKey = 0;
  let paused = 0;
  const leftOut: SnapshotAccount[] = [];
  const out: SnapshotAccount[] = [];
  for (const a of index.snapshot.accounts) {
    if (a.status !== 'ACTIVE' || !a.schedulable) continue;
    // A bound key (its own binding or its owner's default) is served only by its accounts, sticky session or not.
    if (bound && !bound.has(a.id)) continue;
    if (!accountServesModel(a, model) || !endpointAllows(a, input.endpoint)) continue;
    const fmt = PLATFORM_FORMAT[a.platform];
    if (fmt !== input.clientFormat && !input.canTranslate(input.clientFormat, fmt)) continue;
    if (allowed && !allowed.includes(a.platform)) {
      excludedByKey++;
      continue;
    }
    if (input.windows?.pausedUntil(a.id, now) != null) {
      paused++;
      leftOut.push(a);
      continue;
    }
    if (!input.health.isAvailable(a.id, now)) {
      leftOut.push(a);
      continue;
    }
    out.push(a);
  }
  if (out.length === 0 && excludedByKey > 0) throw proxyError('platform_not_allowed', `This API key may not use the platforms serving ${model}`);
  const resumeAt = earliestResume(leftOut, input.health, input.windows, now);
  if (out.length === 0 && paused > 0 && paused === leftOut.length && resumeAt !== null) throw windowsSpentError(model, resumeAt, now, true);
  const sticky = input.stickyAccountId;
  out.sort((x, y) => {
    if (sticky) {
      if (x.id === sticky && y.id !== sticky) return -1;
      if (y.id === sticky && x.id !== sticky) return 1;
    }
    if (x.priority !== y.priority) return x.priority - y.priority;
    // At equal priority a same-format account wins: passthrough beats translation.
    const xs = PLATFORM_FORMAT[x.platform] === input.clientFormat ? 0 : 1;
    const ys = PLATFORM_FORMAT[y.platform] === input.clientFormat ? 0 : 1;
    if (xs !== ys) return xs - ys;
    if (input.windows) {
      const left = input.windows.remainingBp(y.id, now) - input.windows.remainingBp(x.id, now);
      if (left !== 0) return left;
    }
    return input.health.lastUsedAt(x.id) - input.health.lastUsedAt(y.id);
  });
  return { accounts: out, resumeAt };
}

/** {@link planAccounts}' accounts only. */
export function selectAccounts(input: SelectInput): SnapshotAccount[] {
  return planAccounts(input).accounts;
}

/** `retry-after` in whole seconds until `resumeAt` (at least 1). */
export function retryAfter(resumeAt: number, now: number): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil((resumeAt - now) / 1000))) };
}

/**
 * 429 in the client's format telling when capacity returns (`retry-after` until `resumeAt`): every account
 * serving the model has used up its usage window (`allPaused`), or some have and the others are rate limited.
 */
export function windowsSpentError(model: string, resumeAt: number, now: number, allPaused: boolean) {
  const why = allPaused ? 'has used up its usage window' : 'is rate limited or has used up its usage window';
  return proxyError('rate_limited', `Every account serving ${model} ${why}; capacity returns at ${new Date(resumeAt).toISOString()}`, retryAfter(resumeAt, now));
}

/** 503 when no account could be tried; with `retry-after` when the first one's return is known. */
export function noAccountError(model: string, resumeAt: number | null, now: number) {
  if (resumeAt === null) return proxyError('no_available_account', 'No upstream account is available for this model right now');
  return proxyError('no_available_account', `No account serving ${model} is available right now; the first returns at ${new Date(resumeAt).toISOString()}`, retryAfter(resumeAt, now));
}

/** The session inside Anthropic `metadata.user_id`: Claude Code's JSON (`{"session_id":…}`) or its older `user_…_session_<uuid>`. */
function sessionOfUserId(userId: string): string {
  if (userId.startsWith('{')) {
    try {
      const parsed = JSON.parse(userId) as { session_id?: unknown };
      if (typeof parsed.session_id === 'string' && parsed.session_id) return parsed.session_id;
    } catch {
      // Not JSON after all: the whole string is the session.
    }
    return userId;
  }
  const i = userId.indexOf('session_');
  return i >= 0 ? userId.slice(i + 8) : userId;
}

/**
 * The client's session id hashed, for sticky routing: Claude Code's `x-claude-code-session-id`
 * header, the session in Anthropic `metadata.user_id`, the `x-session-id` header, or Codex's
 * `session_id` / `session-id` / `conversation_id`. Null when the client has no session.
 */
export function sessionHash(body: any, headers: IncomingHttpHeaders): string | null {
  let session: string | undefined;
  const claudeCode = headers['x-claude-code-session-id'];
  if (typeof claudeCode === 'string' && claudeCode) session = claudeCode;
  const userId = body?.metadata?.user_id;
  if (!session && typeof userId === 'string' && userId) session = sessionOfUserId(userId);
  // Codex CLI names its thread in `session_id` (older releases), `session-id` or `conversation_id`.
  for (const name of ['x-session-id', 'session_id', 'session-id', 'conversation_id']) {
    const h = headers[name];
    if (!session && typeof h === 'string' && h) session = h;
  }
  if (!session) return null;
  return createHash('sha256').update(session).digest('hex').slice(0, 32);
}
