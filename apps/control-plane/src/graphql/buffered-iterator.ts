/**
 * The async iterator behind a GraphQL subscription fed by callbacks: `push` delivers to a waiting
 * reader or buffers (dropping the oldest beyond `maxBuffered`, so a slow client cannot grow memory
 * without bound); the first `next()` waits for `ready` (the source subscription is active, so no
 * event can be missed); ending the iterator runs `onClose` once.
 */
export function bufferedIterator<T>(opts: { ready: Promise<unknown>; onClose: () => Promise<void>; maxBuffered?: number }): {
  push(value: T): void;
  iterator: AsyncIterableIterator<T>;
} {
  const maxBuffered = opts.maxBuffered ?? 1000;
  const buffer: T[] = [];
  let wake: ((r: IteratorResult<T>) => void) | null = null;
  let done = false;
  const finish = async (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      wake?.({ value: undefined, done: true });
      wake = null;
      await opts.onClose();
    }
    return { value: undefined, done: true };
  };
  return {
    push(value) {
      if (done) return;
      if (wake) {
        const w = wake;
        wake = null;
        w({ value, done: false });
        return;
      }
      buffer.push(value);
      if (buffer.length > maxBuffered) buffer.shift();
    },
    iterator: {
      async next() {
        await opts.ready;
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
    },
  };
}
