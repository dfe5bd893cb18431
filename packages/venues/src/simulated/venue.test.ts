import { describe, expect, it } from 'vitest';
import type { EventDraft, ExecutionEvent, OrderFilledEvent, RequestSentEvent } from '@chassis/core';
import { createSimulatedVenue, type SimulatedVenue, type SimulatedVenueConfig } from './venue.ts';
import { conservativeQueue, logProbability, powerProbQueue, logProbQueue, probabilisticQueue } from './queue.ts';
import { constantLatency, recordedLatency } from './latency.ts';
import { BASIC_BOOK, TEST_INSTRUMENT, bbo, bookDelta, cancelOrder, newOrder, replaceOrder, snapshot, trade } from './scenario.ts';

const ID = TEST_INSTRUMENT.id;

function venueWith(overrides: Partial<SimulatedVenueConfig> = {}): SimulatedVenue {
  const venue = createSimulatedVenue({
    instruments: [TEST_INSTRUMENT],
    queueModel: conservativeQueue(),
    latency: constantLatency(0n, 0n),
    seed: 1,
    ...overrides,
  });
  venue.onMarketEvent(snapshot(1n, BASIC_BOOK));
  return venue;
}

function drainAnswers(venue: SimulatedVenue): EventDraft<ExecutionEvent>[] {
  const out: EventDraft<ExecutionEvent>[] = [];
  while (venue.nextAnswerNs() >= 0n) out.push(venue.popAnswer());
  return out;
}

/** Submits a request, processes it at its arrival and returns every answer produced so far. */
function send(venue: SimulatedVenue, request: RequestSentEvent): EventDraft<ExecutionEvent>[] {
  venue.submit(request);
  venue.processNextRequest();
  return drainAnswers(venue);
}

function fills(answers: readonly EventDraft<ExecutionEvent>[]): EventDraft<OrderFilledEvent>[] {
  return answers.filter((a): a is EventDraft<OrderFilledEvent> => a.kind === 'order_filled');
}

function summary(answers: readonly EventDraft<ExecutionEvent>[]): string[] {
  return answers.map((a) => {
    switch (a.kind) {
      case 'order_filled':
        return `filled ${a.qtyUnits}@${a.priceUnits} ${a.liquidity}${a.final ? ' final' : ''}`;
      case 'order_cancelled':
        return `cancelled ${a.reason}`;
      case 'order_rejected':
        return `rejected ${a.reason}`;
      case 'cancel_replace_rejected':
        return `${a.request} rejected ${a.reason}`;
      case 'order_replaced':
        return `replaced ${a.qtyUnits}@${a.priceUnits}`;
      default:
        return a.kind.replace('order_', '');
    }
  });
}

