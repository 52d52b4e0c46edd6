// A snapshot announced while the proxy is still loading the previous one must not wait for the
// safety-net poll (SNAPSHOT_POLL_MS, 5 s in production): otherwise a key revoked right after another
// config change stays usable for seconds, breaking "takes effect on every proxy within one second".
import { hotChannels } from '@relay/core';
import { MemoryHotStore } from '@relay/hot-store';
import { publishSnapshot, startTestProxy, type SnapshotSpec, type TestProxy } from '@relay/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const KEY = 'sk-relay-race-0000000000000000000000000000';
const MODEL = 'gpt-4o';

/** A memory store whose snapshot reads can be held, to stall the proxy mid-load deterministically. */
class HoldableStore extends MemoryHotStore {
  private hold: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private onHeld: () => void = () => undefined;
  /** Resolves when a snapshot read is being held. */
  held: Promise<void> = Promise.resolve();

  holdNextRead(): void {
    this.hold = new Promise((r) => (this.release = r));
    this.held = new Promise((r) => (this.onHeld = r));
  }

  releaseRead(): void {
    this.release?.();
    this.hold = null;
  }

  override async getSnapshot(): Promise<{ version: number; json: string } | null> {
    const got = await super.getSnapshot();
    const hold = this.hold;
    if (hold) {
      this.hold = null;
      this.onHeld();
      await hold;
    }
    return got;
  }
}

function spec(mockUrl: string, keyEnabled: boolean, priceInput: string): SnapshotSpec {
  return {
    keys: [{ id: 'k-race', userId: 'u-race', key: KEY, enabled: keyEnabled }],
    accounts: [{ id: 'openai', platform: 'openai', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-openai-race' } }],
    prices: [{ model: MODEL, price: { input: priceInput, output: '10' } }],
  };
}

async function status(proxyUrl: string): Promise<number> {
  const res = await fetch(`${proxyUrl}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
  await res.arrayBuffer();
  return res.status;
}

describe('snapshot announced during a load', () => {
  const store = new HoldableStore();
  let proxy: TestProxy;
  afterAll(async () => {
    await proxy?.close();
    await store.close();
  });

  it('is applied at once, not at the next poll', async () => {
    // The upstream is never called: /v1/models answers from the snapshot alone.
    proxy = await startTestProxy({ store, spec: spec('http://127.0.0.1:9', true, '2.5'), config: { snapshotPollMs: 60_000 } });
    expect(await status(proxy.url)).toBe(200);

    store.holdNextRead();
    await publishSnapshot(store, spec('http://127.0.0.1:9', true, '3')); // v2: the proxy starts loading it …
    await store.held; // … and is stuck reading it
    // Subscribed after the proxy, so this sees each announcement once the proxy's handler has run.
    const announced: number[] = [];
    let onAnnounce: () => void = () => undefined;
    const unsubscribe = await store.subscribe(hotChannels.snapshotChanged, (m) => {
      announced.push(Number(m));
      onAnnounce();
    });
    const revoked = await publishSnapshot(store, spec('http://127.0.0.1:9', false, '3')); // v3 announced meanwhile
    if (!announced.includes(revoked)) await new Promise<void>((r) => (onAnnounce = r));
    await unsubscribe();
    expect(proxy.proxy.runtime.snapshots.current().version).toBeLessThan(revoked); // still stuck on v2's load
    store.releaseRead();

    const since = Date.now();
    while (proxy.proxy.runtime.snapshots.current().version < revoked && Date.now() - since < 1000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(proxy.proxy.runtime.snapshots.current().version).toBe(revoked);
    expect(await status(proxy.url)).toBe(401);
  });
});
