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
  it('close() (SIGTERM) while a batch is being handled lets it finish, then acknowledges and trims it before resolving', async () => {
    const store = new MemoryHotStore();
    let started!: () => void;
    const handling = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const release = new Promise<void>((resolve) => (finish = resolve));
    const handled: string[] = [];
    const consumer = new StreamConsumer({
      store, logger, stream: 'drain-stream', group: 'g', label: 'test consumer', blockMs: 50,
      handle: async (entries: StreamEntry[]) => {
        started();
        await release;
        handled.push(...entries.map((e) => e.payload));
      },
    });
    for (const p of ['a', 'b']) await store.streamAdd('drain-stream', p);
    await consumer.start();
    try {
      await handling;
      let closed = false;
      const closing = consumer.close().then(() => (closed = true));
      // The batch is still in the handler: close() waits for it.
      await new Promise((r) => setImmediate(r));
      expect(closed).toBe(false);
      expect(await store.pendingCount('drain-stream', 'g')).toBe(2);
      finish();
      await closing;
      expect(handled).toEqual(['a', 'b']);
      expect(consumer.stats).toMatchObject({ batches: 1, failures: 0 });
      expect(await store.pendingCount('drain-stream', 'g')).toBe(0);
      expect(await store.streamLength('drain-stream')).toBe(0);
    } finally {
      finish();
      await consumer.close();
      await store.close();
    }
  });
});