describe('exchange-side book', () => {
  it('a snapshot replaces the whole book and deltas set or remove single levels', () => {
    const venue = venueWith();
    expect([venue.bestBid(ID), venue.bestAsk(ID)]).toEqual([100, 101]);
    venue.onMarketEvent(bookDelta(2n, [['bid', 100, 0], ['ask', 101, 8], ['ask', 104, 1]]));
    expect(venue.bestBid(ID)).toBe(99);
    expect(venue.levelQty(ID, 'ask', 101)).toBe(8);
    venue.onMarketEvent(snapshot(3n, [['bid', 50, 1], ['ask', 60, 2]]));
    expect([venue.bestBid(ID), venue.bestAsk(ID), venue.levelQty(ID, 'bid', 99)]).toEqual([50, 60, 0]);
  });

  it('a BBO not older than the depth sets the top of book and removes levels better than it', () => {
    const venue = venueWith();
    venue.onMarketEvent(bookDelta(2n, [['bid', 97, 1]], false, 10n));
    venue.onMarketEvent(bbo(3n, 99, 4, 102, 6, 11n));
    expect([venue.bestBid(ID), venue.levelQty(ID, 'bid', 99), venue.bestAsk(ID), venue.levelQty(ID, 'ask', 102)]).toEqual([99, 4, 102, 6]);
    expect(venue.levelQty(ID, 'bid', 98)).toBe(30);
  });

  it('a BBO older than the depth, or without an update id, leaves a depth-driven book alone', () => {
    const venue = venueWith();
    venue.onMarketEvent(bookDelta(2n, [['bid', 97, 1]], false, 10n));
    venue.onMarketEvent(bbo(3n, 99, 4, 102, 6, 9n));
    venue.onMarketEvent(bbo(4n, 99, 4, 102, 6));
    expect([venue.bestBid(ID), venue.bestAsk(ID)]).toEqual([100, 101]);
  });

  it('with BBO-only data each BBO is the whole book: one level per side, the earlier top gone', () => {
    const venue = createSimulatedVenue({ instruments: [TEST_INSTRUMENT], queueModel: conservativeQueue(), latency: constantLatency(0n, 0n), seed: 1 });
    venue.onMarketEvent(bbo(1n, 100, 3, 101, 2));
    venue.onMarketEvent(bbo(2n, 99, 5, 100, 1));
    expect([venue.bestBid(ID), venue.levelQty(ID, 'bid', 99), venue.bestAsk(ID), venue.levelQty(ID, 'ask', 100), venue.levelQty(ID, 'ask', 101)]).toEqual([99, 5, 100, 1, 0]);
  });

  it('our resting orders never change the historical book (no market impact)', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 50 }));
    send(venue, newOrder({ seq: 2, orderId: 2, side: 'sell', priceUnits: 101, qtyUnits: 3, timeInForce: 'IOC' }));
    expect(venue.levelQty(ID, 'bid', 100)).toBe(10);
    expect(venue.levelQty(ID, 'ask', 101)).toBe(5);
  });

  it('market events for instruments the venue does not trade are ignored', () => {
    const venue = venueWith();
    venue.onMarketEvent({ ...trade(2n, 1, 1, 'sell'), instrument: 'other:XYZ' });
    expect(venue.pendingAnswers).toBe(0);
  });
});

