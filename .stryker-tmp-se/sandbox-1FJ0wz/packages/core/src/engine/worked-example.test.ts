/**
 * A worked example that reads like documentation: a tiny market-making strategy against the
 * public API, fed events by hand, showing intents → risk decisions → dispatches (RequestSent
 * events the runtime appends) → obligations → control-time events.
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { createEngine, EMPTY_STEP_RESULT, type EngineConfig, type Event, type Intent, type StateView, type Strategy } from '../index.ts';
import { BTC } from '../testing/fixtures.ts';

/** Quotes one bid one tick below the best bid; moves it when the market moves, one request at a time. */
class JoinTheBid implements Strategy {
  onEvent(view: StateView): readonly Intent[] {
    const target = view.market.book(BTC.id)!.bidPrice(0) - 1;
    if (view.execution.pending(BTC.id).length > 0) return []; // already queued: let Execution Control work
    const order = view.execution.openOrders(BTC.id)[0];
    if (order === undefined) return [{ type: 'new', instrument: BTC.id, side: 'buy', priceUnits: target, qtyUnits: 2, clientTag: 'bid' }];
    if (order.inflight !== null || order.priceUnits === target) return [];
    return [{ type: 'replace', orderId: order.orderId, priceUnits: target, qtyUnits: 2 }];
  }
}

const config: EngineConfig = {
  instruments: [BTC],
  triggers: { kinds: ['bbo', 'control_time'] },
  risk: { maxOrderQtyUnits: 5, priceBandPpm: 1000 },
  // binance-usdm: 2 requests, then one more per second
  executionControl: { rateBuckets: [{ scope: 'binance-usdm', capacity: 2, refillTokens: 1, refillIntervalNs: 1_000_000_000n, weights: { new: 1, replace: 1, cancel: 1 } }] },
  maxConsecutiveStrategyFailures: 3,
  recordIntentDenials: false,
};

const T0 = 1_723_161_255_000_000_000n; // ns
const h = (seq: number, dtMs: number) => ({ seq, tsEventNs: T0 + BigInt(dtMs) * 1_000_000n, tsLocalNs: T0 + BigInt(dtMs) * 1_000_000n });
const bbo = (seq: number, dtMs: number, bid: number): Event => ({ ...h(seq, dtMs), kind: 'bbo', instrument: BTC.id, updateId: -1n, bidPriceUnits: bid, bidQtyUnits: 10, askPriceUnits: bid + 1, askQtyUnits: 10 });

describe('worked example: a bid that follows the market', () => {
  it('shows intents, decisions, dispatches and an obligation exactly as SPEC.md describes', () => {
    const engine = createEngine(config, new JoinTheBid());

    // seq 0: the first BBO triggers the strategy → one new → allowed (order key 1) → dispatched as seq 1
    const r0 = engine.step(bbo(0, 0, 618000));
    expect(r0.intents).toEqual([{ type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 617999, qtyUnits: 2, clientTag: 'bid' }]);
    expect(r0.decisions).toMatchObject([{ allowed: true, orderId: 1 }]);
    expect(r0.requestsSent).toMatchObject([{ seq: 1, kind: 'request_sent', request: 'new', orderId: 1, priceUnits: 617999, tsLocalNs: T0 }]);
    expect(engine.view.execution.order(1)).toMatchObject({ status: 'submitted', inflight: 'new' });

    // seq 2: the venue accepts (answering RequestSent seq 1); not a trigger → the shared empty result
    expect(engine.step({ ...h(2, 5), kind: 'order_accepted', orderId: 1, requestSeq: 1, venueOrderId: 'B-77' })).toBe(EMPTY_STEP_RESULT);
    expect(engine.view.execution.order(1)).toMatchObject({ status: 'accepted', inflight: null });

    // seq 3: the market moves up → replace dispatched as seq 4; that was the bucket's last token
    const r3 = engine.step(bbo(3, 100, 618005));
    expect(r3.requestsSent).toMatchObject([{ seq: 4, request: 'replace', orderId: 1, priceUnits: 618004 }]);

    // seq 5: moves again while the replace is inflight → the strategy waits; seq 6: the venue acknowledges it
    expect(engine.step(bbo(5, 200, 618010))).toBe(EMPTY_STEP_RESULT);
    engine.step({ ...h(6, 250), kind: 'order_replaced', orderId: 1, requestSeq: 4, priceUnits: 618004, qtyUnits: 2 });

    // seq 7: the strategy replaces again, risk allows, but the bucket is empty:
    // nothing is sent and an obligation asks the runtime for a control-time event when a token is back (T0 + 1 s)
    const r7 = engine.step(bbo(7, 300, 618010));
    expect(r7.decisions).toMatchObject([{ allowed: true, orderId: 1 }]);
    expect(r7.requestsSent).toEqual([]);
    expect(r7.obligation).toEqual({ dueTsLocalNs: T0 + 1_000_000_000n, reason: 'rate_limit', scope: 'binance-usdm', derivedAtSeq: 7 });
    expect(engine.view.execution.pending()).toMatchObject([{ orderId: 1, request: 'replace', priceUnits: 618009 }]);

    // seq 8: market events before the due time dispatch nothing (no tick, no timer inside the core)
    expect(engine.step(bbo(8, 600, 618010))).toBe(EMPTY_STEP_RESULT);

    // seq 9: the runtime realises the obligation; processing it dispatches the replace as seq 10 at the due time
    const r9 = engine.step({ ...h(9, 1000), kind: 'control_time', dueTsLocalNs: T0 + 1_000_000_000n, reason: 'rate_limit', scope: 'binance-usdm', obligationSeq: 7 });
    expect(r9.requestsSent).toMatchObject([{ seq: 10, request: 'replace', orderId: 1, priceUnits: 618009, tsLocalNs: T0 + 1_000_000_000n }]);
    expect(r9.obligation).toBeNull();
    expect(engine.view.control.lastSeq).toBe(10);
    expect(engine.stateHash()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a risk denial never reaches the queue: an oversized order is denied with a reason code', () => {
    const engine = createEngine({ ...config, risk: { maxOrderQtyUnits: 1 } }, new JoinTheBid());
    const r = engine.step(bbo(0, 0, 618000));
    expect(r.decisions).toMatchObject([{ allowed: false, reason: 'max_order_qty' }]);
    expect(r.requestsSent).toEqual([]);
    expect(engine.view.execution.pending()).toEqual([]);
  });
});
