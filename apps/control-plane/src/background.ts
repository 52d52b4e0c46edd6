import type { ControlPlane } from './server.ts';
import { ProxyEventsConsumer } from './modules/proxy-events/proxy-events.consumer.ts';
import { startUsageJobs } from './modules/usage/usage.jobs.ts';
import { OrphanReaper } from './modules/usage/orphan-reaper.ts';
import { startClaudeTokenRefresher } from './modules/oauth/oauth.refresher.ts';
import { startAccountProber } from './modules/accounts/account-prober.ts';
import { AlertDeliveryWorker } from './modules/alerts/alert-delivery.worker.ts';
import { alertKeyBudgets, IngesterLagWatcher, usageStreamPending } from './modules/alerts/alert-triggers.ts';
import { systemContext } from './service-context.ts';

/** Background work of a control-plane process; `close()` stops it. */
export interface BackgroundJobs {
  close(): Promise<void>;
}

/**
 * Publishes the config snapshot at boot (so proxies can serve from the current database) and starts
 * the consumers of the proxies' streams. New consumers (e.g. the usage ingester) start here too.
 */
export async function startBackgroundJobs(cp: ControlPlane): Promise<BackgroundJobs> {
  const { orm, store, snapshots, logger, alerts, config } = cp.services;
  const version = await snapshots.requestRebuild();
  logger.info({ version }, 'config snapshot published');
  snapshots.startWatchdog();
  snapshots.startFloorRefresh();
  // Alerts first: the jobs below emit into the outbox this worker drains.
  const alertWorker = new AlertDeliveryWorker(cp.services);
  alertWorker.start();
  const proxyEvents = new ProxyEventsConsumer(cp.services);
  await proxyEvents.start();
  const usage = await startUsageJobs({
    orm, store, logger, config, observer: cp.services.metrics.ingesterObserver(),
    afterCommit: (fresh) => alertKeyBudgets(systemContext(cp.services, 'alert-key-budgets'), fresh),
  });
  const lagWatcher = new IngesterLagWatcher({ alerts, logger, config: config.alerts, pending: usageStreamPending(store) });
  lagWatcher.start();
  // Bills the in-flight requests of proxies that died (in embedded mode it only ever finds the live one).
  const reaper = new OrphanReaper({ store, logger: logger.child({ component: 'orphan-reaper' }), partitions: config.usageStreamPartitions });
  reaper.start();
  // Refreshes quiet Claude OAuth accounts ahead of expiry (proxies refresh busy ones on demand).
  const refresher = startClaudeTokenRefresher(cp.services);
  // Scheduled health probes (accounts with a probeIntervalSeconds); also the way out of ERROR.
  const prober = startAccountProber(cp.services);
  return {
    async close() {
      await prober.close();
      await refresher.close();
      await reaper.close();
      await proxyEvents.close();
      await usage.close();
      await lagWatcher.close();
      await alertWorker.close();
    },
  };
}