describe('order types', () => {
  it('a new GTC limit order below the ask is accepted and rests at the back of its level', () => {
    const venue = venueWith();
    expect(summary(send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 3 })))).toEqual(['accepted']);
    expect(venue.openOrder(1)).toMatchObject({ side: 'buy', priceUnits: 100, qtyUnits: 3, filledUnits: 0, queueAheadUnits: 10 });
  });

  it('a post-only buy that would cross the ask is rejected and never rests', () => {
    const venue = venueWith();
    const answers = send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 101, qtyUnits: 1, postOnly: true }));
    expect(summary(answers)).toEqual(['rejected post_only_would_cross']);
    expect(venue.openOrder(1)).toBeUndefined();
  });

  it('a post-only sell above the bid rests as a maker order', () => {
    const venue = venueWith();
    expect(summary(send(venue, newOrder({ seq: 1, orderId: 1, side: 'sell', priceUnits: 101, qtyUnits: 1, postOnly: true })))).toEqual(['accepted']);
    expect(venue.openOrder(1)?.queueAheadUnits).toBe(5);
  });

  it('an IOC order fills what the book offers up to its limit and the rest is cancelled', () => {
    const venue = venueWith();
    const answers = send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 102, qtyUnits: 20, timeInForce: 'IOC' }));
    expect(summary(answers)).toEqual(['accepted', 'filled 5@101 taker', 'filled 7@102 taker', 'cancelled ioc']);
    expect(venue.openOrder(1)).toBeUndefined();
  });

  it('a FOK order fills completely when the book holds enough up to its limit', () => {
    const venue = venueWith();
    const answers = send(venue, newOrder({ seq: 1, orderId: 1, side: 'sell', priceUnits: 99, qtyUnits: 25, timeInForce: 'FOK' }));
    expect(summary(answers)).toEqual(['accepted', 'filled 10@100 taker', 'filled 15@99 taker final']);
  });

  it('a FOK order that cannot be filled completely is cancelled without any fill', () => {
    const venue = venueWith();
    const answers = send(venue, newOrder({ seq: 1, orderId: 1, side: 'sell', priceUnits: 99, qtyUnits: 31, timeInForce: 'FOK' }));
    expect(summary(answers)).toEqual(['accepted', 'cancelled fok']);
    expect(venue.levelQty(ID, 'bid', 100)).toBe(10);
    // Nothing was consumed: the same liquidity is still there for the next order.
    expect(summary(send(venue, newOrder({ seq: 2, orderId: 2, side: 'sell', priceUnits: 100, qtyUnits: 10, timeInForce: 'FOK' })))).toEqual(['accepted', 'filled 10@100 taker final']);
  });

  it('a market order walks the book with one taker fill per price level', () => {
    const venue = venueWith();
    const answers = send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', market: true, qtyUnits: 15 }));
    expect(summary(answers)).toEqual(['accepted', 'filled 5@101 taker', 'filled 7@102 taker', 'filled 3@103 taker final']);
  });

  it('a market order larger than the whole book fills everything and cancels the rest', () => {
    const venue = venueWith();
    const answers = send(venue, newOrder({ seq: 1, orderId: 1, side: 'sell', market: true, qtyUnits: 100 }));
    expect(summary(answers)).toEqual(['accepted', 'filled 10@100 taker', 'filled 20@99 taker', 'filled 30@98 taker', 'cancelled ioc']);
  });

  it('a GTC limit order that crosses takes liquidity first and rests the remainder at its price', () => {
    const venue = venueWith();
    const answers = send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 101, qtyUnits: 8 }));
    expect(summary(answers)).toEqual(['accepted', 'filled 5@101 taker']);
    expect(venue.openOrder(1)).toMatchObject({ priceUnits: 101, filledUnits: 5, queueAheadUnits: 0 });
  });

  it('two of our taker orders cannot take the same liquidity until the level changes', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 101, qtyUnits: 4, timeInForce: 'IOC' }));
    const second = send(venue, newOrder({ seq: 2, orderId: 2, side: 'buy', priceUnits: 101, qtyUnits: 4, timeInForce: 'IOC' }));
    expect(summary(second)).toEqual(['accepted', 'filled 1@101 taker', 'cancelled ioc']);
    venue.onMarketEvent(bookDelta(2n, [['ask', 101, 6]])); // the level changed: fresh liquidity
    const third = send(venue, newOrder({ seq: 3, orderId: 3, side: 'buy', priceUnits: 101, qtyUnits: 4, timeInForce: 'IOC' }));
    expect(summary(third)).toEqual(['accepted', 'filled 4@101 taker final']);
  });

  it('a cancel removes a resting order, and cancelling it again is rejected as unknown', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 99, qtyUnits: 2 }));
    const cancelled = send(venue, cancelOrder(2, 1, 'buy'));
    expect(cancelled).toMatchObject([{ kind: 'order_cancelled', orderId: 1, requestSeq: 2, reason: 'requested' }]);
    expect(venue.openOrder(1)).toBeUndefined();
    expect(summary(send(venue, cancelOrder(3, 1, 'buy')))).toEqual(['cancel rejected unknown_order']);
  });

  it('invalid orders are rejected with a reason: unknown instrument, off-tick price, off-lot qty, below min notional', () => {
    const lot10 = { ...TEST_INSTRUMENT, lotUnits: 10, tickUnits: 5, minNotionalUnits: 5000n };
    const venue = createSimulatedVenue({ instruments: [lot10], queueModel: conservativeQueue(), latency: constantLatency(0n, 0n), seed: 1 });
    const reasons = [
      newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 10, instrument: 'nowhere:X' }),
      newOrder({ seq: 2, orderId: 2, side: 'buy', priceUnits: 101, qtyUnits: 100 }),
      newOrder({ seq: 3, orderId: 3, side: 'buy', priceUnits: 100, qtyUnits: 15 }),
      newOrder({ seq: 4, orderId: 4, side: 'buy', priceUnits: 100, qtyUnits: 40 }),
    ].flatMap((r) => summary(send(venue, r)));
    expect(reasons).toEqual(['rejected unknown_instrument', 'rejected invalid_price', 'rejected invalid_qty', 'rejected min_notional']);
  });
});

