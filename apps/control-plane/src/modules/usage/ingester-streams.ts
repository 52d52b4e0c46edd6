import { allUsageStreams, DEFAULT_USAGE_STREAM_PARTITIONS, hotKeys, USAGE_GROUP } from '@relay/core';
import type { HotStore } from '@relay/hot-store';

/**
 * The usage streams to read: partitions 0..n-1 where n is the largest USAGE_STREAM_PARTITIONS any
 * proxy or control plane announced (`hotKeys.usagePartitionCount`, raised here to our own), so a
 * lowered setting still drains the partitions it no longer writes; then the pre-partition stream
 * `hotKeys.usageStream`, which an older proxy may still append to.
 */
export async function usageStreams(store: HotStore, partitions = DEFAULT_USAGE_STREAM_PARTITIONS): Promise<string[]> {
  return allUsageStreams(await store.raiseTo(hotKeys.usagePartitionCount, partitions));
}

/**
 * Unacknowledged entries of the usage ingester group over every usage stream (metrics, lag
 * alerts). A stream or group that does not exist (yet) counts 0; any other error is thrown.
 */
export async function usagePendingCount(store: HotStore): Promise<number> {
  const announced = Number(await store.get(hotKeys.usagePartitionCount)) || DEFAULT_USAGE_STREAM_PARTITIONS;
  const counts = await Promise.all(allUsageStreams(announced).map((stream) => store.pendingCount(stream, USAGE_GROUP).catch((err: unknown) => {
    if (err instanceof Error && /NOGROUP|no such key/i.test(err.message)) return 0;
    throw err;
  })));
  return counts.reduce((a, b) => a + b, 0);
}
