import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from '@relay/core/logger';
import type { HotStore } from '@relay/hot-store';
import type { ControlPlaneConfig } from '../../config.ts';
import { UsageIngester, type UsageIngesterOptions } from './ingester.ts';
import type { IngesterObserver } from '../../metrics.ts';
import { RequestLogPruner } from './retention.ts';

/** The usage background work of one control-plane process. */
export interface UsageJobs {
  ingester: UsageIngester;
  pruner: RequestLogPruner;
  close(): Promise<void>;
}

/** Starts the usage side of a control plane: the ingester and the raw-log pruner (RAW_LOG_RETENTION_DAYS). */
export async function startUsageJobs(deps: {
  orm: MikroORM; store: HotStore; logger: Logger; config: ControlPlaneConfig; observer?: IngesterObserver; afterCommit?: UsageIngesterOptions['afterCommit'];
}): Promise<UsageJobs> {
  const { orm, store, logger, config } = deps;
  const ingester = new UsageIngester({
    orm, store, logger: logger.child({ component: 'usage-ingester' }), timeZone: config.usageTimezone, partitions: config.usageStreamPartitions, observer: deps.observer, afterCommit: deps.afterCommit,
  });
  await ingester.start();
  const pruner = new RequestLogPruner({ orm, logger, retentionDays: config.rawLogRetentionDays });
  pruner.start();
  return {
    ingester,
    pruner,
    async close() {
      await Promise.all([ingester.close(), pruner.close()]);
    },
  };
}