describe('replace', () => {
  it('a replace with a new price loses queue priority and joins the back of the new level', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 99, qtyUnits: 2 }));
    venue.onMarketEvent(trade(2n, 99, 15, 'sell'));
    expect(venue.openOrder(1)?.queueAheadUnits).toBe(5);
    expect(summary(send(venue, replaceOrder(2, 1, 'buy', 100, 2)))).toEqual(['replaced 2@100']);
    expect(venue.openOrder(1)).toMatchObject({ priceUnits: 100, queueAheadUnits: 10 });
  });

  it('a replace that only decreases the size keeps the queue position', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 99, qtyUnits: 5 }));
    venue.onMarketEvent(trade(2n, 99, 15, 'sell'));
    send(venue, replaceOrder(2, 1, 'buy', 99, 3));
    expect(venue.openOrder(1)).toMatchObject({ qtyUnits: 3, queueAheadUnits: 5 });
  });

  it('a replace that increases the size loses queue priority', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 99, qtyUnits: 5 }));
    venue.onMarketEvent(trade(2n, 99, 15, 'sell'));
    send(venue, replaceOrder(2, 1, 'buy', 99, 6));
    expect(venue.openOrder(1)).toMatchObject({ qtyUnits: 6, queueAheadUnits: 20 });
  });

  it('a replace to a crossing price takes liquidity as taker and rests the rest', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 99, qtyUnits: 8 }));
    expect(summary(send(venue, replaceOrder(2, 1, 'buy', 101, 8)))).toEqual(['replaced 8@101', 'filled 5@101 taker']);
    expect(venue.openOrder(1)).toMatchObject({ priceUnits: 101, filledUnits: 5 });
  });

  it('a replace of an unknown order, or to a total below what is filled, is rejected', () => {
    const venue = venueWith();
    expect(summary(send(venue, replaceOrder(1, 9, 'buy', 99, 1)))).toEqual(['replace rejected unknown_order']);
    send(venue, newOrder({ seq: 2, orderId: 1, side: 'buy', priceUnits: 101, qtyUnits: 8 }));
    expect(summary(send(venue, replaceOrder(3, 1, 'buy', 101, 5)))).toEqual(['replace rejected qty_not_above_filled']);
  });
});

