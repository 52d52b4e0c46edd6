import { ApiKey, UsageDaily } from '@relay/db';
import { dayKey, type UsageEvent } from '@relay/core';
import { usagePendingCount } from '../usage/ingester-streams.ts';
import type { HotStore } from '@relay/hot-store';
import type { Logger } from '@relay/core/logger';
import type { ControlPlaneConfig } from '../../config.ts';
import type { ServiceContext } from '../../service-context.ts';
import { alertEvents } from './alert-events.ts';
import type { AlertService } from './alert.service.ts';

const THRESHOLDS = [80, 100] as const;

/**
 * Called by the usage ingester after a batch committed, with the events that were new: for each
 * key of the batch that has a cost limit, compares its committed spending (the day's rollup for
 * the daily limit, `cost_used` for the total) with 80 % and 100 % and emits `key.budget` for each
 * threshold reached. The event id carries the period (the day, or the total limit's value), so a
 * threshold alerts once per day or per limit, however many batches find it reached and however
 * many control planes ingest.
 */
export async function alertKeyBudgets(ctx: ServiceContext, fresh: UsageEvent[]): Promise<void> {
  if (fresh.length === 0) return;
  const { alerts, config } = ctx.services;
  const timeZone = config.usageTimezone;
  const daysByKey = new Map<number, Set<string>>();
  for (const e of fresh) {
    const id = Number(e.apiKeyId);
    const days = daysByKey.get(id) ?? new Set<string>();
    days.add(dayKey(e.startedAt, timeZone));
    daysByKey.set(id, days);
  }
  const { em } = ctx;
  const keys = await em.find(ApiKey, { id: { $in: [...daysByKey.keys()] }, $or: [{ dailyCostLimit: { $ne: null } }, { totalCostLimit: { $ne: null } }] });
  const at = Date.now();
  for (const key of keys) {
    const reached = (used: number, limit: number) => THRESHOLDS.filter((pct) => limit > 0 && used * 100 >= limit * pct);
    if (key.dailyCostLimit !== null) {
      for (const day of daysByKey.get(key.id) ?? []) {
        const rows = await em.find(UsageDaily, { apiKeyId: key.id, day }, { fields: ['cost'] });
        const used = rows.reduce((sum, r) => sum + r.cost, 0);
        for (const percent of reached(used, key.dailyCostLimit)) {
          await alerts.emit(alertEvents.keyBudget({ apiKeyId: key.id, keyName: key.name, limit: 'daily', percent, used, limitMicroUsd: key.dailyCostLimit, period: day, at }));
        }
      }
    }
    if (key.totalCostLimit !== null) {
      for (const percent of reached(key.costUsed, key.totalCostLimit)) {
        await alerts.emit(alertEvents.keyBudget({ apiKeyId: key.id, keyName: key.name, limit: 'total', percent, used: key.costUsed, limitMicroUsd: key.totalCostLimit, period: String(key.totalCostLimit), at }));
      }
    }
  }
}

/** The usage ingester group's unacknowledged entries over every partition (what IngesterLagWatcher watches). */
export function usageStreamPending(store: HotStore): () => Promise<number> {
  return () => usagePendingCount(store);
}

/**
 * Watches the usage stream's unacknowledged entries (the ingester group's pending list): above
 * INGESTER_LAG_ALERT_ENTRIES for INGESTER_LAG_ALERT_SECONDS it emits `ingester.lagging` (at most
 * one an hour, whatever the number of control planes: the hour is in the event id).
 */
export class IngesterLagWatcher {
  private timer: NodeJS.Timeout | null = null;
  private since: number | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      alerts: AlertService;
      logger: Logger;
      config: ControlPlaneConfig['alerts'];
      /** Unacknowledged usage entries; usageStreamPending(store) in production. */
      pending: () => Promise<number>;
    },
  ) {}

  start(): void {
    if (this.deps.config.ingesterLagEntries <= 0) return;
    const everyMs = Math.min(5000, Math.max(100, (this.deps.config.ingesterLagSeconds * 1000) / 4));
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.check()
        .catch((err) => this.deps.logger.warn({ err }, 'ingester lag watcher: check failed'))
        .finally(() => (this.running = null));
    }, everyMs);
    this.timer.unref();
  }

  /** One look at the pending count; emits once the lag has lasted long enough. */
  async check(now = Date.now()): Promise<void> {
    const { alerts, config } = this.deps;
    const pending = await this.deps.pending();
    if (pending <= config.ingesterLagEntries) {
      this.since = null;
      return;
    }
    this.since ??= now;
    if (now - this.since >= config.ingesterLagSeconds * 1000) {
      await alerts.emit(alertEvents.ingesterLagging({ pending, threshold: config.ingesterLagEntries, seconds: config.ingesterLagSeconds, at: now }));
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
