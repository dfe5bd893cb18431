import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isZero, L2Book } from './l2-book.ts';

/** A decimal string for `units` hundredths, written the ways venues write it ("101.5", "101.50", "0101.50"). */
function decimal(units: number, style: number): string {
  const text = (units / 100).toFixed(2);
  if (style === 1) return text.replace(/0+$/, '').replace(/\.$/, '');
  if (style === 2) return `0${text}`;
  return text;
}

const SPAN = 2 ** 17;
// Price paths in hundredths that jump far (beyond a 2^17-unit span) and come back to the levels they left.
const home = fc.constantFrom(1_000_000, 1_000_000 + SPAN + 5, 1_000_000 - 3 * SPAN, 1_000_000 + 0.75 * SPAN);
const priceUnits = fc.tuple(home, fc.integer({ min: -20, max: 20 })).map(([h, o]) => h + o * 7);
const zeroSize = fc.constantFrom('0', '0.000', '0.0', '00');
const sizeText = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 999 }).map((n) => (n / 10).toFixed(1)), weight: 4 },
  { arbitrary: zeroSize, weight: 1 },
);
const row = fc.tuple(priceUnits, fc.integer({ min: 0, max: 2 }), sizeText);
const message = fc.record({ bids: fc.array(row, { maxLength: 6 }), asks: fc.array(row, { maxLength: 6 }) });

describe('formats L2Book (string levels) against a plain Map', () => {
  it('keeps the levels, best first, with the latest strings the venue sent, after every message', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(message, fc.integer({ min: 0, max: 9 })), { maxLength: 60 }), (messages) => {
        const book = new L2Book();
        const refs = { bids: new Map<number, [string, string]>(), asks: new Map<number, [string, string]>() };
        for (const [m, snapshotDie] of messages) {
          const isSnapshot = snapshotDie === 0;
          const bids = m.bids.map(([p, style, s]) => [decimal(p, style), s] as const);
          const asks = m.asks.map(([p, style, s]) => [decimal(p, style), s] as const);
          book.apply(bids, asks, isSnapshot);
          if (isSnapshot) {
            refs.bids.clear();
            refs.asks.clear();
          }
          for (const [side, rows] of [
            [refs.bids, m.bids],
            [refs.asks, m.asks],
          ] as const) {
            for (const [p, style, s] of rows) {
              if (Number(s) === 0) side.delete(p);
              else side.set(p, [decimal(p, style), s]);
            }
          }
          const expectBids = [...refs.bids].sort((a, b) => b[0] - a[0]).map(([, l]) => l);
          const expectAsks = [...refs.asks].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
          expect(book.bids.levels.map((l) => [l.price, l.size])).toEqual(expectBids);
          expect(book.asks.levels.map((l) => [l.price, l.size])).toEqual(expectAsks);
          expect(book.bestBid()?.price).toBe(expectBids[0]?.[0]);
          expect(book.bestAsk()?.price).toBe(expectAsks[0]?.[0]);
          const [bb] = [...refs.bids.keys()].sort((a, b) => b - a);
          const [ba] = [...refs.asks.keys()].sort((a, b) => a - b);
          expect(book.isCrossed()).toBe(bb !== undefined && ba !== undefined && bb >= ba);
        }
      }),
    );
  });

  it('treats every written form of zero as a removal and nothing else', () => {
    for (const z of ['0', '0.0', '0.000', '00', '.0']) expect(isZero(z)).toBe(true);
    for (const s of ['1', '0.001', '10', '0.10']) expect(isZero(s)).toBe(false);
  });
});