describe('conservative queue', () => {
  it('a resting bid fills only after trades at its price exceed the queue ahead', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 3 }));
    venue.onMarketEvent(trade(2n, 100, 6, 'sell'));
    expect(venue.openOrder(1)?.queueAheadUnits).toBe(4);
    venue.onMarketEvent(trade(3n, 100, 4, 'sell'));
    expect(drainAnswers(venue)).toEqual([]);
    venue.onMarketEvent(trade(4n, 100, 2, 'sell'));
    venue.onMarketEvent(trade(5n, 100, 5, 'sell'));
    const answers = drainAnswers(venue);
    expect(summary(answers)).toEqual(['filled 2@100 maker', 'filled 1@100 maker final']);
    expect(answers.map((a) => a.requestSeq)).toEqual([-1, -1]);
  });

  it('cancellations behind us do not advance a conservative queue', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 3 }));
    venue.onMarketEvent(bookDelta(2n, [['bid', 100, 30]]));
    venue.onMarketEvent(bookDelta(3n, [['bid', 100, 12]]));
    expect(venue.openOrder(1)?.queueAheadUnits).toBe(10);
    venue.onMarketEvent(bookDelta(4n, [['bid', 100, 7]])); // the level cannot hold more than it has
    expect(venue.openOrder(1)?.queueAheadUnits).toBe(7);
  });

  it('a buy-aggressor trade at our bid price does not advance the bid queue', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 3 }));
    venue.onMarketEvent(trade(2n, 100, 6, 'buy'));
    expect(venue.openOrder(1)?.queueAheadUnits).toBe(10);
  });

  it('by default (tradeThroughFill whole_order) a trade through our price fills the whole resting order as maker at our price, whatever size printed', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'sell', priceUnits: 102, qtyUnits: 4 }));
    venue.onMarketEvent(trade(2n, 103, 1, 'buy'));
    expect(drainAnswers(venue)).toMatchObject([{ kind: 'order_filled', priceUnits: 102, qtyUnits: 4, liquidity: 'maker', final: true, requestSeq: -1 }]);
  });

  describe('tradeThroughFill traded_qty: a trade through our price fills at most the size it printed', () => {
    const capped = () => venueWith({ tradeThroughFill: 'traded_qty' });

    it('a print of 1 through our ask of 4 fills 1, the next print of 5 fills the remaining 3', () => {
      const venue = capped();
      send(venue, newOrder({ seq: 1, orderId: 1, side: 'sell', priceUnits: 102, qtyUnits: 4 }));
      venue.onMarketEvent(trade(2n, 103, 1, 'buy'));
      expect(summary(drainAnswers(venue))).toEqual(['filled 1@102 maker']);
      venue.onMarketEvent(trade(3n, 103, 5, 'buy'));
      expect(summary(drainAnswers(venue))).toEqual(['filled 3@102 maker final']);
    });

    it('one print is shared by our orders it went through, in time priority: 4 through bids of 3 and 3 fills 3 then 1', () => {
      const venue = capped();
      send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 3 }));
      send(venue, newOrder({ seq: 2, orderId: 2, side: 'buy', priceUnits: 100, qtyUnits: 3 }));
      venue.onMarketEvent(trade(2n, 99, 4, 'sell'));
      expect(fills(drainAnswers(venue)).map((f) => [f.orderId, f.qtyUnits, f.priceUnits])).toEqual([
        [1, 3, 100],
        [2, 1, 100],
      ]);
    });

    it('the capped quantity is whole lots: a print of 15 through a bid of 30 with lot 10 fills 10', () => {
      const lot10 = { ...TEST_INSTRUMENT, lotUnits: 10 };
      const venue = createSimulatedVenue({ instruments: [lot10], queueModel: conservativeQueue(), latency: constantLatency(0n, 0n), seed: 1, tradeThroughFill: 'traded_qty' });
      venue.onMarketEvent(snapshot(1n, BASIC_BOOK));
      send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 30 }));
      venue.onMarketEvent(trade(2n, 99, 15, 'sell'));
      expect(summary(drainAnswers(venue))).toEqual(['filled 10@100 maker']);
    });
  });

  it('the book crossing our price fills the resting order as maker at our price', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 99, qtyUnits: 4 }));
    venue.onMarketEvent(snapshot(2n, [['bid', 98, 5], ['ask', 99, 3]]));
    expect(summary(drainAnswers(venue))).toEqual(['filled 4@99 maker final']);
  });

  it('two of our orders at the same price never fill more than a trade printed past the queue', () => {
    const venue = venueWith();
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 5 }));
    send(venue, newOrder({ seq: 2, orderId: 2, side: 'buy', priceUnits: 100, qtyUnits: 5 }));
    venue.onMarketEvent(trade(2n, 100, 13, 'sell')); // 3 past the historical queue of 10
    const total = fills(drainAnswers(venue)).reduce((s, f) => s + f.qtyUnits, 0);
    expect(total).toBe(3);
    expect(venue.openOrder(1)?.filledUnits).toBe(3);
  });
});

