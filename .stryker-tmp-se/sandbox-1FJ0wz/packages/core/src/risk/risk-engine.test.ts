// @ts-nocheck
import { describe, expect, it } from 'vitest';
import type { RiskConfig, RiskRule } from '../config.ts';
import type { Instrument } from '../instrument.ts';
import type { Intent, NewIntent } from '../intents.ts';
import { BTC, ETH_SPOT, ScriptedStrategy, baseConfig, engineWith, type EventFeed } from '../testing/fixtures.ts';

function buy(priceUnits: number, qtyUnits: number, extra: Partial<NewIntent> = {}): NewIntent {
  return { type: 'new', instrument: BTC.id, side: 'buy', priceUnits, qtyUnits, ...extra };
}

/** An engine with a 600000/600001 book; `setup` may trade first; returns the verdicts of `intents`. */
function verdicts(risk: RiskConfig, intents: Intent[], opts: { instruments?: Instrument[]; setup?: (feed: EventFeed, s: ScriptedStrategy) => void } = {}): string[] {
  const strategy = new ScriptedStrategy();
  const { feed } = engineWith(baseConfig({ risk, instruments: opts.instruments ?? [BTC, ETH_SPOT] }), strategy);
  feed.bbo(600000, 600001);
  opts.setup?.(feed, strategy);
  strategy.script.push(intents);
  return feed.bbo(600000, 600001).decisions.map((d) => (d.allowed ? 'allowed' : d.reason));
}

/** Sets up a long position of `qty` at 600000 through a filled order. */
function longPosition(qty: number) {
  return (feed: EventFeed, s: ScriptedStrategy) => {
    s.script.push([buy(600000, qty)]);
    feed.bbo(600000, 600001);
    const orderId = feed.engine.view.execution.openOrders().at(-1)!.orderId;
    feed.exec({ kind: 'order_filled', orderId, fillId: `f${orderId}`, priceUnits: 600000, qtyUnits: qty, liquidity: 'taker', feeUnits: 10n, final: true });
  };
}

