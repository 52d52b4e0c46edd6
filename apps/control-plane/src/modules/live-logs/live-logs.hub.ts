import { hotChannels, type UsageEvent } from '@relay/core';
import type { Logger } from '@relay/core/logger';
import type { HotStore, Unsubscribe } from '@relay/hot-store';
import { parseUsagePayload } from '../usage/usage.persist.ts';
import { bufferedIterator } from '../../graphql/buffered-iterator.ts';

type Listener = (event: UsageEvent) => void;

/**
 * Fans the live request-log channel out to this process's GraphQL subscribers. The process holds
 * ONE hot-store subscription (Redis pub/sub delivers every proxy's events to every control plane)
 * while it has at least one subscriber, and decodes each event once.
 */
export class LiveLogHub {
  private readonly listeners = new Set<Listener>();
  private subscription: Promise<Unsubscribe> | null = null;
  /** An unsubscribe in flight: a new subscription waits for it, or the store's UNSUBSCRIBE could land after our SUBSCRIBE. */
  private releasing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: HotStore,
    private readonly logger?: Logger,
  ) {}

  private dispatch(message: string): void {
    let event: UsageEvent;
    try {
      event = parseUsagePayload(message);
    } catch (err) {
      this.logger?.debug({ reason: (err as Error).message }, 'live logs: ignoring a malformed event');
      return;
    }
    for (const l of this.listeners) l(event);
  }

  /**
   * Events matching `accept`, as an async iterator for a GraphQL subscription. The iterator's first
   * `next()` waits until the store subscription is active; ending the iterator removes the listener.
   * When a slow client falls more than `maxBuffered` events behind, the oldest are dropped.
   */
  events(accept: (e: UsageEvent) => boolean, maxBuffered = 1000): AsyncIterableIterator<UsageEvent> {
    const listener: Listener = (e) => {
      if (accept(e)) it.push(e);
    };
    this.listeners.add(listener);
    const it = bufferedIterator<UsageEvent>({
      ready: this.ensureSubscribed(),
      maxBuffered,
      onClose: async () => {
        this.listeners.delete(listener);
        await this.releaseIfIdle();
      },
    });
    return it.iterator;
  }

  /** Resolves once the channel subscription is active (immediately when there is no listener). */
  async subscribed(): Promise<void> {
    if (this.subscription) await this.subscription;
  }

  /** Number of active listeners (for tests and metrics). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  private ensureSubscribed(): Promise<Unsubscribe> {
    if (!this.subscription) {
      const sub = this.releasing.then(() => this.store.subscribe(hotChannels.liveLogs, (m) => this.dispatch(m)));
      this.subscription = sub;
      sub.catch(() => {
        if (this.subscription === sub) this.subscription = null; // the next subscriber tries again
      });
    }
    return this.subscription;
  }

  private async releaseIfIdle(): Promise<void> {
    if (this.listeners.size > 0 || !this.subscription) return;
    const sub = this.subscription;
    this.subscription = null;
    const release = (async () => {
      try {
        await (await sub)();
      } catch (err) {
        this.logger?.debug({ err }, 'live logs: unsubscribe failed');
      }
    })();
    this.releasing = release;
    await release;
  }
}

const hubs = new WeakMap<HotStore, LiveLogHub>();

/** The one hub of a hot store in this process (created on first use). */
export function liveLogHubFor(store: HotStore, logger?: Logger): LiveLogHub {
  let hub = hubs.get(store);
  if (!hub) {
    hub = new LiveLogHub(store, logger);
    hubs.set(store, hub);
  }
  return hub;
}
