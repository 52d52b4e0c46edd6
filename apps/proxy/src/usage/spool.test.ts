import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hotKeys, type UsageEvent } from '@relay/core';
import { MemoryHotStore, type HotStore } from '@relay/hot-store';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, usageReader } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsagePublisher } from './usage-publisher.ts';

const KEY = 'sk-relay-spool-00000000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';
const silent = { info() {}, warn() {}, error() {}, debug() {} };

/** A store whose stream appends fail while `down` is set (the rest keeps working). */
function flakyStore(inner: HotStore): HotStore & { down: boolean } {
  const state = { down: false };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'down') return state.down;
      if (prop === 'streamAdd') {
        return (...args: Parameters<HotStore['streamAdd']>) => (state.down ? Promise.reject(new Error('store down')) : target.streamAdd(...args));
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
    set(_t, prop, value) {
      if (prop === 'down') state.down = value;
      return true;
    },
  }) as HotStore & { down: boolean };
}

describe('usage spool', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(async () => mock.close());

  it('spools events while the store refuses them and replays each exactly once', async () => {
    const store = flakyStore(new MemoryHotStore());
    const proxy = await startTestProxy({
      store,
      spec: {
        keys: [{ id: 'k1', userId: 'u1', key: KEY }],
        accounts: [{ id: 'a', platform: 'claude-console', baseUrl: mock.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
        prices: [{ model: SONNET, price: { input: '1', output: '1' } }],
      },
    });
    const usage = await usageReader(store);
    const publisher = proxy.proxy.runtime.publisher;
    try {
      store.down = true;
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify({ model: SONNET, max_tokens: 5, messages: [] }) });
        expect(r.status).toBe(200);
        await r.text();
      }
      await publisher.flush();
      expect(publisher.spool.size).toBe(3);
      await publisher.replay(); // still down: nothing delivered, nothing lost
      expect(publisher.spool.size).toBe(3);
      expect(await usage.drain()).toEqual([]);
      store.down = false;
      await publisher.replay();
      await publisher.replay();
      expect(publisher.spool.size).toBe(0);
      const events = await usage.next(3);
      expect(new Set(events.map((e) => e.requestId)).size).toBe(3);
      expect(await usage.drain()).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('holds at most USAGE_SPOOL_MAX events: beyond it the oldest are dropped and counted', async () => {
    const store = flakyStore(new MemoryHotStore());
    store.down = true;
    const publisher = new UsagePublisher(store, { spoolMaxEvents: 3, streamMaxBytes: 1024 * 1024 }, silent);
    for (let i = 1; i <= 5; i++) publisher.publish({ v: 1, requestId: `req_bounded_${i}` } as unknown as UsageEvent);
    await publisher.flush();
    expect(publisher.spool.size).toBe(3);
    expect(publisher.spool.dropped).toBe(2);
    expect(publisher.spool.peek(10).map((e) => JSON.parse(e).requestId)).toEqual(['req_bounded_3', 'req_bounded_4', 'req_bounded_5']);
    store.down = false;
    await publisher.close();
    await store.close();
  });

  it('with a data dir the spool survives a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-'));
    try {
      const store = flakyStore(new MemoryHotStore());
      store.down = true;
      const first = new UsagePublisher(store, { spoolMaxEvents: 10, dataDir: dir, streamMaxBytes: 1024 * 1024, partitions: 1 }, silent);
      const ev = { v: 1, requestId: 'req_spooled_1' } as unknown as UsageEvent;
      first.publish(ev);
      await first.flush();
      expect(readFileSync(join(dir, 'spool', 'usage-events.ndjson'), 'utf8')).toContain('req_spooled_1');
      await first.close();

      store.down = false;
      await store.ensureGroup(hotKeys.usagePartition(0), 'g');
      const second = new UsagePublisher(store, { spoolMaxEvents: 10, dataDir: dir, streamMaxBytes: 1024 * 1024, partitions: 1 }, silent);
      expect(second.spool.size).toBe(1);
      await second.replay();
      const got = await store.readGroup(hotKeys.usagePartition(0), 'g', 'c', 10, 10);
      expect(got.map((e) => JSON.parse(e.payload).requestId)).toEqual(['req_spooled_1']);
      expect(readFileSync(join(dir, 'spool', 'usage-events.ndjson'), 'utf8')).toBe('');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
