import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { L2Book } from '@chassis/core';
import { conservativeQueue } from './queue.ts';
import { constantLatency } from './latency.ts';
import { bbo, bookDelta, snapshot, TEST_INSTRUMENT } from './scenario.ts';
import { createSimulatedVenue } from './venue.ts';

const ID = TEST_INSTRUMENT.id;

describe('one book for strategy and venue', () => {
  it("the venue's exchange-side book equals the core market-state book after every event of any depth + BBO stream", () => {
    const price = fc.integer({ min: 90, max: 110 });
    const level = fc.tuple(price, fc.integer({ min: 0, max: 5 }));
    const id = fc.oneof(
      { arbitrary: fc.integer({ min: -3, max: 1 }), weight: 5 },
      { arbitrary: fc.constant(null), weight: 1 },
    );
    const event = fc.oneof(
      {
        arbitrary: fc.record({
          kind: fc.constant('delta' as const),
          bids: fc.array(level, { maxLength: 4 }),
          asks: fc.array(level, { maxLength: 4 }),
          snap: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
          id,
        }),
        weight: 3,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant('bbo' as const),
          bid: price,
          bidQty: fc.integer({ min: 0, max: 5 }),
          ask: price,
          askQty: fc.integer({ min: 0, max: 5 }),
          id,
        }),
        weight: 2,
      },
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const venue = createSimulatedVenue({
          instruments: [TEST_INSTRUMENT],
          queueModel: conservativeQueue(),
          latency: constantLatency(0n, 0n),
          seed: 1,
        });
        const core = new L2Book(ID);
        events.forEach((e, step) => {
          const ts = BigInt(step + 1);
          const updateId = e.id === null ? -1n : BigInt(step * 4 + e.id * 4);
          const rows =
            e.kind === 'delta'
              ? [...e.bids.map(([p, q]) => ['bid', p, q] as const), ...e.asks.map(([p, q]) => ['ask', p, q] as const)]
              : [];
          const ev =
            e.kind === 'bbo'
              ? bbo(ts, e.bid, e.bidQty, e.ask, e.askQty, updateId)
              : e.snap
                ? snapshot(ts, rows, updateId)
                : bookDelta(ts, rows, false, updateId);
          venue.onMarketEvent(ev);
          if (ev.kind === 'bbo') core.applyBbo(ev);
          else if (ev.kind === 'book_delta') core.applyDelta(ev);
          expect([venue.bestBid(ID), venue.bestAsk(ID)]).toEqual([core.bidPrice(0), core.askPrice(0)]);
          for (let p = 89; p <= 111; p++)
            expect([venue.levelQty(ID, 'bid', p), venue.levelQty(ID, 'ask', p)]).toEqual([
              core.bids.sizeAt(p),
              core.asks.sizeAt(p),
            ]);
        });
      }),
    );
  });
});
