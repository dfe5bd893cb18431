import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BboEvent, BookDeltaEvent } from '@chassis/core';
import { ExchangeBook, type ExchangeSide } from './book.ts';
import { bbo as bboEvent, bookDelta } from './scenario.ts';

/** rows: [isBid, price, size] */
function delta(
  updateId: bigint,
  rows: readonly (readonly [boolean, number, number])[],
  isSnapshot = false,
): BookDeltaEvent {
  return bookDelta(
    0n,
    rows.map(([isBid, p, q]) => [isBid ? 'bid' : 'ask', p, q] as const),
    isSnapshot,
    updateId,
  );
}

const bbo = (updateId: bigint, bid: number, bidQty: number, ask: number, askQty: number): BboEvent =>
  bboEvent(0n, bid, bidQty, ask, askQty, updateId);

/** [price, size, consumed] per level, best first. */
function levels(side: ExchangeSide): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let h = side.first(); h !== -1; h = side.next(h))
    out.push([side.priceOf(h), side.sizeOf(h), side.consumedOf(h)]);
  return out;
}

describe('ExchangeBook: the core book plus the liquidity our taker orders consumed', () => {
  it('consumed liquidity follows a Map model through any sequence of book updates, BBOs and takes', () => {
    const price = fc.oneof(fc.integer({ min: 95, max: 105 }), fc.constantFrom(50, 200_000, 400_000));
    const row = fc.tuple(fc.boolean(), price, fc.integer({ min: 0, max: 4 }));
    const op = fc.oneof(
      {
        arbitrary: fc.record({ kind: fc.constant('delta' as const), rows: fc.array(row, { maxLength: 4 }) }),
        weight: 6,
      },
      {
        arbitrary: fc.record({ kind: fc.constant('snapshot' as const), rows: fc.array(row, { maxLength: 6 }) }),
        weight: 1,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant('bbo' as const),
          bid: price,
          ask: price,
          qty: fc.integer({ min: 1, max: 4 }),
        }),
        weight: 2,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant('take' as const),
          isBid: fc.boolean(),
          qty: fc.integer({ min: 1, max: 3 }),
        }),
        weight: 3,
      },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const book = new ExchangeBook('x');
        // model: per side, price → { size, used }
        const model = {
          bid: new Map<number, { size: number; used: number }>(),
          ask: new Map<number, { size: number; used: number }>(),
        };
        const setLevel = (isBid: boolean, p: number, q: number) => {
          const m = isBid ? model.bid : model.ask;
          const cur = m.get(p);
          if (q === 0) m.delete(p);
          else if (!cur || cur.size !== q) m.set(p, { size: q, used: 0 });
        };
        let id = 0n;
        for (const o of ops) {
          id += 1n;
          if (o.kind === 'delta' || o.kind === 'snapshot') {
            book.applyDelta(delta(id, o.rows, o.kind === 'snapshot'));
            if (o.kind === 'snapshot') {
              model.bid.clear();
              model.ask.clear();
            }
            for (const [isBid, p, q] of o.rows) setLevel(isBid, p, q);
          } else if (o.kind === 'bbo') {
            book.applyBbo(bbo(id, o.bid, o.qty, o.ask, o.qty));
            // the core book's rule (checked by its own oracle) decides the levels; consumed must follow them
            for (const [isBid, m] of [
              [true, model.bid],
              [false, model.ask],
            ] as const) {
              const side = book.side(isBid);
              for (const p of [...m.keys()]) if (side.sizeAt(p) === 0) m.delete(p);
              const top = isBid ? o.bid : o.ask;
              if (side.sizeAt(top) > 0) setLevel(isBid, top, side.sizeAt(top));
            }
          } else {
            const side = book.side(o.isBid);
            const h = side.first();
            if (h !== -1) {
              side.consume(h, o.qty);
              (o.isBid ? model.bid : model.ask).get(side.priceOf(h))!.used += o.qty;
            }
          }
          for (const [isBid, m] of [
            [true, model.bid],
            [false, model.ask],
          ] as const) {
            const expected = [...m]
              .sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]))
              .map(([p, l]) => [p, l.size, l.used]);
            expect(levels(book.side(isBid))).toEqual(expected);
            const avail = expected.find((l) => l[1]! > l[2]!);
            expect(book.side(isBid).bestAvailablePrice()).toBe(avail ? avail[0] : NaN);
          }
        }
      }),
    );
  });

  it('consumed liquidity stays when a level is set to the size it already has, and goes when the size changes', () => {
    const book = new ExchangeBook('x');
    book.applyDelta(delta(1n, [[false, 101, 5]]));
    book.asks.consume(book.asks.first(), 5);
    expect(book.asks.crosses(101)).toBe(false);
    book.applyDelta(delta(2n, [[false, 101, 5]]));
    expect(book.asks.crosses(101)).toBe(false);
    book.applyDelta(delta(3n, [[false, 101, 6]]));
    expect(book.asks.crosses(101)).toBe(true);
  });

  it('a level that changes and changes back within one message is a new state: consumed liquidity goes', () => {
    const book = new ExchangeBook('x');
    book.applyDelta(delta(1n, [[true, 100, 3]]));
    book.bids.consume(book.bids.first(), 3);
    book.applyDelta(
      delta(2n, [
        [true, 100, 1],
        [true, 100, 3],
      ]),
    );
    expect(book.bids.consumedOf(book.bids.first())).toBe(0);
  });

  it('crosses compares the best unconsumed price with a limit on the other side', () => {
    const book = new ExchangeBook('x');
    book.applyDelta(
      delta(1n, [
        [true, 100, 1],
        [true, 99, 2],
        [false, 101, 1],
      ]),
    );
    expect(book.bids.crosses(100)).toBe(true);
    expect(book.bids.crosses(100.5)).toBe(false);
    expect(book.asks.crosses(101)).toBe(true);
    expect(book.asks.crosses(100)).toBe(false);
    book.bids.consume(book.bids.first(), 1);
    expect(book.bids.bestAvailablePrice()).toBe(99);
  });
});
