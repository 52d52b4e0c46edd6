import type { ControlPlane } from './server.ts';
import { ProxyEventsConsumer } from './modules/proxy-events/proxy-events.consumer.ts';
import { startUsageJobs } from './modules/usage/usage.jobs.ts';
import { OrphanReaper } from './modules/usage/orphan-reaper.ts';
import { startClaudeTokenRefresher } from './modules/oauth/oauth.refresher.ts';

/** Background work of a control-plane process; `close()` stops it. */
export interface BackgroundJobs {
  close(): Promise<void>;
}

/**
 * Publishes the config snapshot at boot (so proxies can serve from the current database) and starts
 * the consumers of the proxies' streams. New consumers (e.g. the usage ingester) start here too.
 */
export async function startBackgroundJobs(cp: ControlPlane): Promise<BackgroundJobs> {
  const { orm, store, snapshots, logger } = cp.services;
  const version = await snapshots.requestRebuild();
  logger.info({ version }, 'config snapshot published');
  snapshots.startWatchdog();
  snapshots.startFloorRefresh();
  const proxyEvents = new ProxyEventsConsumer(cp.services);
  await proxyEvents.start();
  const usage = await startUsageJobs({ orm, store, logger, config: cp.services.config, observer: cp.services.metrics.ingesterObserver() });
  // Bills the in-flight requests of proxies that died (in embedded mode it only ever finds the live one).
  const reaper = new OrphanReaper({ store, logger: logger.child({ component: 'orphan-reaper' }) });
  reaper.start();
  // Refreshes quiet Claude OAuth accounts ahead of expiry (proxies refresh busy ones on demand).
  const refresher = startClaudeTokenRefresher(cp.services);
  return {
    async close() {
      await refresher.close();
      await reaper.close();
      await proxyEvents.close();
      await usage.close();
    },
  };
}
