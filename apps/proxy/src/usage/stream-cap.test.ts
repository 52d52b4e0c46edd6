import { hotKeys, USAGE_GROUP, usagePartitionOf, type UsageEvent } from '@relay/core';
import { MemoryHotStore } from '@relay/hot-store';
import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { UsagePublisher } from './usage-publisher.ts';
import { UsageStreamCap } from './stream-cap.ts';

/** A usage-event-shaped payload of about `bytes` bytes (the publisher only encodes it). */
function eventOfSize(i: number, bytes: number): UsageEvent {
  return { v: 1, requestId: `req_cap_${i}`, padding: 'x'.repeat(bytes) } as unknown as UsageEvent;
}

describe('usage stream cap (USAGE_STREAM_MAX_BYTES)', () => {
  it('turns the byte budget into an entry count from the size of the events published', () => {
    const cap = new UsageStreamCap(1024 * 1024);
    expect(cap.maxLen).toBe(1024);
    cap.observe(['x'.repeat(924)]);
    expect(cap.maxLen).toBe(1024); // 924 bytes + 100 of bookkeeping per entry
    cap.observe(Array.from({ length: 10 }, () => 'x'.repeat(1948)));
    expect(cap.maxLen).toBeLessThan(1024);
    expect(cap.reached(cap.maxLen)).toBe(true);
    expect(cap.reached(cap.maxLen / 2)).toBe(false);
  });

  it('with the ingester stopped, the stream stops at its byte cap and the gauge and log say so', async () => {
    const store = new MemoryHotStore();
    await store.ensureGroup(hotKeys.usagePartition(0), USAGE_GROUP);
    const registry = new Registry();
    const gauge = new Gauge({ name: 'stream_full', help: 'test', registers: [registry] });
    const warnings: string[] = [];
    const logger = { info() {}, error() {}, debug() {}, warn: (_o: unknown, msg: string) => warnings.push(msg) };
    const maxBytes = 64 * 1024;
    const publisher = new UsagePublisher(store, { spoolMaxEvents: 10, streamMaxBytes: maxBytes, partitions: 1, streamFullGauge: gauge }, logger);
    try {
      expect(await publisher.checkStreamCap()).toBe(false);
      expect((await registry.getSingleMetric('stream_full')!.get()).values[0].value).toBe(0);

      for (let i = 0; i < 400; i++) publisher.publish(eventOfSize(i, 900));
      await publisher.flush();
      const length = await store.streamLength(hotKeys.usagePartition(0));
      // About 1 KB per entry: 64 KiB holds ~64 entries, not the 400 published.
      expect(length).toBeGreaterThan(50);
      expect(length).toBeLessThanOrEqual(64);
      expect(await publisher.checkStreamCap()).toBe(true);
      expect((await registry.getSingleMetric('stream_full')!.get()).values[0].value).toBe(1);
      expect(warnings.filter((w) => w.includes('usage stream at its cap'))).toHaveLength(1);

      // The ingester catches up (reads, acknowledges, trims): the gauge goes back to 0.
      const entries = await store.readGroup(hotKeys.usagePartition(0), USAGE_GROUP, 'c', 1000, 0);
      await store.ack(hotKeys.usagePartition(0), USAGE_GROUP, entries.map((e) => e.id));
      await store.trimAcknowledged(hotKeys.usagePartition(0));
      expect(await publisher.checkStreamCap()).toBe(false);
      expect((await registry.getSingleMetric('stream_full')!.get()).values[0].value).toBe(0);
    } finally {
      await publisher.close();
      await store.close();
    }
  });

  it('appends each event to the partition of its request id, and announces the partition count to the ingesters', async () => {
    const store = new MemoryHotStore();
    const silent = { info() {}, error() {}, debug() {}, warn() {} };
    const publisher = new UsagePublisher(store, { spoolMaxEvents: 10, streamMaxBytes: 4 * 1024 * 1024, partitions: 4 }, silent);
    try {
      await store.raiseTo(hotKeys.usagePartitionCount, 2); // an older, smaller setting
      const events = Array.from({ length: 40 }, (_, i) => eventOfSize(i, 10));
      for (const e of events) publisher.publish(e);
      await publisher.flush();
      expect(await publisher.checkStreamCap()).toBe(false);
      expect(await store.get(hotKeys.usagePartitionCount)).toBe('4');
      for (let p = 0; p < 4; p++) {
        await store.ensureGroup(hotKeys.usagePartition(p), 'g');
        const ids = (await store.readGroup(hotKeys.usagePartition(p), 'g', 'c', 100, 0)).map((e) => (JSON.parse(e.payload) as UsageEvent).requestId);
        expect(ids).toEqual(events.map((e) => e.requestId).filter((id) => usagePartitionOf(id, 4) === p));
        expect(ids.length).toBeGreaterThan(0);
      }
      expect(await store.streamLength(hotKeys.usageStream)).toBe(0);
    } finally {
      await publisher.close();
      await store.close();
    }
  });
});
