import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RecentIds } from './recent-ids.ts';

describe('RecentIds', () => {
  it('answers like a plain list of the last `capacity` distinct ids for any sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 8 }),
        (ids, capacity) => {
          const recent = new RecentIds<number>(capacity);
          const window: number[] = [];
          for (const id of ids) {
            const expected = window.includes(id);
            expect(recent.seen(id)).toBe(expected);
            if (!expected) {
              window.push(id);
              if (window.length > capacity) window.shift();
            }
          }
        },
      ),
    );
  });
});
