import type { HotStore } from '@relay/hot-store';
import { bufferedIterator } from './buffered-iterator.ts';

/**
 * A hot-store pub/sub channel as an AsyncIterable for a GraphQL subscription. Messages go through
 * the store (Redis pub/sub in production), so a subscriber on any control-plane process sees events
 * published by any process. The subscription ends (and unsubscribes) when the client goes away.
 * Messages beyond `maxBuffered` waiting for a slow client are dropped, oldest first.
 */
export function channelIterator(store: HotStore, channel: string, maxBuffered = 1000): AsyncIterableIterator<string> {
  let push: (message: string) => void = () => {};
  const unsubscribe = store.subscribe(channel, (message) => push(message));
  const it = bufferedIterator<string>({ ready: unsubscribe, onClose: async () => (await unsubscribe)(), maxBuffered });
  push = it.push;
  return it.iterator;
}
