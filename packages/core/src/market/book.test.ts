import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BboEvent, BookDeltaEvent } from '../events.ts';
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

  it('keeps the newest size of a level the ladder grows back over after a re-anchor moved it to the outer side', () => {
    const book = new L2Book('x');
    book.bids.set(100_000, 5);
    book.bids.set(92_000, 7);
    book.bids.set(220_000, 1); // beyond the ladder span: re-anchors, 100,000 and 92,000 move out
    book.bids.set(100_000, 9); // the ladder grows back over 100,000
    expect(book.bids.sizeAt(100_000)).toBe(9);
    expect(book.bidPrice(1)).toBe(100_000);
    expect(book.bidQty(1)).toBe(9);
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

  it('a BBO before any depth is the book: each side with a quantity becomes that one level', () => {
    const book = new L2Book('x');
    book.applyBbo(bbo(-1n, 50, 2, 51, 3));
    book.applyBbo(bbo(-1n, 49, 4, 52, 1));
    expect(levels(book)).toEqual({ bids: [[49, 4]], asks: [[52, 1]] });
  });

  it('a snapshot replaces a book whose levels span the whole ladder window and far beyond: no old level is left at any price', () => {
    // USD-M BTCUSDT-like: levels every 37 units over 2^17 units on each side of a 616,597 top, plus strays.
    const rows: [number, number, number][] = [[0, 5_600, 7], [1, 6_213_687, 7]];
    for (let d = 0; d < 2 ** 17; d += 37) rows.push([0, 616_597 - d, 1], [1, 616_598 + d, 1]);
    const book = new L2Book('x');
    book.applyDelta(delta(1n, rows, true));
    expect([book.bidLevels, book.askLevels]).toEqual([3544, 3544]);
    book.applyDelta(delta(2n, [[0, 600_000, 2], [1, 630_000, 3]], true));
    expect(levels(book)).toEqual({ bids: [[600_000, 2]], asks: [[630_000, 3]] });
    expect(rows.filter(([side, price]) => (side === 0 ? book.bids : book.asks).sizeAt(price) !== 0)).toEqual([]);
    book.applyDelta(delta(3n, [[0, 616_597 - 37, 4], [1, 616_598 + 74, 5]]));
    expect(levels(book)).toEqual({ bids: [[616_560, 4], [600_000, 2]], asks: [[616_672, 5], [630_000, 3]] });
  });

  it('on a tick grid of 10, removing the best levels message by message leaves the next one best, down to a far level outside the ladder', () => {
    // A naive price → size map per side is the reference after every message.
    const ref = [new Map<number, number>(), new Map<number, number>()];
    const book = new L2Book('x', 10);
    const messages: [number, number, number][][] = [
      [[0, 616_590, 1], [0, 616_580, 2], [0, 616_570, 3], [0, 10, 4], [1, 616_600, 5], [1, 616_610, 6], [1, 9_000_000, 7]],
      [[0, 616_590, 0], [1, 616_600, 0]],
      [[0, 616_580, 0], [0, 616_570, 0], [1, 616_610, 0]],
      [[0, 616_500, 8], [1, 616_700, 9]],
      [[0, 616_500, 0], [1, 616_700, 0], [1, 616_620, 1]],
    ];
    messages.forEach((rows, i) => {
      book.applyDelta(delta(BigInt(i + 1), rows, i === 0));
      for (const [side, price, size] of rows) {
        if (size === 0) ref[side]!.delete(price);
        else ref[side]!.set(price, size);
      }
      const sorted = (side: number) => [...ref[side]!].sort((a, b) => (side === 0 ? b[0] - a[0] : a[0] - b[0]));
      expect(levels(book), `after message ${i}`).toEqual({ bids: sorted(0), asks: sorted(1) });
      expect([book.bids.bestPrice(), book.asks.bestPrice()], `best after message ${i}`).toEqual([sorted(0)[0]![0], sorted(1)[0]![0]]);
    });
  });

  it('before any depth each BBO replaces the book, wherever the top moves', () => {
    const book = new L2Book('x');
    for (const top of [616_597, 616_590, 700_000, 616_597, 5_600, 616_600]) book.applyBbo(bbo(-1n, top, 2, top + 1, 3));
    expect(levels(book)).toEqual({ bids: [[616_600, 2]], asks: [[616_601, 3]] });
  });

  it('a BBO not older than the depth removes the better levels and sets the top size', () => {
    const book = depthBook(100n);
    book.applyBbo(bbo(100n, 99, 7, 103, 2));
    expect(levels(book)).toEqual({
      bids: [
        [99, 7],
        [98, 1],
      ],
      asks: [
        [103, 2],
        [104, 1],
      ],
    });
  });

  it('a BBO older than the depth, or without an update id, leaves a depth book as it is', () => {
    const book = depthBook(100n);
    book.applyBbo(bbo(99n, 98, 7, 104, 2));
    book.applyBbo(bbo(-1n, 98, 7, 104, 2));
    expect(levels(book)).toEqual(levels(depthBook(100n)));
    expect([book.bboBidPrice, book.bboUpdateId]).toEqual([98, -1n]);
  });

  // A later BBO that was not applied (stale or unsequenced) does not change which top is re-applied.
  for (const [label, later] of [
    ['', undefined],
    [', even after a BBO without an update id', bbo(-1n, 97, 3, 105, 3)],
    [', even after a BBO older than the depth', bbo(99n, 97, 3, 105, 3)],
  ] as const)
    it(`a depth update older than the applied BBO cannot bring back the levels the BBO removed${label}`, () => {
      const book = depthBook(100n);
      book.applyBbo(bbo(110n, 99, 7, 102, 2));
      if (later !== undefined) book.applyBbo(later);
      book.applyDelta(
        delta(105n, [
          [0, 100, 5],
          [0, 98, 9],
        ]),
      );
      expect(levels(book).bids).toEqual([
        [99, 7],
        [98, 9],
      ]);
    });

  it('a depth update at or after the BBO id is authoritative for the levels it names', () => {
    const book = depthBook(100n);
    book.applyBbo(bbo(110n, 99, 7, 102, 2));
    book.applyDelta(
      delta(110n, [
        [0, 100, 5],
        [1, 102, 4],
      ]),
    );
    expect(levels(book)).toEqual({
      bids: [
        [100, 5],
        [99, 7],
        [98, 1],
      ],
      asks: [
        [102, 4],
        [103, 1],
        [104, 1],
      ],
    });
  });
});

