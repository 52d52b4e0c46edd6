import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allUsageStreams, decodeUsageEvent, DEFAULT_USAGE_STREAM_PARTITIONS, EnvReader, type Clock, type UsageEvent } from '@relay/core';
import { createHotStore, MemoryHotStore, type HotStore } from '@relay/hot-store';
import { createProxyInternals, loadProxyConfig, type ProxyConfig, type ProxyInternals } from '@relay/proxy';
import { publishSnapshot, TEST_API_KEY_SECRET, TEST_ENCRYPTION_KEY, type SnapshotSpec } from './snapshot-factory.ts';
import { uniqueSuffix } from './services.ts';

/**
 * Proxy config for tests: short timeouts, no file spool, silent; private upstream addresses
 * allowed (UPSTREAM_ALLOW_PRIVATE), because the mock upstream listens on 127.0.0.1.
 */
export function testProxyConfig(over: Partial<ProxyConfig> = {}): ProxyConfig {
  // Starting from the declared defaults means a new variable needs no change here.
  const declared = loadProxyConfig(new EnvReader({ API_KEY_SECRET: TEST_API_KEY_SECRET, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY }));
  return {
    ...declared, port: 0, maxBodyBytes: 1024 * 1024, connectTimeoutMs: 2000, firstByteTimeoutMs: 5000, nonStreamFirstByteTimeoutMs: 30_000, idleTimeoutMs: 5000, totalTimeoutMs: 30_000,
    logLevel: 'silent', spoolMaxEvents: 10_000, usageStreamMaxBytes: 64 * 1024 * 1024, snapshotPollMs: 1000, allowPrivateUpstreams: true, ...over,
  };
}

export interface TestProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  proxy: ProxyInternals;
  store: HotStore;
  /** Publishes a new snapshot and resolves once the running proxy has it in force. */
  publish(spec: SnapshotSpec): Promise<number>;
  close(): Promise<void>;
}

export interface TestProxyOptions {
  /** A store to share (e.g. a test control plane's in-memory store); not closed by the proxy. */
  store?: HotStore;
  /** Use a Redis store of the proxy's own (closed with the proxy). */
  redisUrl?: string;
  /** Key prefix of that Redis store (default: a unique one). Pass a control plane's prefix to share its snapshot. */
  prefix?: string;
  /**
   * Snapshot to publish (with the test secrets) and wait for before returning. Omit it to serve
   * whatever snapshot the store already holds, e.g. one a control plane compiled.
   */
  spec?: SnapshotSpec;
  config?: Partial<ProxyConfig>;
  /** The proxy's clock for admission and key expiry (default: the wall clock). */
  clock?: Clock;
}

/**
 * A proxy on an ephemeral port over a given store, a Redis store (unique prefix unless given) or a
 * fresh MemoryHotStore, with `spec` (when given) published and loaded before it returns.
 */
export async function startTestProxy(opts: TestProxyOptions): Promise<TestProxy> {
  const ownStore = !opts.store;
  const store = opts.store
    ?? (opts.redisUrl ? createHotStore({ redisUrl: opts.redisUrl, prefix: opts.prefix ?? `test:${uniqueSuffix()}:` }) : new MemoryHotStore());
  const version = opts.spec ? await publishSnapshot(store, opts.spec) : 0;
  const proxy = await createProxyInternals({ store, config: testProxyConfig(opts.config), clock: opts.clock });
  await proxy.runtime.snapshots.waitForVersion(version);
  const server: Server = createServer(proxy.handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    proxy,
    store,
    async publish(spec) {
      const v = await publishSnapshot(store, spec);
      await proxy.runtime.snapshots.waitForVersion(v);
      return v;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await proxy.close();
      if (ownStore) await store.close();
    },
  };
}

/** Reads usage events off the usage stream through a consumer group of its own. */
export interface UsageReader {
  /** Resolves with the next `n` events (waits up to timeoutMs). */
  next(n: number, timeoutMs?: number): Promise<UsageEvent[]>;
  /** Events currently available without waiting (0 when none arrived). */
  drain(): Promise<UsageEvent[]>;
}

/**
 * A reader that sees every usage event published from now on, on every usage stream partition
 * (`partitions`: the proxy's USAGE_STREAM_PARTITIONS) and the pre-partition stream, in publish order:
 * each read takes what every stream has and orders it by entry id (one store, one clock), keeping
 * what the caller did not ask for yet.
 */
export async function usageReader(store: HotStore, partitions = DEFAULT_USAGE_STREAM_PARTITIONS): Promise<UsageReader> {
  const group = `test-${uniqueSuffix()}`;
  const streams = allUsageStreams(partitions);
  for (const stream of streams) await store.ensureGroup(stream, group);
  const entryOrder = (id: string) => id.split('-').map(Number) as [number, number];
  let buffered: { id: string; payload: string }[] = [];
  /** Moves everything the streams hold into the buffer, in entry id order; true when something came. */
  const fill = async (): Promise<boolean> => {
    const fresh: { id: string; payload: string }[] = [];
    for (const stream of streams) {
      const entries = await store.readGroup(stream, group, 'c1', 10_000, 0);
      if (entries.length) await store.ack(stream, group, entries.map((e) => e.id));
      fresh.push(...entries);
    }
    buffered = [...buffered, ...fresh].sort((a, b) => {
      const [am, as] = entryOrder(a.id);
      const [bm, bs] = entryOrder(b.id);
      return am - bm || as - bs;
    });
    return fresh.length > 0;
  };
  const take = (n: number) => buffered.splice(0, n).map((e) => decodeUsageEvent(e.payload));
  // The groups start at the beginning of the streams: skip what earlier requests published.
  await fill();
  buffered = [];
  return {
    async next(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (buffered.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} usage events, got ${buffered.length}`);
        // Nothing new yet: poll again shortly (a blocking read can wait on one stream only).
        if (!(await fill())) await new Promise((r) => setTimeout(r, 10));
      }
      return take(n);
    },
    async drain() {
      await fill();
      return take(buffered.length);
    },
  };
}
