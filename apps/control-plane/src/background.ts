import type { ControlPlane } from './server.ts';
import { ProxyEventsConsumer } from './modules/proxy-events/proxy-events.consumer.ts';
import { startUsageJobs } from './modules/usage/usage.jobs.ts';
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
  const proxyEvents = new ProxyEventsConsumer({ orm, store, snapshots, logger });
  await proxyEvents.start();
  const usage = await startUsageJobs({ orm, store, logger, config: cp.services.config, observer: cp.services.metrics.ingesterObserver() });
  // Refreshes quiet Claude OAuth accounts ahead of expiry (proxies refresh busy ones on demand).
  const refresher = startClaudeTokenRefresher(cp.services);
  return {
    async close() {
      await refresher.close();
      await proxyEvents.close();
      await usage.close();
    },
  };
}
