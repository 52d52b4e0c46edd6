import { createLogger } from '@relay/core/logger';
import { MemoryHotStore, type StreamEntry } from '@relay/hot-store';
import { describe, expect, it } from 'vitest';
import { StreamConsumer } from './stream-consumer.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('StreamConsumer', () => {
  it('retries a failing batch until its handler succeeds, then acknowledges it once and trims the stream', async () => {
    const store = new MemoryHotStore();
    const seen: string[][] = [];
    let failuresLeft = 2;
    let done!: () => void;
    const handled = new Promise<void>((resolve) => (done = resolve));
    const consumer = new StreamConsumer({
      store, logger, stream: 'test-stream', group: 'g', label: 'test consumer', blockMs: 50, maxBackoffMs: 300,
      handle: async (entries: StreamEntry[]) => {
        seen.push(entries.map((e) => e.payload));
        if (failuresLeft-- > 0) throw new Error('database unreachable');
        done();
      },
    });
    // Published before the group exists: the group starts at the stream's beginning, so one read takes all three.
    for (const p of ['a', 'b', 'c']) await store.streamAdd('test-stream', p);
    await consumer.start();
    try {
      await handled;
      // Nothing else is published: once the loop is idle the batch is acknowledged and trimmed.
      await consumer.close();
      expect(seen).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c']]);
      expect(consumer.stats).toEqual({ batches: 1, failures: 2, trimmed: 3 });
      expect(await store.pendingCount('test-stream', 'g')).toBe(0);
      expect(await store.streamLength('test-stream')).toBe(0);
    } finally {
      await consumer.close();
      await store.close();
    }
  });
});