describe('risk: built-in rules at their boundaries', () => {
  it('the kill switch denies new and replace but allows cancel', () => {
    const setup = (feed: EventFeed, s: ScriptedStrategy) => {
      s.script.push([buy(600000, 1)]);
      feed.bbo(600000, 600001);
      feed.push({ kind: 'kill_switch', engaged: true, reason: 'test', tsEventNs: feed.nowNs, tsLocalNs: feed.nowNs });
    };
    expect(verdicts({}, [buy(600000, 1), { type: 'replace', orderId: 1, priceUnits: 599999, qtyUnits: 1 }, { type: 'cancel', orderId: 1 }], { setup })).toEqual([
      'kill_switch',
      'kill_switch',
      'allowed',
    ]);
  });

  it('a cleared kill switch allows new intents again', () => {
    const setup = (feed: EventFeed) => {
      feed.push({ kind: 'kill_switch', engaged: true, reason: 'test', tsEventNs: feed.nowNs, tsLocalNs: feed.nowNs });
      feed.push({ kind: 'kill_switch', engaged: false, reason: 'test', tsEventNs: feed.nowNs, tsLocalNs: feed.nowNs });
    };
    expect(verdicts({}, [buy(600000, 1)], { setup })).toEqual(['allowed']);
  });

  it('only allowed instruments may be traded; unknown ones never', () => {
    expect(
      verdicts({ allowedInstruments: [BTC.id] }, [buy(600000, 1), { ...buy(300000, 1), instrument: ETH_SPOT.id }, { ...buy(1, 1), instrument: 'nope:X' }]),
    ).toEqual(['allowed', 'instrument_not_allowed', 'unknown_instrument']);
  });

  it('prices must be positive multiples of the tick, quantities positive multiples of the lot', () => {
    const coarse: Instrument = { ...BTC, tickUnits: 5, lotUnits: 10 };
    expect(
      verdicts({}, [buy(600005, 10), buy(600003, 10), buy(600005, 15), buy(600005, 0), buy(0, 10), buy(600005, -10)], { instruments: [coarse] }),
    ).toEqual(['allowed', 'invalid_price', 'invalid_qty', 'invalid_qty', 'invalid_price', 'invalid_qty']);
  });

  it('min notional allows exactly the minimum and denies one lot less', () => {
    const withMin: Instrument = { ...BTC, minNotionalUnits: 6_000_000n };
    expect(verdicts({}, [buy(600000, 10), buy(600000, 9)], { instruments: [withMin] })).toEqual(['allowed', 'below_min_notional']);
  });

  it('max order qty allows the maximum and denies one more', () => {
    expect(verdicts({ maxOrderQtyUnits: 10 }, [buy(600000, 10), buy(600000, 11)])).toEqual(['allowed', 'max_order_qty']);
  });

  it('max order notional allows the maximum and denies one lot more; a market order is valued at the opposite best', () => {
    expect(
      verdicts({ maxOrderNotionalUnits: 6_000_000n }, [buy(600000, 10), buy(600000, 11), buy(0, 10, { orderType: 'market' })]),
    ).toEqual(['allowed', 'max_order_notional', 'max_order_notional']);
    expect(verdicts({ maxOrderNotionalUnits: 6_000_010n }, [buy(0, 10, { orderType: 'market' })])).toEqual(['allowed']);
  });

  it('max position counts open orders’ potential fills on the same side', () => {
    const setup = (feed: EventFeed, s: ScriptedStrategy) => {
      s.script.push([buy(599000, 4)]);
      feed.bbo(600000, 600001);
    };
    expect(verdicts({ maxPositionQtyUnits: 10 }, [buy(600000, 6)], { setup })).toEqual(['allowed']);
    expect(verdicts({ maxPositionQtyUnits: 10 }, [buy(600000, 7)], { setup })).toEqual(['max_position']);
    expect(verdicts({ maxPositionQtyUnits: 10 }, [{ ...buy(600000, 10), side: 'sell' }, { ...buy(600000, 11), side: 'sell' }], { setup })).toEqual([
      'allowed',
      'max_position',
    ]);
  });

  it('max position includes the filled position', () => {
    expect(verdicts({ maxPositionQtyUnits: 10 }, [buy(600000, 4)], { setup: longPosition(6) })).toEqual(['allowed']);
    expect(verdicts({ maxPositionQtyUnits: 10 }, [buy(600000, 5)], { setup: longPosition(6) })).toEqual(['max_position']);
  });

  it('max open orders counts live orders and pending news', () => {
    expect(verdicts({ maxOpenOrders: 2 }, [buy(600000, 1), buy(599999, 1), buy(599998, 1)])).toEqual(['allowed', 'allowed', 'max_open_orders']);
  });

  it('the price band around mid allows its edge and denies one tick beyond; without a book it is undecidable and denies', () => {
    // mid 600000.5, band 0.1% = 600.0005 units → 600600 inside, 600601 outside
    expect(verdicts({ priceBandPpm: 1000 }, [buy(600600, 1), buy(600601, 1), buy(599401, 1), buy(599400, 1)])).toEqual([
      'allowed',
      'price_band',
      'allowed',
      'price_band',
    ]);
    const strategy = new ScriptedStrategy();
    const { feed } = engineWith(baseConfig({ risk: { priceBandPpm: 1000 }, triggers: { kinds: ['session'] } }), strategy);
    strategy.script.push([buy(600000, 1)]);
    const r = feed.push({ kind: 'session', state: 'start', sessionId: 's1', tsEventNs: 0n, tsLocalNs: feed.nowNs });
    expect(r.decisions.map((d) => (d.allowed ? 'allowed' : d.reason))).toEqual(['no_reference_price']);
  });

  it('reduce-only must reduce: opposite side, at most the position minus open reduce-only orders', () => {
    const sell = (q: number): NewIntent => ({ ...buy(600000, q), side: 'sell', reduceOnly: true });
    expect(verdicts({}, [sell(5)], { setup: longPosition(5) })).toEqual(['allowed']);
    expect(verdicts({}, [sell(6)], { setup: longPosition(5) })).toEqual(['reduce_only']);
    expect(verdicts({}, [sell(3), sell(3)], { setup: longPosition(5) })).toEqual(['allowed', 'reduce_only']);
    expect(verdicts({}, [buy(600000, 1, { reduceOnly: true })], { setup: longPosition(5) })).toEqual(['reduce_only']);
    expect(verdicts({}, [sell(1)])).toEqual(['reduce_only']);
  });

  it('replace and cancel must name a live or pending order', () => {
    const setup = (feed: EventFeed, s: ScriptedStrategy) => {
      s.script.push([buy(600000, 1)]);
      feed.bbo(600000, 600001);
      feed.exec({ kind: 'order_rejected', orderId: 1, reason: 'x' });
    };
    expect(verdicts({}, [{ type: 'cancel', orderId: 1 }, { type: 'replace', orderId: 9, priceUnits: 1, qtyUnits: 1 }], { setup })).toEqual([
      'order_terminal',
      'unknown_order',
    ]);
  });

  it('a degraded feed denies new orders on that instrument', () => {
    const setup = (feed: EventFeed) => {
      feed.push({ kind: 'feed_health', instrument: BTC.id, state: 'degraded', reason: 'gap', tsEventNs: feed.nowNs, tsLocalNs: feed.nowNs });
    };
    expect(verdicts({}, [buy(600000, 1)], { setup })).toEqual(['feed_degraded']);
  });
});

describe('risk: user rules', () => {
  const maxTwoPerStep: RiskRule = { name: 'even_qty', check: (i) => (i.type === 'new' && i.qtyUnits % 2 === 1 ? { allowed: false, reason: 'odd_qty' } : { allowed: true }) };
  const throwing: RiskRule = {
    name: 'broken',
    check: () => {
      throw new Error('boom');
    },
  };

  it('a user rule allows or denies with its own reason', () => {
    expect(verdicts({ rules: [maxTwoPerStep] }, [buy(600000, 2), buy(600000, 3)])).toEqual(['allowed', 'odd_qty']);
  });

  it('a rule that throws denies with rule_error:<name>', () => {
    expect(verdicts({ rules: [throwing] }, [buy(600000, 2)])).toEqual(['rule_error:broken']);
  });

  it('user rules run after the built-in rules', () => {
    expect(verdicts({ rules: [throwing], maxOrderQtyUnits: 1 }, [buy(600000, 2)])).toEqual(['max_order_qty']);
  });
});
