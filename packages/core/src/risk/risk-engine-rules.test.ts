import { describe, expect, it } from 'vitest';
import type { RiskConfig, RiskRule } from '../config.ts';
import type { PendingCommand } from '../execution/dominance.ts';
import type { Intent, IntentOrigin, NewIntent } from '../intents.ts';
import { EngineState, InstrumentState, OrderRecord } from '../state/engine-state.ts';
import type { OrderStatus, StateView } from '../state/view.ts';
import { BTC, ETH_SPOT } from '../testing/fixtures.ts';
import { RiskEngine } from './risk-engine.ts';

/**
 * RiskEngine on a hand-built EngineState (SPEC.md L6: allowed or denied with a reason, the first
 * denial wins): which orders count as exposure, which keys a cancel or replace may name, and the
 * order in which the built-in rules and the user rules are asked. No book is needed: none of
 * these rules reads a price reference.
 */

const VIEW = {} as StateView;

function setup(): EngineState {
  const s = new EngineState('v');
  for (const inst of [BTC, ETH_SPOT]) s.instruments.set(inst.id, new InstrumentState(inst));
  return s;
}

function verdict(s: EngineState, risk: RiskConfig, intent: Intent, origin: IntentOrigin = 'strategy'): string {
  const v = new RiskEngine(risk, s, VIEW).check(intent, origin);
  return v.allowed ? 'allowed' : v.reason;
}

function buy(qtyUnits: number, extra: Partial<NewIntent> = {}): NewIntent {
  return { type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 600_000, qtyUnits, ...extra };
}

function liveOrder(
  s: EngineState,
  orderId: number,
  o: {
    side?: 'buy' | 'sell';
    qty?: number;
    filled?: number;
    instrument?: string;
    reduceOnly?: boolean;
    status?: OrderStatus;
  } = {},
): OrderRecord {
  const r = new OrderRecord(
    orderId,
    o.instrument ?? BTC.id,
    o.side ?? 'buy',
    'limit',
    600_000,
    o.qty ?? 1,
    'GTC',
    false,
    o.reduceOnly ?? false,
    '',
    0,
  );
  r.filledQtyUnits = o.filled ?? 0;
  r.status = o.status ?? 'accepted';
  s.orders.set(orderId, r);
  if (r.status !== 'filled' && r.status !== 'cancelled' && r.status !== 'rejected') s.live.set(orderId, r);
  return r;
}

function queued(
  s: EngineState,
  orderId: number,
  request: PendingCommand['request'],
  o: { side?: 'buy' | 'sell'; qty?: number; instrument?: string; reduceOnly?: boolean } = {},
): void {
  s.queue.set(orderId, {
    orderId,
    request,
    instrument: o.instrument ?? BTC.id,
    side: o.side ?? 'buy',
    orderType: 'limit',
    priceUnits: 600_000,
    qtyUnits: o.qty ?? 1,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: o.reduceOnly ?? false,
    clientTag: '',
    admission: orderId,
    origin: 'strategy',
  });
}

describe('risk: halts', () => {
  it('denies new and replace intents once a strategy halt is requested, before it is processed', () => {
    const s = setup();
    liveOrder(s, 1);
    s.haltRequested = true;
    expect(verdict(s, {}, buy(1))).toBe('strategy_halted');
    expect(verdict(s, {}, { type: 'replace', orderId: 1, priceUnits: 600_000, qtyUnits: 1 })).toBe('strategy_halted');
    expect(verdict(s, {}, { type: 'cancel', orderId: 1 })).toBe('allowed');
  });

  it('names the kill switch first when both the kill switch and a halt hold', () => {
    const s = setup();
    s.killSwitch = true;
    s.strategyHalted = true;
    expect(verdict(s, {}, buy(1))).toBe('kill_switch');
  });

  it('allows an operator reduce-only new under the kill switch, and denies the same order from the strategy', () => {
    const s = setup();
    s.instruments.get(BTC.id)!.position.qtyUnits = 3;
    s.killSwitch = true;
    const flatten = buy(3, { side: 'sell', reduceOnly: true, orderType: 'market', priceUnits: 0, timeInForce: 'IOC' });
    expect(verdict(s, {}, flatten, 'operator')).toBe('allowed');
    expect(verdict(s, {}, flatten, 'strategy')).toBe('kill_switch');
    expect(verdict(s, {}, buy(1), 'operator')).toBe('kill_switch');
  });

  it('does not deny operator intents for a strategy halt', () => {
    const s = setup();
    s.instruments.get(BTC.id)!.position.qtyUnits = 3;
    s.strategyHalted = true;
    expect(verdict(s, {}, buy(3, { side: 'sell', reduceOnly: true }), 'operator')).toBe('allowed');
  });

  it('denies new and replace intents of any origin while the last reconciliation is a mismatch, and allows cancels', () => {
    const s = setup();
    liveOrder(s, 1);
    s.lastReconciliation = 'mismatch';
    for (const origin of ['strategy', 'operator'] as const) {
      expect(verdict(s, {}, buy(1), origin)).toBe('reconciliation_mismatch');
      expect(verdict(s, {}, { type: 'replace', orderId: 1, priceUnits: 600_000, qtyUnits: 1 }, origin)).toBe('reconciliation_mismatch');
      expect(verdict(s, {}, { type: 'cancel', orderId: 1 }, origin)).toBe('allowed');
    }
  });

  it('denies anything that is not a new, replace or cancel intent', () => {
    const s = setup();
    for (const bad of [null, 42, { type: 'amend', orderId: 1 }])
      expect(verdict(s, {}, bad as unknown as Intent)).toBe('invalid_intent');
  });
});