const header = { seq: 0, tsEventNs: 0n, tsLocalNs: 0n } as const;

function bbo(updateId: bigint, bid: number, bidQty: number, ask: number, askQty: number): BboEvent {
  return {
    ...header,
    kind: 'bbo',
    instrument: 'x',
    updateId,
    bidPriceUnits: bid,
    bidQtyUnits: bidQty,
    askPriceUnits: ask,
    askQtyUnits: askQty,
  };
}

/** rows: [side (0 bid, 1 ask), price, size] */
function delta(updateId: bigint, rows: [number, number, number][], isSnapshot = false): BookDeltaEvent {
  return {
    ...header,
    kind: 'book_delta',
    instrument: 'x',
    updateId,
    isSnapshot,
    offset: 0,
    count: rows.length,
    sides: rows.map((r) => r[0]),
    prices: rows.map((r) => r[1]),
    sizes: rows.map((r) => r[2]),
  };
}

/** Bids 100, 99, 98 and asks 101, 102, 103, 104, one lot each, from a snapshot with `updateId`. */
function depthBook(updateId: bigint): L2Book {
  const book = new L2Book('x');
  book.applyDelta(
    delta(
      updateId,
      [
        [0, 100, 1],
        [0, 99, 1],
        [0, 98, 1],
        [1, 101, 1],
        [1, 102, 1],
        [1, 103, 1],
        [1, 104, 1],
      ],
      true,
    ),
  );
  return book;
}

function levels(book: L2Book): { bids: number[][]; asks: number[][] } {
  const out = { bids: [] as number[][], asks: [] as number[][] };
  book.bids.forEachLevel((p, q) => out.bids.push([p, q]));
  book.asks.forEachLevel((p, q) => out.asks.push([p, q]));
  return out;
}
