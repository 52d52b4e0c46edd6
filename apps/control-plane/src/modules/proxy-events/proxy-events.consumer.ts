import { createHash } from 'node:crypto';
import { Account } from '@relay/db';
import { hotKeys, PROXY_EVENTS_GROUP, type ProxyEvent } from '@relay/core';
import type { StreamEntry } from '@relay/hot-store';
import { runMutation, systemContext, type AppServices, type ServiceContext } from '../../service-context.ts';
import { StreamConsumer } from '../../stream-consumer.ts';
import { accountStatusAlert, alertEvents, type AlertEvent } from '../alerts/alert-events.ts';

const BATCH = 50;
const BLOCK_MS = 500;
/** Entries a crashed consumer left unacknowledged this long are taken over. */
const STALE_MS = 30_000;

/** Parses one stream entry; null for anything malformed (acknowledged and dropped, with a warning). */
export function parseProxyEvent(payload: string): ProxyEvent | null {
  try {
    const e = JSON.parse(payload) as ProxyEvent;
    if (typeof e?.accountId !== 'string' || !/^\d+$/.test(e.accountId) || typeof e.at !== 'number') return null;
    if (e.type === 'account.status' && ['ACTIVE', 'DISABLED', 'ERROR'].includes(e.status) && typeof e.reason === 'string') return e;
    if (e.type === 'account.credentials' && typeof e.credentials === 'string' && e.credentials.startsWith('v1.')) return e;
    if (e.type === 'account.window' && (e.state === 'paused' || e.state === 'resumed') && typeof e.until === 'number' && typeof e.reason === 'string') return e;
    return null;
  } catch {
    return null;
  }
}

/**
 * Persists what proxies learn and must outlive them (an account put in ERROR after repeated auth
 * failures, refreshed OAuth credentials), read from the proxy-event stream with a consumer group so
 * that several control planes share the work and a crash loses nothing. After each batch the
 * snapshot is republished so every proxy sees the change.
 */
export class ProxyEventsConsumer {
  private readonly loop: StreamConsumer<void>;

  constructor(private readonly deps: AppServices) {
    this.loop = new StreamConsumer({
      store: deps.store, logger: deps.logger, stream: hotKeys.proxyEventStream, group: PROXY_EVENTS_GROUP, label: 'proxy-event consumer',
      staleMs: STALE_MS, batchSize: BATCH, blockMs: BLOCK_MS, handle: (entries) => this.applyEvents(entries),
    });
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  /**
   * Applies a batch (each event with its audit row in one transaction), acknowledges it (and trims
   * the stream), and republishes the snapshot once, after the commits.
   */
  applyBatch(entries: StreamEntry[]): Promise<void> {
    return this.loop.processBatch(entries);
  }

  private async applyEvents(entries: StreamEntry[]): Promise<void> {
    const { snapshots, logger } = this.deps;
    const ctx = systemContext(this.deps, 'proxy-events-consumer');
    let changed = false;
    for (const entry of entries) {
      const event = parseProxyEvent(entry.payload);
      if (!event) {
        logger.warn({ id: entry.id }, 'proxy-event consumer: dropping a malformed event');
        continue;
      }
      if (event.type === 'account.window') {
        await this.windowAlert(ctx.em, event);
        continue;
      }
      // Null when nothing changed; else the change's alert, queued only once it committed (emit never throws).
      const extra: { refreshFailed: AlertEvent | null } = { refreshFailed: null };
      const applied = await runMutation(ctx, async (tx): Promise<{ alert: AlertEvent | null } | null> => {
        const account = await tx.em.findOne(Account, { id: Number(event.accountId) });
        if (!account) return null;
        if (event.type === 'account.status' && event.cause === 'oauth-refresh') {
          // Alerted whatever the status does; its id (the stored credentials' hash) is the control-plane refresher's: one alert per token.
          const credentialsTag = createHash('sha256').update(account.credentials).digest('hex').slice(0, 16);
          extra.refreshFailed = alertEvents.oauthRefreshFailed({ accountId: account.id, accountName: account.name, reason: event.reason, status: null, at: event.at, credentialsTag });
        }
        if (event.type === 'account.status') {
          // An admin may have re-enabled the account after the proxy saw the failures: the later word wins.
          if (event.at < account.updatedAt.getTime() || account.status === event.status) return null;
          const before = { status: account.status, statusReason: account.statusReason };
          account.status = event.status;
          account.statusReason = event.reason.slice(0, 2000);
          tx.audit({ action: 'account.status_from_proxy', targetType: 'account', targetId: account.id, before, after: { status: account.status, statusReason: account.statusReason } });
          return { alert: accountStatusAlert(account, before.status, event.at, event.cause ?? 'proxy') };
        }
        account.credentials = event.credentials;
        tx.audit({ action: 'account.credentials_refreshed', targetType: 'account', targetId: account.id, after: { credentials: 'refreshed' } });
        return { alert: null };
      });
      if (extra.refreshFailed) await this.deps.alerts.emit(extra.refreshFailed);
      if (!applied) continue;
      changed = true;
      if (applied.alert) await this.deps.alerts.emit(applied.alert);
    }
    if (changed) await snapshots.requestRebuild();
  }

  /**
   * A usage-window pause or resume changes nothing stored (the window state lives in the hot store):
   * it is only an alert, whose id names the account and the reset, so the several proxies that
   * saw the same pause (and a redelivered entry) alert once.
   */
  private async windowAlert(em: ServiceContext['em'], event: Extract<ProxyEvent, { type: 'account.window' }>): Promise<void> {
    const account = await em.fork().findOne(Account, { id: Number(event.accountId) });
    if (!account) return;
    const ref = { accountId: account.id, accountName: account.name, at: event.at };
    await this.deps.alerts.emit(event.state === 'paused'
      ? alertEvents.accountPaused({ ...ref, reason: event.reason, until: event.until })
      : alertEvents.accountResumed({ ...ref, pausedUntil: event.until }));
  }

  /** Stops after the current read (at most one block interval). */
  close(): Promise<void> {
    return this.loop.close();
  }
}