describe('risk: the key a cancel or replace names', () => {
  it('may be a live order or a queued new that was never sent, not a queued cancel or an unknown key', () => {
    const s = setup();
    liveOrder(s, 1);
    queued(s, 2, 'new');
    queued(s, 3, 'cancel');
    const cancel = (orderId: number) => verdict(s, {}, { type: 'cancel', orderId });
    expect([cancel(1), cancel(2), cancel(3), cancel(9)]).toEqual([
      'allowed',
      'allowed',
      'unknown_order',
      'unknown_order',
    ]);
  });

  it('may not be a terminal order, whatever made it terminal', () => {
    for (const status of ['filled', 'cancelled', 'rejected'] as const) {
      const s = setup();
      liveOrder(s, 1, { status });
      expect(verdict(s, {}, { type: 'cancel', orderId: 1 })).toBe('order_terminal');
      expect(verdict(s, {}, { type: 'replace', orderId: 1, priceUnits: 600_000, qtyUnits: 1 })).toBe('order_terminal');
    }
  });

  it('gives a replace of a queued new the side, instrument and reduce-only flag of that new', () => {
    const s = setup();
    btcPosition(s, 3);
    queued(s, 2, 'new', { side: 'sell', reduceOnly: true, qty: 1 });
    // reduce-only sell of up to the long position of 3 is allowed; 4 would flip it
    expect(verdict(s, {}, { type: 'replace', orderId: 2, priceUnits: 600_000, qtyUnits: 3 })).toBe('allowed');
    expect(verdict(s, {}, { type: 'replace', orderId: 2, priceUnits: 600_000, qtyUnits: 4 })).toBe('reduce_only');
  });

  it('checks a replace against the degraded feed of the replaced order’s instrument', () => {
    const s = setup();
    liveOrder(s, 1, { instrument: ETH_SPOT.id });
    s.instruments.get(ETH_SPOT.id)!.feedDegraded = true;
    expect(verdict(s, {}, { type: 'replace', orderId: 1, priceUnits: 600_000, qtyUnits: 1 })).toBe('feed_degraded');
    expect(verdict(s, {}, buy(1))).toBe('allowed');
  });
});

function btcPosition(s: EngineState, qty: number): void {
  s.instruments.get(BTC.id)!.position.qtyUnits = qty;
}

describe('risk: exposure counted by max position', () => {
  it('counts the remaining (unfilled) quantity of live orders and queued news on the same side and instrument only', () => {
    const s = setup();
    liveOrder(s, 1, { qty: 5, filled: 3 }); // 2 remaining
    liveOrder(s, 2, { side: 'sell', qty: 50 });
    liveOrder(s, 3, { instrument: ETH_SPOT.id, qty: 50 });
    queued(s, 4, 'new', { qty: 3 });
    queued(s, 5, 'new', { side: 'sell', qty: 50 });
    queued(s, 6, 'cancel', { qty: 50 });
    queued(s, 7, 'new', { instrument: ETH_SPOT.id, qty: 50 });
    // worst long = 0 + 2 + 3 + intent
    expect(verdict(s, { maxPositionQtyUnits: 10 }, buy(5))).toBe('allowed');
    expect(verdict(s, { maxPositionQtyUnits: 10 }, buy(6))).toBe('max_position');
  });

  it('counts a sell against a short limit from the current position', () => {
    const s = setup();
    btcPosition(s, -4);
    liveOrder(s, 1, { side: 'sell', qty: 2 });
    expect(verdict(s, { maxPositionQtyUnits: 10 }, buy(1, { side: 'sell', qtyUnits: 4 }))).toBe('allowed');
    expect(verdict(s, { maxPositionQtyUnits: 10 }, buy(1, { side: 'sell', qtyUnits: 5 }))).toBe('max_position');
  });

  it('does not count the order being replaced as open exposure besides its replacement', () => {
    const s = setup();
    liveOrder(s, 1, { qty: 8 });
    expect(
      verdict(s, { maxPositionQtyUnits: 10 }, { type: 'replace', orderId: 1, priceUnits: 600_000, qtyUnits: 10 }),
    ).toBe('allowed');
    expect(
      verdict(s, { maxPositionQtyUnits: 10 }, { type: 'replace', orderId: 1, priceUnits: 600_000, qtyUnits: 11 }),
    ).toBe('max_position');
  });
});

