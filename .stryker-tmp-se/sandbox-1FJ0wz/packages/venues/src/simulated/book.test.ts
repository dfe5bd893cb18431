// @ts-nocheck
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BookSide } from './book.ts';

function levels(side: BookSide): [number, number][] {
  const out: [number, number][] = [];
  for (let h = side.first(); h !== -1; h = side.next(h)) out.push([side.priceOf(h), side.sizeOf(h)]);
  expect(out).toHaveLength(side.count);
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

  it('keeps the same levels as a map when prices jump far beyond the ladder span, with BBO truncations and consumed liquidity', () => {
    const price = fc.oneof(
      { arbitrary: fc.integer({ min: 609_900, max: 610_100 }), weight: 20 },
      { arbitrary: fc.constantFrom(56_000, 62_136_870, 900_000, 400_000), weight: 3 },
      { arbitrary: fc.integer({ min: 1, max: 2 ** 40 }), weight: 1 },
    );
    const op = fc.oneof(
      { arbitrary: fc.tuple(fc.constant('set' as const), price, fc.integer({ min: 0, max: 5 })), weight: 10 },
      { arbitrary: fc.tuple(fc.constant('cut' as const), price, fc.constant(0)), weight: 1 },
      { arbitrary: fc.tuple(fc.constant('take' as const), fc.constant(0), fc.integer({ min: 1, max: 3 })), weight: 1 },
    );
    fc.assert(
      fc.property(fc.boolean(), fc.array(op, { maxLength: 300 }), (isBid, ops) => {
        const side = new BookSide(isBid ? 1 : -1);
        const model = new Map<number, { size: number; used: number }>();
        const better = (a: number, b: number) => (isBid ? a > b : a < b);
        for (const [kind, p, q] of ops) {
          if (kind === 'set') {
            side.set(p, q);
            const cur = model.get(p);
            if (q === 0) model.delete(p);
            else if (!cur || cur.size !== q) model.set(p, { size: q, used: 0 });
          } else if (kind === 'cut') {
            side.removeBetterThan(p);
            for (const k of [...model.keys()]) if (better(k, p)) model.delete(k);
          } else {
            const h = side.first();
            if (h !== -1) {
              side.consume(h, q);
              model.get(side.priceOf(h))!.used += q;
            }
          }
        }
        const expected = [...model.entries()].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
        expect(levels(side)).toEqual(expected.map(([p, l]) => [p, l.size]));
        const used: number[] = [];
        for (let h = side.first(); h !== -1; h = side.next(h)) used.push(side.consumedOf(h));
        expect(used).toEqual(expected.map(([, l]) => l.used));
        const avail = expected.find(([, l]) => l.size > l.used);
        expect(side.bestAvailablePrice()).toBe(avail ? avail[0] : NaN);
        for (const [p, l] of expected) expect(side.sizeAt(p)).toBe(l.size);
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
    asks.consume(asks.first(), 5);
    expect(asks.bestAvailablePrice()).toBeNaN();
    asks.set(101, 5);
    expect(asks.crosses(101)).toBe(false);
    asks.set(101, 6);
    expect(asks.crosses(101)).toBe(true);
  });

  it('updates at any depth of a 1000-level book keep the levels exact', () => {
    const bids = new BookSide(1);
    for (let p = 1; p <= 1000; p++) bids.set(p, p);
    for (let i = 0; i < 10_000; i++) bids.set(1 + ((i * 37) % 1000), (i % 4) * 2 + 1);
    expect(bids.count).toBe(1000);
    expect(bids.bestPrice()).toBe(1000);
  });
});
