import { randomBytes } from 'node:crypto';
import { Account } from '@relay/db';
import { hotChannels, hotKeys, type Platform } from '@relay/core';
import { refreshFailedKey, type AccountTestOutcome } from '@relay/upstreams';
import { runMutation, systemContext, type AppServices } from '../../service-context.ts';
import { accountStatusAlert } from '../alerts/alert-events.ts';
import { ClaudeTokenRefresher } from '../oauth/oauth.refresher.ts';
import { runAccountTest } from './account-probe.ts';

/** Names this job as the system actor of its changes. */
const JOB = 'account-prober';
const MAX_ERROR_CHARS = 500;

/** The model a scheduled probe asks for when the account lists none (as the admin's test dialog). */
export const PROBE_MODEL: Record<Platform, string> = {
  'claude-oauth': 'claude-sonnet-4-5',
  'claude-console': 'claude-sonnet-4-5',
  ccr: 'claude-sonnet-4-5',
  bedrock: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
  'azure-openai': 'gpt-4o-mini',
  openai: 'gpt-4o-mini',
  gemini: 'gemini-2.0-flash',
};

export type ProbeResult = 'ok' | 'failed' | 'leased' | 'gone';

/**
 * An answer that says the account is out of order: no response at all, or an error other than a
 * rate limit / overload (those say the account works but is busy, and cool it down in the proxies).
 */
function isFailure(o: AccountTestOutcome): boolean {
  if (o.status >= 200 && o.status < 300) return false;
  return o.status !== 429 && o.status !== 529;
}

/**
 * Scheduled health probes (issue 15). Every ACCOUNT_PROBE_TICK_MS each control plane looks for
 * accounts whose `probeIntervalSeconds` has passed since `lastProbeAt`, skipping DISABLED and
 * paused (not schedulable) ones; for each it takes a hot-store lease for the interval
 * (`{a:<id>}:probe-lease`), so one control plane probes an account per interval, and sends the
 * account test (the proxy's own adapter, as traffic would). The result is recorded on the row
 * (telemetry, no audit). A failed probe of an ACTIVE account puts it in ERROR (audited,
 * `account.error`); a successful probe of an ERROR account — the half-open probe of an account
 * the proxies no longer route to — makes it ACTIVE again (audited, `account.recovered`) and clears
 * what the proxies hold against it (cooldown, auth-failure count, a failed-refresh mark).
 */
export class AccountProber {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private closed = false;
  private readonly owner = randomBytes(8).toString('hex');

  constructor(private readonly services: AppServices, private readonly tickMs = services.config.accountProbeTickMs) {}

  start(): void {
    const tick = () => {
      if (this.closed || this.running) return;
      this.running = this.runOnce()
        .catch((err) => this.services.logger.warn({ err }, 'account prober: pass failed'))
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, this.tickMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass: probes every due account (one after the other); returns the results by account id. */
  async runOnce(now = Date.now()): Promise<Map<number, ProbeResult>> {
    const em = systemContext(this.services, JOB).em;
    const candidates = await em.find(Account, { probeIntervalSeconds: { $ne: null }, status: { $in: ['ACTIVE', 'ERROR'] }, schedulable: true });
    const out = new Map<number, ProbeResult>();
    for (const a of candidates) {
      const intervalMs = a.probeIntervalSeconds! * 1000;
      if (a.lastProbeAt && a.lastProbeAt.getTime() + intervalMs > now) continue;
      out.set(a.id, await this.probe(a.id, intervalMs));
    }
    return out;
  }

  /** Probes one account under its lease for the interval. */
  async probe(accountId: number, intervalMs: number): Promise<ProbeResult> {
    const { store, logger } = this.services;
    if (!(await store.setIfAbsent(hotKeys.accountProbeLease(String(accountId)), this.owner, intervalMs))) return 'leased';
    const ctx = systemContext(this.services, JOB);
    const account = await ctx.em.findOne(Account, { id: accountId });
    if (!account) return 'gone';
    const model = account.supportedModels?.[0] ?? PROBE_MODEL[account.platform];
    let outcome = await this.test(accountId, model);
    // A refused Claude OAuth token (e.g. left in ERROR by a refresh that failed while the token
    // endpoint was down) is refreshed, whatever its expiry, and the probe sent again with the new one.
    if (outcome.status === 401 && account.platform === 'claude-oauth' && (await new ClaudeTokenRefresher(this.services).refreshAccount(accountId, { force: true })) === 'refreshed') {
      outcome = await this.test(accountId, model);
    }
    const failed = isFailure(outcome);
    const ok = outcome.status >= 200 && outcome.status < 300;
    const error = ok ? null : (outcome.error ?? `HTTP ${outcome.status}`).slice(0, MAX_ERROR_CHARS);
    const at = Date.now();
    await ctx.em.fork().nativeUpdate(Account, { id: accountId }, { lastProbeAt: new Date(at), lastProbeOk: ok, lastProbeError: error, lastProbeLatencyMs: outcome.latencyMs });
    const next = failed && account.status === 'ACTIVE' ? 'ERROR' : ok && account.status === 'ERROR' ? 'ACTIVE' : null;
    if (next) {
      const alert = await runMutation(ctx, async (tx) => {
        const row = await tx.em.findOneOrFail(Account, { id: accountId });
        // The row may have changed while the probe ran (an admin disabled it): only the state probed is moved.
        if (row.status !== account.status) return null;
        const before = { status: row.status, statusReason: row.statusReason };
        row.status = next;
        row.statusReason = next === 'ERROR' ? `health probe failed: ${error}` : null;
        tx.audit({ action: 'account.status_from_probe', targetType: 'account', targetId: accountId, before, after: { status: row.status, statusReason: row.statusReason } });
        return accountStatusAlert(row, before.status, at, 'probe');
      }, { republishSnapshot: true });
      if (next === 'ACTIVE') await this.clearProxyState(String(accountId));
      if (alert) await this.services.alerts.emit(alert);
      logger.info({ accountId, status: next, probeStatus: outcome.status }, 'account status changed by its health probe');
    }
    return ok ? 'ok' : 'failed';
  }

  /** One account test in a fresh unit of work (it reads the stored credentials, refreshed or not). */
  private async test(accountId: number, model: string): Promise<AccountTestOutcome> {
    try {
      return await runAccountTest(systemContext(this.services, JOB), accountId, model);
    } catch (err) {
      return { status: 0, latencyMs: 0, firstTokenMs: null, text: '', error: (err as Error).message };
    }
  }

  /** A recovered account is usable at once on every proxy: no cooldown, auth-failure count or failed-refresh mark left. */
  private async clearProxyState(accountId: string): Promise<void> {
    const { store, logger } = this.services;
    try {
      await Promise.all([
        store.del(hotKeys.accountCooldown(accountId)),
        store.del(hotKeys.accountAuthFailures(accountId)),
        store.del(refreshFailedKey(accountId)),
      ]);
      await store.publish(hotChannels.cooldowns, JSON.stringify({ accountId, cleared: true }));
    } catch (err) {
      logger.warn({ err, accountId }, 'account prober: could not clear the proxies\' cooldown');
    }
  }
}

/** Starts the prober for a control plane's services (call from the background jobs). */
export function startAccountProber(services: AppServices): AccountProber {
  const p = new AccountProber(services);
  p.start();
  return p;
}
