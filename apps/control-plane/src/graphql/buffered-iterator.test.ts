import { describe, expect, it } from 'vitest';
import { bufferedIterator } from './buffered-iterator.ts';

describe('bufferedIterator', () => {
  it('keeps at most maxBuffered values for a reader that does not read, dropping the oldest', async () => {
    let closed = 0;
    const { push, iterator } = bufferedIterator<number>({ ready: Promise.resolve(), maxBuffered: 3, onClose: async () => { closed++; } });
    for (let i = 1; i <= 10; i++) push(i);
    const got: number[] = [];
    for (let i = 0; i < 3; i++) got.push((await iterator.next()).value as number);
    expect(got).toEqual([8, 9, 10]);
    // A value pushed while the reader waits goes straight to it.
    const waiting = iterator.next();
    push(11);
    expect(await waiting).toEqual({ value: 11, done: false });
    await iterator.return!();
    push(12);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });
});
