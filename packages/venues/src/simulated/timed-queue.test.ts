import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TimedQueue } from './timed-queue.ts';

describe('TimedQueue', () => {
  it('pops by time and, at equal times, in push order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = new TimedQueue<number>();
        times.forEach((t, i) => q.push(BigInt(t), i));
        const expected = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[1]);
        const got: number[] = [];
        while (q.peekTime() >= 0n) got.push(q.pop()!);
        expect(got).toEqual(expected);
        expect(q.pop()).toBeUndefined();
      }),
    );
  });
});
