import { emptySnapshot, hotChannels, type ConfigSnapshot, type SecretBox } from '@relay/core';
import type { HotStore, Unsubscribe } from '@relay/hot-store';
import type { Logger } from '../logger.ts';
import { SnapshotIndex } from './snapshot-index.ts';

/**
 * Holds the current config snapshot in memory. Loads it at boot, follows `snapshotChanged`
 * announcements, polls the version every `pollMs` as a safety net, and keeps serving the last
 * good snapshot whenever the store is unreachable.
 */
export class SnapshotCache {
  private index: SnapshotIndex;
  private loaded = false;
  private unsubscribe: Unsubscribe | null = null;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshAgain: Promise<void> | null = null;
  private readonly waiters: { version: number; resolve: () => void }[] = [];
  private readonly listeners: ((index: SnapshotIndex) => void)[] = [];
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(private readonly store: HotStore, private readonly box: SecretBox, private readonly pollMs: number, private readonly logger: Logger) {
    this.index = new SnapshotIndex(emptySnapshot(), box);
    this.ready = new Promise((r) => (this.markReady = r));
  }

  /** Subscribes, loads the first snapshot and starts polling. Never throws: a down store is retried by the poll. */
  async start(): Promise<void> {
    try {
      this.unsubscribe = await this.store.subscribe(hotChannels.snapshotChanged, (msg) => {
        const v = Number(msg);
        if (!Number.isFinite(v) || v !== this.index.version) void this.refresh();
      });
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'snapshot subscription failed; relying on polling');
    }
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.pollMs);
    this.timer.unref();
  }

  /** The index of the snapshot in force. */
  current(): SnapshotIndex {
    return this.index;
  }

  /** True once a load attempt reached the store (a snapshot, or none yet). */
  isLoaded(): boolean {
    return this.loaded;
  }

  /** Called with every new index (cooldown maps, dispatcher caches). */
  onChange(fn: (index: SnapshotIndex) => void): void {
    this.listeners.push(fn);
  }

  /** Resolves once a snapshot with at least this version is in force (tests, embedded mode). */
  waitForVersion(version: number): Promise<void> {
    if (this.index.version >= version) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ version, resolve }));
  }

  /**
   * Fetches the snapshot when its version moved. A call made while a fetch runs gets one more fetch
   * after it (shared by every such call): the running one may have read the version before the
   * announcement that triggered the call, and missing it would leave the change to the next poll.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain ??= this.refreshing
        .catch(() => undefined)
        .then(() => {
          this.refreshAgain = null;
          return this.refresh();
        });
      return this.refreshAgain;
    }
    this.refreshing = this.load().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async load(): Promise<void> {
    try {
      // Any version other than ours is taken, not only a higher one: the store always holds the
      // latest snapshot, and after Redis restarted empty the control plane republishes from
      // version 1. An empty store (version 0) keeps the last good snapshot in force.
      const version = await this.store.getSnapshotVersion();
      if ((version > 0 && version !== this.index.version) || !this.loaded) {
        const got = version > 0 ? await this.store.getSnapshot() : null;
        if (got && got.version !== this.index.version) this.apply(JSON.parse(got.json) as ConfigSnapshot, got.version);
      }
      if (!this.loaded) {
        this.loaded = true;
        this.markReady();
      }
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'snapshot refresh failed; serving the last good snapshot');
    }
  }

  private apply(snapshot: ConfigSnapshot, version: number): void {
    snapshot.version = version;
    this.index = new SnapshotIndex(snapshot, this.box);
    for (const fn of this.listeners) fn(this.index);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].version <= version) {
        this.waiters[i].resolve();
        this.waiters.splice(i, 1);
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.unsubscribe) await this.unsubscribe().catch(() => undefined);
  }
}
