// @ts-nocheck
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
  it('keeps that order when pushes and pops interleave, in time order or not', () => {
    // op >= 0: push at time op (mostly in order, sometimes earlier); op < 0: pop.
    const op = fc.oneof(fc.integer({ min: -1, max: -1 }), fc.integer({ min: 0, max: 30 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const q = new TimedQueue<number>();
        const model: [number, number][] = []; // [time, push index], kept sorted
        let pushes = 0;
        for (const o of ops) {
          if (o >= 0) {
            q.push(BigInt(o), pushes);
            model.push([o, pushes++]);
            model.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          } else {
            const want = model.shift();
            expect(q.peekTime()).toBe(want === undefined ? -1n : BigInt(want[0]));
            expect(q.peek()).toBe(want?.[1]);
            expect(q.pop()).toBe(want?.[1]);
          }
          expect(q.size).toBe(model.length);
        }
      }),
      { numRuns: 60 },
    );
  });
  it('keeps that order over long runs that never drain, with a few late pushes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 6000, maxLength: 6000 }), (draws) => {
        const q = new TimedQueue<number>();
        const model: [number, number][] = [];
        let clock = 0;
        let pushes = 0;
        const pop = (): void => {
          const want = model.shift();
          expect(q.peekTime()).toBe(want === undefined ? -1n : BigInt(want[0]));
          expect(q.pop()).toBe(want?.[1]);
        };
        for (let k = 0; k < draws.length; k++) {
          const d = draws[k]!;
          // 3 pushes per 2 pops: the queue grows and is never empty; 5% of pushes are late.
          const t = d < 5 ? clock - 1 - d : (clock += d % 3);
          q.push(BigInt(t), pushes);
          model.push([t, pushes++]);
          model.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          if (k % 3 !== 0) pop();
        }
        while (model.length > 0) pop();
        expect(q.size).toBe(0);
        expect(q.pop()).toBeUndefined();
      }),
      { numRuns: 5 },
    );
  });
});