describe('probabilistic queue', () => {
  function restAtHundredBehindTwenty(venue: SimulatedVenue): void {
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 3 }));
    venue.onMarketEvent(bookDelta(2n, [['bid', 100, 30]])); // 10 ahead, 20 joined behind
  }

  it('with the power family n=1 a level decrease advances us by the share ahead/(ahead+behind)', () => {
    const venue = venueWith({ queueModel: powerProbQueue(1) });
    restAtHundredBehindTwenty(venue);
    venue.onMarketEvent(bookDelta(3n, [['bid', 100, 20]])); // 10 cancelled: expected 10 × 10/30 ahead of us
    expect(venue.openOrder(1)?.queueAheadUnits).toBeCloseTo(10 - 10 / 3, 9);
  });

  it('with the power family n=2 decreases are attributed more to the larger side', () => {
    const venue = venueWith({ queueModel: powerProbQueue(2) });
    restAtHundredBehindTwenty(venue);
    venue.onMarketEvent(bookDelta(3n, [['bid', 100, 20]])); // share ahead = 100 / (100 + 400)
    expect(venue.openOrder(1)?.queueAheadUnits).toBeCloseTo(8, 9);
  });

  it('with the log family over raw qty units the share ahead is ln(1+ahead)/(ln(1+ahead)+ln(1+behind))', () => {
    const venue = venueWith({ queueModel: probabilisticQueue(logProbability(1)) });
    restAtHundredBehindTwenty(venue);
    venue.onMarketEvent(bookDelta(3n, [['bid', 100, 20]]));
    const shareBehind = logProbability(1)(10, 20);
    expect(shareBehind).toBeCloseTo(Math.log(21) / (Math.log(21) + Math.log(11)), 12);
    expect(venue.openOrder(1)?.queueAheadUnits).toBeCloseTo(10 - (1 - shareBehind) * 10, 9);
  });

  it('the log family scale is in base-asset units: the same market in two size precisions makes the same queue progress', () => {
    // Resting 0.003 BTC behind 0.010 BTC, 0.020 BTC joins behind, then 0.010 BTC leaves; scale 0.01 BTC.
    // By hand: front 0.010/0.01 = 1, back 0.020/0.01 = 2, share from behind p = ln 3 / (ln 3 + ln 2),
    // so 0.010 × (1 − p) leaves from ahead of us.
    const expectedAheadBtc = 0.01 - (0.01 * Math.log(2)) / (Math.log(3) + Math.log(2));
    const aheadBtc = (sizeDecimals: number): number => {
      const perBtc = 10 ** sizeDecimals;
      const units = (btc: number) => Math.round(btc * perBtc);
      const instrument = { ...TEST_INSTRUMENT, sizeDecimals, lotUnits: units(0.001) };
      const venue = createSimulatedVenue({ instruments: [instrument], queueModel: logProbQueue(0.01), latency: constantLatency(0n, 0n), seed: 1 });
      venue.onMarketEvent(snapshot(1n, [['bid', 100, units(0.01)], ['ask', 101, units(0.005)]]));
      send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: units(0.003) }));
      venue.onMarketEvent(bookDelta(2n, [['bid', 100, units(0.03)]]));
      venue.onMarketEvent(bookDelta(3n, [['bid', 100, units(0.02)]]));
      return venue.openOrder(1)!.queueAheadUnits / perBtc;
    };
    expect(aheadBtc(3)).toBeCloseTo(expectedAheadBtc, 12);
    expect(aheadBtc(8)).toBeCloseTo(expectedAheadBtc, 12);
  });

  it('a level decrease that echoes a trade at our price is not counted twice', () => {
    const venue = venueWith({ queueModel: powerProbQueue(1) });
    restAtHundredBehindTwenty(venue);
    venue.onMarketEvent(trade(3n, 100, 4, 'sell'));
    venue.onMarketEvent(bookDelta(4n, [['bid', 100, 26]]));
    expect(venue.openOrder(1)?.queueAheadUnits).toBe(6);
  });

  it('once cancellations bring us to the front, the next trade at our price fills us', () => {
    const venue = venueWith({ queueModel: powerProbQueue(1) });
    send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 3 }));
    venue.onMarketEvent(bookDelta(2n, [['bid', 100, 0]]));
    venue.onMarketEvent(bookDelta(3n, [['bid', 100, 4]]));
    expect(venue.openOrder(1)?.queueAheadUnits).toBe(0);
    venue.onMarketEvent(trade(4n, 100, 2, 'sell'));
    expect(summary(drainAnswers(venue))).toEqual(['filled 2@100 maker']);
  });
});

