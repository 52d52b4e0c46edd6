// Usage ingester throughput: 10,000 UsageEvents pushed onto the Redis usage stream (own key prefix),
// then the control plane's UsageIngester drains them into a scratch MariaDB database (created with
// createScratchDatabase + upgradeSchema, dropped after). Measured: wall time from start() until
// every event is committed and acknowledged.
import { allUsageStreams, computeCost, DEFAULT_USAGE_STREAM_PARTITIONS, encodeUsageEvent, parseRate, USAGE_GROUP, usageStreamFor, usdToMicro, type ModelPrice, type UsageEvent } from '@relay/core';
import { createLogger } from '@relay/core/logger';
import { createHotStore } from '@relay/hot-store';
import { createOrm, createScratchDatabase, upgradeSchema } from '@relay/db';
import { UsageIngester } from '@relay/control-plane';
import { uniqueSuffix } from '@relay/testkit';
import { deletePrefix } from './redis.ts';

export interface IngestResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  batches: number;
  inserted: number;
  rowsInDb: number;
}

const PRICE: ModelPrice = { input: usdToMicro('3'), output: usdToMicro('15'), cacheWrite: usdToMicro('3.75'), cacheRead: usdToMicro('0.3') };
const MODELS = ['claude-sonnet-4-20250514', 'gpt-4o', 'gemini-2.5-flash'];

function event(i: number, runId: string): UsageEvent {
  const usage = { inputTokens: 40 + (i % 200), outputTokens: 20 + (i % 50), cacheCreationInputTokens: 0, cacheReadInputTokens: i % 7 === 0 ? 100 : 0 };
  const rate = parseRate('1.2');
  const cost = computeCost(usage, PRICE, rate);
  const now = Date.now();
  return {
    v: 1, requestId: `bench-${runId}-${i}`, startedAt: now - 800, finishedAt: now,
    userId: String(1 + (i % 10)), apiKeyId: String(1 + (i % 20)), accountId: String(1 + (i % 3)), platform: 'claude-console',
    model: MODELS[i % MODELS.length], upstreamModel: MODELS[i % MODELS.length], endpoint: '/v1/messages', clientFormat: 'anthropic',
    stream: i % 2 === 0, status: 200, errorType: null, ...usage, price: PRICE, priceRate: rate,
    baseInputCost: cost.base.inputCost, baseOutputCost: cost.base.outputCost, baseTotalCost: cost.base.totalCost,
    inputCost: cost.rated.inputCost, outputCost: cost.rated.outputCost, totalCost: cost.rated.totalCost,
    latencyMs: 800, firstTokenMs: 120, clientIp: '127.0.0.1', userAgent: 'relay-bench', attempts: 1,
  };
}

/** Pushes `events` usage events and times the ingester draining them into a scratch database. */
export async function benchIngester(opts: { redisUrl: string; databaseUrl: string; events: number }): Promise<IngestResult> {
  const runId = uniqueSuffix();
  const db = await createScratchDatabase(opts.databaseUrl, `relay_bench_${runId}`);
  const store = createHotStore({ redisUrl: opts.redisUrl, prefix: `bench-ingest:${runId}:` });
  const orm = await createOrm({ databaseUrl: db.url });
  let ingester: UsageIngester | undefined;
  try {
    await upgradeSchema(orm);
    for (let i = 0; i < opts.events; i += 500) {
      const events = Array.from({ length: Math.min(500, opts.events - i) }, (_, j) => event(i + j, runId));
      await Promise.all(events.map((e) => store.streamAdd(usageStreamFor(e.requestId, DEFAULT_USAGE_STREAM_PARTITIONS), encodeUsageEvent(e))));
    }
    ingester = new UsageIngester({ orm, store, logger: createLogger({ name: 'bench-ingester', level: 'warn', pretty: false }), timeZone: 'UTC', blockMs: 200 });
    const started = performance.now();
    await ingester.start();
    const deadline = Date.now() + 300_000;
    while (ingester.stats.inserted + ingester.stats.duplicates + ingester.stats.deadLetters < opts.events) {
      if (Date.now() > deadline) throw new Error(`ingester stalled at ${ingester.stats.inserted}/${opts.events}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (performance.now() - started) / 1000;
    const pending = (await Promise.all(allUsageStreams(DEFAULT_USAGE_STREAM_PARTITIONS).map((key) => store.pendingCount(key, USAGE_GROUP)))).reduce((a, b) => a + b, 0);
    if (pending !== 0) throw new Error(`${pending} events still pending after the ingester reported them stored`);
    const [row] = await orm.em.fork().getConnection().execute<{ n: number }[]>('select count(*) as n from `request_logs`');
    return {
      events: opts.events, seconds, eventsPerSecond: opts.events / seconds, batches: ingester.stats.batches,
      inserted: ingester.stats.inserted, rowsInDb: Number(row.n),
    };
  } finally {
    await ingester?.close().catch(() => undefined);
    await orm.close(true).catch(() => undefined);
    await db.drop().catch(() => undefined);
    await store.close();
    await deletePrefix(opts.redisUrl, `bench-ingest:${runId}:`).catch(() => undefined);
  }
}
