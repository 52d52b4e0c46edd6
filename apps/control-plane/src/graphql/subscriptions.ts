import type { HotStore } from '@relay/hot-store';

/**
 * A hot-store pub/sub channel as an AsyncIterable for a GraphQL subscription. Messages go through
 * the store (Redis pub/sub in production), so a subscriber on any control-plane process sees events
 * published by any process. The subscription ends (and unsubscribes) when the client goes away.
 * Messages beyond `maxBuffered` waiting for a slow client are dropped, oldest first.
 */
export function channelIterator(store: HotStore, channel: string, maxBuffered = 1000): AsyncIterableIterator<string> {
  const buffer: string[] = [];
  let wake: ((r: IteratorResult<string>) => void) | null = null;
  let done = false;
  const unsubscribe = store.subscribe(channel, (message) => {
    if (done) return;
    if (wake) {
      const w = wake;
      wake = null;
      w({ value: message, done: false });
      return;
    }
    buffer.push(message);
    if (buffer.length > maxBuffered) buffer.shift();
  });
  const finish = async (): Promise<IteratorResult<string>> => {
    if (!done) {
      done = true;
      wake?.({ value: undefined, done: true });
      wake = null;
      await (await unsubscribe)();
    }
    return { value: undefined, done: true };
  };
  return {
    async next() {
      await unsubscribe; // subscription active before the first event can be missed
      if (buffer.length) return { value: buffer.shift()!, done: false };
      if (done) return { value: undefined, done: true };
      return new Promise((resolve) => (wake = resolve));
    },
    return: finish,
    throw: async (err) => {
      await finish();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
