/**
 * The reference venue's book rule checked on worked cases (not against production): what a
 * taker buy can take shows the book. If these fail, the oracle itself is wrong. The rule is
 * the one L2Book documents (packages/core/README.md "The L2 book and its one rule for depth + BBO")
 * plus the venue's consumed liquidity.
 */
import { describe, expect, it } from 'vitest';
import type { BboEvent, BookDeltaEvent, Instrument } from '@chassis/core';
import { ReferenceVenue } from './reference-venue.ts';
import { requestSent } from './request-sent.ts';

const INST: Instrument = {
  id: 'sim:X',
  venue: 'sim',
  symbol: 'X',
  contractType: 'linear',
  baseCurrency: 'BTC',
  quoteCurrency: 'USDT',
  priceDecimals: 0,
  sizeDecimals: 0,
  tickUnits: 1,
  lotUnits: 1,
  minNotionalUnits: 0n,
  multiplier: 1,
  makerFeePpm: 0,
  takerFeePpm: 0,
};
const header = { seq: 0, tsEventNs: 0n, tsLocalNs: 0n, instrument: INST.id } as const;

/** Ask rows only: [price, size] (size 0 removes). */
function asks(updateId: bigint, rows: [number, number][], isSnapshot = false): BookDeltaEvent {
  return {
    ...header,
    kind: 'book_delta',
    updateId,
    isSnapshot,
    offset: 0,
    count: rows.length,
    sides: rows.map(() => 1),
    prices: rows.map((r) => r[0]),
    sizes: rows.map((r) => r[1]),
  };
}

function bbo(updateId: bigint, ask: number, askQty: number): BboEvent {
  return {
    ...header,
    kind: 'bbo',
    updateId,
    bidPriceUnits: ask - 1,
    bidQtyUnits: 1,
    askPriceUnits: ask,
    askQtyUnits: askQty,
  };
}

/** A venue with no latency; `buy` sends an IOC limit buy (or market when no limit) and returns its fills as [price, qty]. */
function venueOn(...events: (BookDeltaEvent | BboEvent)[]) {
  const venue = new ReferenceVenue({ instruments: [INST], entryLatencyNs: 0n, responseLatencyNs: 0n });
  for (const ev of events) venue.onMarketEvent(ev, 0n);
  let id = 0;
  return {
    market: (ev: BookDeltaEvent | BboEvent) => venue.onMarketEvent(ev, 0n),
    buy(qtyUnits: number, limit?: number): [number, number][] {
      const orderId = ++id;
      venue.submit(
        requestSent({
          seq: orderId,
          tsLocalNs: 0n,
          request: 'new',
          orderId,
          instrument: INST.id,
          side: 'buy',
          orderType: limit === undefined ? 'market' : 'limit',
          priceUnits: limit ?? 0,
          qtyUnits,
          timeInForce: 'IOC',
        }),
      );
      venue.processNextRequest();
      return venue.takeAnswers().flatMap((a) => (a.kind === 'order_filled' ? [[a.priceUnits, a.qtyUnits]] : []));
    },
  };
}

describe('the reference venue book: depth, BBO and consumed liquidity', () => {
  it('before any depth each BBO is the whole book: the previous BBO level is gone', () => {
    const v = venueOn(bbo(-1n, 102, 1), bbo(-1n, 101, 3));
    expect(v.buy(5)).toEqual([[101, 3]]);
  });

  it('a BBO not older than the depth removes the better levels and sets the top size', () => {
    const v = venueOn(
      asks(
        100n,
        [
          [101, 1],
          [102, 1],
          [103, 1],
        ],
        true,
      ),
      bbo(100n, 102, 4),
    );
    expect(v.buy(9)).toEqual([
      [102, 4],
      [103, 1],
    ]);
  });

  for (const [label, id] of [
    ['older than the depth', 99n],
    ['without an update id', -1n],
  ] as const)
    it(`a BBO ${label} leaves a book with depth as it is`, () => {
      const v = venueOn(
        asks(
          100n,
          [
            [101, 1],
            [102, 1],
          ],
          true,
        ),
        bbo(id, 103, 7),
      );
      expect(v.buy(9)).toEqual([
        [101, 1],
        [102, 1],
      ]);
    });

  it('a depth update older than the applied BBO is followed by that BBO top again, even after a BBO that was not applied', () => {
    const v = venueOn(
      asks(
        100n,
        [
          [101, 1],
          [102, 1],
        ],
        true,
      ),
      bbo(110n, 102, 2),
      bbo(-1n, 105, 1),
      asks(105n, [[101, 5]]),
    );
    expect(v.buy(9)).toEqual([[102, 2]]);
  });

  it('a depth update at or after the applied BBO id is authoritative for the levels it names', () => {
    const v = venueOn(
      asks(
        100n,
        [
          [101, 1],
          [102, 1],
        ],
        true,
      ),
      bbo(110n, 102, 2),
      asks(110n, [[101, 5]]),
    );
    expect(v.buy(9)).toEqual([
      [101, 5],
      [102, 2],
    ]);
  });

  it('liquidity our taker took stays taken while its level keeps its size, and comes back when the size changes', () => {
    const v = venueOn(asks(100n, [[101, 2]], true));
    expect(v.buy(2, 101)).toEqual([[101, 2]]);
    v.market(asks(101n, [[101, 2]]));
    expect(v.buy(1, 101), 'same size: the same liquidity, already taken').toEqual([]);
    v.market(asks(102n, [[101, 3]]));
    expect(v.buy(3, 101), 'new size: a new state of the level').toEqual([[101, 3]]);
  });
});
