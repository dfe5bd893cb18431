// @ts-nocheck
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookChecker } from './book-checker.ts';

describe('BookChecker', () => {
  it('tracks the same best bid and ask as a full scan after any sequence of sets, removals and clears', () => {
    const op = fc.oneof(
      fc.record({ isAsk: fc.boolean(), price: fc.integer({ min: 1, max: 60 }), size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 })) }),
      fc.constant('clear' as const),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        const book = new BookChecker();
        const bids = new Map<number, number>();
        const asks = new Map<number, number>();
        for (const o of ops) {
          if (o === 'clear') {
            book.clear();
            bids.clear();
            asks.clear();
            continue;
          }
          book.set(o.isAsk, o.price, o.size);
          const side = o.isAsk ? asks : bids;
          if (o.size === 0) side.delete(o.price);
          else side.set(o.price, o.size);
          expect(book.bestBid).toBe(bids.size ? Math.max(...bids.keys()) : -Infinity);
          expect(book.bestAsk).toBe(asks.size ? Math.min(...asks.keys()) : Infinity);
          expect(book.hasBothSides).toBe(bids.size > 0 && asks.size > 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
