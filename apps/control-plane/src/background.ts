import type { ControlPlane } from './server.ts';
import { ProxyEventsConsumer } from './modules/proxy-events/proxy-events.consumer.ts';
import { startUsageJobs } from './modules/usage/usage.jobs.ts';
import { startClaudeTokenRefresher } from './modules/oauth/oauth.refresher.ts';
import { AlertDeliveryWorker } from './modules/alerts/alert-delivery.worker.ts';
import { alertKeyBudgets, IngesterLagWatcher, usageStreamPending } from './modules/alerts/alert-triggers.ts';

/** Background work of a control-plane process; `close()` stops it. */
export interface BackgroundJobs {
  close(): Promise<void>;
}

/**
 * Publishes the config snapshot at boot (so proxies can serve from the current database) and starts
 * the consumers of the proxies' streams. New consumers (e.g. the usage ingester) start here too.
 */
export async function startBackgroundJobs(cp: ControlPlane): Promise<BackgroundJobs> {
  const { orm, store, snapshots, logger, alerts, config, secretBox } = cp.services;
  const version = await snapshots.requestRebuild();
  logger.info({ version }, 'config snapshot published');
  snapshots.startWatchdog();
  // Alerts first: the jobs below emit into the outbox this worker drains.
  const alertWorker = new AlertDeliveryWorker({ orm, secretBox, logger: logger.child({ component: 'alerts' }), config: config.alerts, alerts });
  alertWorker.start();
  const proxyEvents = new ProxyEventsConsumer({ orm, store, snapshots, logger, alerts });
  await proxyEvents.start();
  const usage = await startUsageJobs({
    orm, store, logger, config,
    afterCommit: (fresh) => alertKeyBudgets({ orm, alerts, timeZone: config.usageTimezone }, fresh),
  });
  const lagWatcher = new IngesterLagWatcher({ alerts, logger, config: config.alerts, pending: usageStreamPending(cp.services.store) });
  lagWatcher.start();
  // Refreshes quiet Claude OAuth accounts ahead of expiry (proxies refresh busy ones on demand).
  const refresher = startClaudeTokenRefresher(cp.services);
  return {
    async close() {
      await refresher.close();
      await proxyEvents.close();
      await usage.close();
      await lagWatcher.close();
      await alertWorker.close();
    },
  };
}