describe('risk: max open orders', () => {
  it('counts live orders and queued news, not queued cancels or replaces, and does not limit replaces', () => {
    const s = setup();
    liveOrder(s, 1);
    queued(s, 2, 'new');
    queued(s, 1, 'cancel');
    liveOrder(s, 3);
    queued(s, 3, 'replace');
    expect(verdict(s, { maxOpenOrders: 4 }, buy(1))).toBe('allowed');
    expect(verdict(s, { maxOpenOrders: 3 }, buy(1))).toBe('max_open_orders');
    expect(verdict(s, { maxOpenOrders: 3 }, { type: 'replace', orderId: 3, priceUnits: 600_000, qtyUnits: 1 })).toBe(
      'allowed',
    );
  });
});

describe('risk: order prices', () => {
  it('requires a market order to carry price 0 and a limit order a positive price', () => {
    const s = setup();
    expect(verdict(s, {}, buy(1, { orderType: 'market', priceUnits: 0 }))).toBe('allowed');
    expect(verdict(s, {}, buy(1, { orderType: 'market', priceUnits: 600_000 }))).toBe('invalid_price');
    expect(verdict(s, {}, buy(1, { priceUnits: 0 }))).toBe('invalid_price');
  });
});

describe('risk: reduce-only', () => {
  it('is allowed only against the position: a sell when long, a buy when short, nothing when flat', () => {
    const s = setup();
    expect(verdict(s, {}, buy(1, { reduceOnly: true }))).toBe('reduce_only');
    expect(verdict(s, {}, buy(1, { side: 'sell', reduceOnly: true }))).toBe('reduce_only');
    btcPosition(s, 2);
    expect(verdict(s, {}, buy(1, { side: 'sell', reduceOnly: true }))).toBe('allowed');
    expect(verdict(s, {}, buy(1, { reduceOnly: true }))).toBe('reduce_only');
    btcPosition(s, -2);
    expect(verdict(s, {}, buy(1, { side: 'sell', reduceOnly: true }))).toBe('reduce_only');
    expect(verdict(s, {}, buy(2, { reduceOnly: true }))).toBe('allowed');
    expect(verdict(s, {}, buy(3, { reduceOnly: true }))).toBe('reduce_only');
  });

  it('counts only other reduce-only orders on its side against the position', () => {
    const s = setup();
    btcPosition(s, 5);
    liveOrder(s, 1, { side: 'sell', qty: 2, reduceOnly: true });
    liveOrder(s, 2, { side: 'sell', qty: 40 }); // an ordinary sell is not reducing exposure it owns
    queued(s, 3, 'new', { side: 'sell', qty: 1, reduceOnly: true });
    queued(s, 4, 'new', { side: 'sell', qty: 40 });
    expect(verdict(s, {}, buy(2, { side: 'sell', reduceOnly: true }))).toBe('allowed');
    expect(verdict(s, {}, buy(3, { side: 'sell', reduceOnly: true }))).toBe('reduce_only');
  });
});

describe('risk: user rules', () => {
  const rule = (name: string, answer: () => unknown): RiskRule => ({
    name,
    check: () => answer() as ReturnType<RiskRule['check']>,
  });

  it('run only when every built-in rule allowed, in configuration order, and the first denial wins', () => {
    const s = setup();
    const asked: string[] = [];
    const rules = [
      rule('a', () => (asked.push('a'), { allowed: true })),
      rule('b', () => (asked.push('b'), { allowed: false, reason: 'b_says_no' })),
      rule('c', () => (asked.push('c'), { allowed: false, reason: 'c_says_no' })),
    ];
    expect(verdict(s, { rules, maxOrderQtyUnits: 1 }, buy(2))).toBe('max_order_qty');
    expect(asked).toEqual([]);
    expect(verdict(s, { rules }, buy(1))).toBe('b_says_no');
    expect(asked).toEqual(['a', 'b']);
  });

  it('deny with rule_error:<name> when a rule answers something that is not a verdict', () => {
    const s = setup();
    for (const answer of [undefined, null, { allowed: 'yes' }, {}])
      expect(verdict(s, { rules: [rule('odd', () => answer)] }, buy(1))).toBe('rule_error:odd');
  });

  it('are told the origin of the intent', () => {
    const s = setup();
    const origins: string[] = [];
    const rules: RiskRule[] = [{ name: 'seen', check: (_i, _v, origin) => (origins.push(origin), { allowed: true }) }];
    verdict(s, { rules }, buy(1), 'strategy');
    verdict(s, { rules }, buy(1), 'operator');
    expect(origins).toEqual(['strategy', 'operator']);
  });

  it('also judge cancels', () => {
    const s = setup();
    liveOrder(s, 1);
    expect(
      verdict(
        s,
        { rules: [rule('no_cancels', () => ({ allowed: false, reason: 'no_cancels' }))] },
        { type: 'cancel', orderId: 1 },
      ),
    ).toBe('no_cancels');
  });
});
