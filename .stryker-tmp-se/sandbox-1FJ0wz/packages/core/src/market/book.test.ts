// @ts-nocheck
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { L2Book } from './book.ts';

describe('L2 book', () => {
  const nearPrices = fc.integer({ min: 1, max: 200 });
  // occasionally a price millions of units away (or not an integer): it lives in the outer sorted side, the rest stays in the ladder
  const anyPrices = fc.oneof(
    { arbitrary: nearPrices, weight: 20 },
    { arbitrary: fc.integer({ min: 1, max: 5_000_000 }), weight: 1 },
    { arbitrary: fc.constant(150.5), weight: 1 },
  );
  // USD-M BTCUSDT-like: a top near 610,000 units with stray levels at 56,000 and 62,136,870
  const strayPrices = fc.oneof(
    { arbitrary: fc.integer({ min: 609_900, max: 610_100 }), weight: 30 },
    { arbitrary: fc.constantFrom(56_000, 62_136_870, 3_000_000), weight: 2 },
    { arbitrary: fc.integer({ min: 1, max: 2 ** 40 }), weight: 1 },
  );
  for (const [label, prices] of [
    ['ladder', nearPrices],
    ['ladder + outer levels', anyPrices],
    ['stray levels far from the top', strayPrices],
  ] as const)
    it(`matches a naive price→size map after any sequence of level updates (${label})`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.boolean(), prices, fc.nat(5)), { maxLength: 300 }), (updates) => {
          const book = new L2Book('x');
          const ref = { bid: new Map<number, number>(), ask: new Map<number, number>() };
          for (const [isBid, price, size] of updates) {
            (isBid ? book.bids : book.asks).set(price, size);
            const m = isBid ? ref.bid : ref.ask;
            if (size === 0) m.delete(price);
            else m.set(price, size);
          }
          const bids = [...ref.bid].sort((a, b) => b[0] - a[0]);
          const asks = [...ref.ask].sort((a, b) => a[0] - b[0]);
          expect(book.bidLevels).toBe(bids.length);
          expect(book.askLevels).toBe(asks.length);
          bids.forEach(([p, q], i) => expect([book.bidPrice(i), book.bidQty(i)]).toEqual([p, q]));
          asks.forEach(([p, q], i) => expect([book.askPrice(i), book.askQty(i)]).toEqual([p, q]));
          expect(book.bidPrice(bids.length)).toBeNaN();
          const seen: number[][] = [];
          book.asks.forEachLevel((p, q) => seen.push([p, q]));
          expect(seen).toEqual(asks);
          const seenBids: number[][] = [];
          book.bids.forEachLevel((p, q) => seenBids.push([p, q]));
          expect(seenBids).toEqual(bids);
          bids.forEach(([p, q]) => expect(book.bids.sizeAt(p)).toBe(q));
          if (bids.length > 0 && asks.length > 0)
            expect(book.imbalance(3)).toBe(
              (bids.slice(0, 3).reduce((a, l) => a + l[1], 0) - asks.slice(0, 3).reduce((a, l) => a + l[1], 0)) /
                (bids.slice(0, 3).reduce((a, l) => a + l[1], 0) + asks.slice(0, 3).reduce((a, l) => a + l[1], 0)),
            );
        }),
      );
    });

  it('derives mid, spread, microprice and imbalance from the best levels', () => {
    const book = new L2Book('x');
    book.bids.set(100, 3);
    book.bids.set(99, 5);
    book.asks.set(102, 1);
    book.asks.set(103, 7);
    expect(book.mid()).toBe(101);
    expect(book.spread()).toBe(2);
    expect(book.microprice()).toBeCloseTo((100 * 1 + 102 * 3) / 4);
    expect(book.imbalance()).toBeCloseTo((3 - 1) / 4);
    expect(book.imbalance(2)).toBeCloseTo((8 - 8) / 16);
  });

  it('falls back to the BBO top only while an L2 side is empty, and BBO never changes L2 levels', () => {
    const book = new L2Book('x');
    book.bboBidPrice = 50;
    book.bboAskPrice = 51;
    expect(book.bidPrice()).toBe(50);
    book.bids.set(49, 1);
    expect(book.bidPrice()).toBe(49);
    expect(book.askPrice()).toBe(51);
    expect(book.bidLevels).toBe(1);
  });
});
