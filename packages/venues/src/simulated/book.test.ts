import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BookSide } from './book.ts';

function levels(side: BookSide): [number, number][] {
  const out: [number, number][] = [];
  for (let i = side.count - 1; i >= 0; i--) out.push([side.priceAt(i), side.sizes[i]!]);
  return out;
}

describe('BookSide', () => {
  it('keeps the same levels as a map under any sequence of sets and removals, best first', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 5 })), { maxLength: 300 }), (isBid, ops) => {
        const side = new BookSide(isBid ? 1 : -1, 4); // tiny capacity: exercises growth
        const model = new Map<number, number>();
        for (const [price, size] of ops) {
          side.set(price, size);
          if (size === 0) model.delete(price);
          else model.set(price, size);
        }
        const expected = [...model.entries()].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
        expect(levels(side)).toEqual(expected);
        for (let p = 0; p <= 61; p++) expect(side.sizeAt(p)).toBe(model.get(p) ?? 0);
      }),
    );
  });

  it('removeBetterThan drops only levels strictly better than the price', () => {
    const bids = new BookSide(1);
    for (const p of [97, 98, 99, 100, 101]) bids.set(p, 1);
    bids.removeBetterThan(99);
    expect(levels(bids).map((l) => l[0])).toEqual([99, 98, 97]);
    const asks = new BookSide(-1);
    for (const p of [101, 102, 103, 104]) asks.set(p, 1);
    asks.removeBetterThan(102.5);
    expect(levels(asks).map((l) => l[0])).toEqual([103, 104]);
  });

  it('consumed liquidity resets when the level size changes but not when it is set to the same size', () => {
    const asks = new BookSide(-1);
    asks.set(101, 5);
    asks.consumed[asks.count - 1] = 5;
    expect(asks.bestAvailablePrice()).toBeNaN();
    asks.set(101, 5);
    expect(asks.crosses(101)).toBe(false);
    asks.set(101, 6);
    expect(asks.crosses(101)).toBe(true);
  });

  it('updates at the top of a deep book do not allocate new arrays', () => {
    const bids = new BookSide(1, 2048);
    for (let p = 1; p <= 1000; p++) bids.set(p, p);
    const keys = bids.keys;
    for (let i = 0; i < 10_000; i++) bids.set(1000 + (i % 3), (i % 4) * 2);
    expect(bids.keys).toBe(keys);
  });
});
