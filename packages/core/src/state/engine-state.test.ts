import { describe, expect, it } from 'vitest';
import type { EventKind } from '../events.ts';
import { BTC } from '../testing/fixtures.ts';
import {
  EVENT_KINDS,
  EngineState,
  ExecutionCounters,
  InstrumentState,
  KIND_INDEX,
  OrderRecord,
  PositionRecord,
} from './engine-state.ts';

/** Every event kind, checked by the compiler against the Event union: adding or renaming a kind breaks this literal. */
const ALL_KINDS: Record<EventKind, true> = {
  book_delta: true,
  trade: true,
  bbo: true,
  order_accepted: true,
  order_rejected: true,
  order_filled: true,
  order_cancelled: true,
  order_replaced: true,
  cancel_replace_rejected: true,
  order_expired: true,
  request_sent: true,
  intent_denied: true,
  session: true,
  config_version: true,
  kill_switch: true,
  strategy_halted: true,
  feed_health: true,
  reconciliation: true,
  order_disposition: true,
  control_time: true,
  strategy_paused: true,
  flatten: true,
};

describe('event kinds', () => {
  it('lists every kind of the Event union exactly once', () => {
    expect([...EVENT_KINDS].sort()).toEqual(Object.keys(ALL_KINDS).sort());
  });

  it('indexes each kind densely by its position in the list, so a typed array counts them', () => {
    for (const kind of Object.keys(ALL_KINDS) as EventKind[]) expect(EVENT_KINDS[KIND_INDEX[kind]]).toBe(kind);
    expect(new Set(Object.values(KIND_INDEX)).size).toBe(EVENT_KINDS.length);
    expect(new EngineState('v').eventCounts).toHaveLength(EVENT_KINDS.length);
  });
});

describe('an order record', () => {
  const order = () => new OrderRecord(4, BTC.id, 'sell', 'limit', 600_000, 9, 'GTC', true, false, 'q', 17);

  it('starts Submitted with its new request inflight, echoing that request’s seq, nothing filled and no venue id', () => {
    const o = order();
    expect([o.status, o.inflight, o.inflightSeq, o.filledQtyUnits, o.venueOrderId, o.terminalReason]).toEqual([
      'submitted',
      'new',
      17,
      0,
      '',
      '',
    ]);
    expect([
      o.orderId,
      o.instrument,
      o.side,
      o.orderType,
      o.priceUnits,
      o.qtyUnits,
      o.timeInForce,
      o.postOnly,
      o.reduceOnly,
      o.clientTag,
    ]).toEqual([4, BTC.id, 'sell', 'limit', 600_000, 9, 'GTC', true, false, 'q']);
  });

  it('has the ordered quantity minus the filled quantity remaining', () => {
    const o = order();
    expect(o.remainingQtyUnits).toBe(9);
    o.filledQtyUnits = 4;
    expect(o.remainingQtyUnits).toBe(5);
    o.qtyUnits = 6; // a replace lowered the size
    expect(o.remainingQtyUnits).toBe(2);
  });
});

describe('a position record', () => {
  it('starts flat with no cost, PnL, fees or fills, and has no average price while flat', () => {
    const p = new PositionRecord(BTC.id);
    expect([
      p.instrument,
      p.qtyUnits,
      p.costUnits,
      p.realizedPnlUnits,
      p.feesUnits,
      p.fillQtySum,
      p.fillValueSum,
      p.fillCount,
    ]).toEqual([BTC.id, 0, 0n, 0n, 0n, 0, 0n, 0]);
    expect(p.avgPrice).toBeNaN();
  });

  it('has no average price when its instrument is unknown to the engine', () => {
    const p = new PositionRecord(BTC.id);
    p.qtyUnits = 4;
    p.costUnits = 2_400_002n;
    expect(p.avgPrice).toBeNaN();
  });

  it('has cost divided by quantity as its average price, long or short (linear, multiplier 1)', () => {
    const p = new PositionRecord(BTC);
    p.qtyUnits = 4;
    p.costUnits = 2_400_002n;
    expect(p.avgPrice).toBe(600_000.5);
    p.qtyUnits = -2;
    p.costUnits = -1_200_000n;
    expect(p.avgPrice).toBe(600_000);
  });
});

describe('a fresh engine state', () => {
  it('has healthy, triggering, unlimited instruments with an empty book and tape', () => {
    const i = new InstrumentState(BTC);
    expect([i.instrument, i.feedDegraded, i.bucket, i.triggers, i.lastTrade, i.tape.count]).toEqual([
      BTC,
      false,
      null,
      true,
      undefined,
      0,
    ]);
    expect(i.book.instrument).toBe(BTC.id);
    expect(i.position.instrument).toBe(BTC.id);
  });

  it('numbers orders from 1 and admissions from 0, expects seq 0 next, and has seen no time yet', () => {
    const s = new EngineState('cfg-7');
    expect([s.nextOrderId, s.nextAdmission, s.lastSeq, s.nowNs, s.wakeNs, s.queueDirty]).toEqual([
      1,
      0,
      -1,
      -1n,
      -1n,
      false,
    ]);
    expect(s.configVersion).toBe('cfg-7');
  });

  it('starts with no session, no kill switch, no halt and no failures', () => {
    const s = new EngineState('v');
    expect([
      s.sessionActive,
      s.sessionId,
      s.killSwitch,
      s.strategyHalted,
      s.haltRequested,
      s.consecutiveFailures,
      s.lastReconciliation,
    ]).toEqual([false, '', false, false, false, 0, '']);
    expect([...s.eventCounts].every((n) => n === 0)).toBe(true);
  });

  it('starts every execution counter at zero', () => {
    expect(Object.values(new ExecutionCounters())).toEqual(new Array(12).fill(0));
  });
});