describe('latency', () => {
  it('latency delays acceptance and fills to the right exchange and local timestamps', () => {
    const venue = venueWith({ latency: constantLatency(1_000n, 500n) });
    venue.submit(newOrder({ seq: 7, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 3, tsLocalNs: 10_000n }));
    expect(venue.nextRequestArrivalNs()).toBe(11_000n);
    venue.processNextRequest();
    expect(venue.nextAnswerNs()).toBe(11_500n);
    expect(venue.popAnswer()).toMatchObject({ kind: 'order_accepted', requestSeq: 7, tsEventNs: 11_000n, tsLocalNs: 11_500n });
    venue.onMarketEvent(trade(20_000n, 99, 1, 'sell'));
    expect(venue.popAnswer()).toMatchObject({ kind: 'order_filled', requestSeq: -1, tsEventNs: 20_000n, tsLocalNs: 20_500n });
    expect(venue.nextAnswerNs()).toBe(-1n);
  });

  it('recorded latency applies the interpolated entry delay at send time and response delay at exchange time', () => {
    const latency = recordedLatency([
      { tsNs: 0n, entryNs: 1_000n, responseNs: 100n },
      { tsNs: 10_000n, entryNs: 3_000n, responseNs: 300n },
    ]);
    const venue = venueWith({ latency });
    venue.submit(newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 3, tsLocalNs: 5_000n }));
    expect(venue.nextRequestArrivalNs()).toBe(7_000n); // 5000 + 2000
    venue.processNextRequest();
    expect(venue.popAnswer()).toMatchObject({ tsEventNs: 7_000n, tsLocalNs: 7_240n }); // 7000 + 240
  });

  it('a request never overtakes an earlier one and an answer never overtakes an earlier one', () => {
    let calls = 0;
    // Alternating 900 ns / 100 ns: the second request would arrive first on its own.
    const latency = { entry: () => (calls++ % 2 === 0 ? 900n : 100n), response: () => (calls++ % 2 === 0 ? 900n : 100n) };
    const venue = venueWith({ latency });
    venue.submit(newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 99, qtyUnits: 1, tsLocalNs: 0n }));
    venue.submit(newOrder({ seq: 2, orderId: 2, side: 'buy', priceUnits: 99, qtyUnits: 1, tsLocalNs: 10n }));
    venue.processNextRequest();
    venue.processNextRequest();
    const answers = drainAnswers(venue);
    expect(answers.map((a) => a.requestSeq)).toEqual([1, 2]);
    expect(answers[1]!.tsLocalNs).toBeGreaterThanOrEqual(answers[0]!.tsLocalNs);
  });
});

describe('fees', () => {
  it('taker fills pay the taker rate and maker fills earn the rebate, in exact notional units', () => {
    const venue = venueWith();
    const taker = fills(send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 101, qtyUnits: 5, timeInForce: 'IOC' })));
    // 101 × 5 = 505 notional units × 400 ppm = 0.202 → rounded toward +∞ = 1.
    expect(taker.map((f) => f.feeUnits)).toEqual([1n]);
    send(venue, newOrder({ seq: 2, orderId: 2, side: 'sell', priceUnits: 600_000, qtyUnits: 50_000 }));
    venue.onMarketEvent(trade(2n, 600_001, 1, 'buy'));
    // 600000 × 50000 = 3e10 notional units × -100 ppm = -3,000,000 exactly.
    expect(fills(drainAnswers(venue)).map((f) => [f.liquidity, f.feeUnits])).toEqual([['maker', -3_000_000n]]);
  });

  it('fee overrides replace the instrument rates', () => {
    const venue = venueWith({ feeOverrides: { [ID]: { makerFeePpm: 0, takerFeePpm: 1_000_000 } } });
    const taker = fills(send(venue, newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 101, qtyUnits: 5, timeInForce: 'IOC' })));
    expect(taker[0]!.feeUnits).toBe(505n);
  });

  it('a fee override for an instrument the venue does not trade is a configuration error', () => {
    expect(() => venueWith({ feeOverrides: { 'x:Y': { makerFeePpm: 0, takerFeePpm: 0 } } })).toThrow(/E?unknown instrument x:Y/);
  });
});

describe('revision', () => {
  it('changes whenever a request or an answer enters or leaves flight, and only then (a runtime may keep the next times while it is unchanged)', () => {
    const venue = venueWith({ latency: constantLatency(5n, 7n) });
    const seen: [number, bigint, bigint][] = [];
    const look = (): void => {
      const [rev, req, ans] = seen[seen.length - 1] ?? [-1, -2n, -2n];
      const now: [number, bigint, bigint] = [venue.revision, venue.nextRequestArrivalNs(), venue.nextAnswerNs()];
      if (now[0] === rev) expect([now[1], now[2]]).toEqual([req, ans]);
      else seen.push(now);
    };
    look();
    venue.submit(newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 50 }));
    look();
    // A market event that fills nothing leaves both queues as they were.
    venue.onMarketEvent(trade(2n, 105, 1, 'buy'));
    look();
    venue.processNextRequest();
    look();
    venue.onMarketEvent(trade(20n, 99, 60, 'sell')); // trades through the resting bid: a fill answer
    look();
    while (venue.nextAnswerNs() >= 0n) {
      venue.popAnswer();
      look();
    }
    expect(seen.map(([, req, ans]) => `${req}/${ans}`)).toEqual(['-1/-1', '5/-1', '-1/12', '-1/12', '-1/27', '-1/-1']);
  });
});
