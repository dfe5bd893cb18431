/**
 * End-to-end contract oracle on an inverse instrument: a small synthetic Binance COIN-M
 * BTCUSD_PERP stream through the real engine and this simulated venue. The test recomputes
 * fees and PnL from the run's fills with plain rational arithmetic from the venue's published
 * formulas (fee = q × 100 USD / P × rate, PnL of a flat book = Σ_buy q×m/P − Σ_sell q×m/P),
 * never with the production contract-value helpers.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type BboEvent, type BookDeltaEvent, type EventDraft, type Instrument, type Intent, type MarketEvent, type OrderFilledEvent, type StateView, type Strategy, type TradeEvent } from '@chassis/core';
import { createSimulatedVenue } from './venue.ts';
import { constantLatency } from './latency.ts';
import { conservativeQueue } from './queue.ts';

const COINM: Instrument = {
  id: 'binance-coinm:BTCUSD_PERP', venue: 'binance-coinm', symbol: 'BTCUSD_PERP', contractType: 'inverse', baseCurrency: 'BTC', quoteCurrency: 'USD',
  priceDecimals: 1, sizeDecimals: 0, tickUnits: 1, lotUnits: 1, minNotionalUnits: 0n, multiplier: 100, makerFeePpm: 200, takerFeePpm: 500,
};
const SAT_PER_BTC = 100_000_000n;
const MS = 1_000_000n;

function book(ts: bigint, bid: number, ask: number): BookDeltaEvent {
  return { kind: 'book_delta', seq: 0, tsEventNs: ts, tsLocalNs: ts, instrument: COINM.id, updateId: -1n, isSnapshot: true, offset: 0, count: 2, sides: [0, 1], prices: [bid, ask], sizes: [50, 50] };
}
function top(ts: bigint, bid: number, ask: number): BboEvent {
  return { kind: 'bbo', seq: 0, tsEventNs: ts, tsLocalNs: ts, instrument: COINM.id, updateId: -1n, bidPriceUnits: bid, bidQtyUnits: 50, askPriceUnits: ask, askQtyUnits: 50 };
}
function print(ts: bigint, price: number, qty: number, aggressor: 'buy' | 'sell'): TradeEvent {
  return { kind: 'trade', seq: 0, tsEventNs: ts, tsLocalNs: ts, instrument: COINM.id, tradeId: `t${ts}`, priceUnits: price, qtyUnits: qty, aggressor };
}

/** On the n-th BBO: 1st sell 3 at market (taker), 2nd buy 3 at market, 3rd rest a buy of 2 at 57000.0, 4th sell 2 at market. */
class ScriptedCoinmStrategy implements Strategy {
  private n = 0;
  onEvent(_view: StateView, event: { kind: string }): readonly Intent[] {
    if (event.kind !== 'bbo') return [];
    this.n++;
    const market = (side: 'buy' | 'sell', qty: number): Intent => ({ type: 'new', instrument: COINM.id, side, orderType: 'market', priceUnits: 0, qtyUnits: qty, timeInForce: 'IOC' });
    if (this.n === 1) return [market('sell', 3)];
    if (this.n === 2) return [market('buy', 3)];
    if (this.n === 3) return [{ type: 'new', instrument: COINM.id, side: 'buy', priceUnits: 570_000, qtyUnits: 2 }];
    if (this.n === 4) return [market('sell', 2)];
    return [];
  }
}

function runCoinm(): { fills: OrderFilledEvent[]; sides: Map<number, 'buy' | 'sell'>; view: StateView; violation: unknown } {
  const engine = createEngine(
    { instruments: [COINM], triggers: { kinds: ['bbo'] }, risk: {}, executionControl: { rateBuckets: [] }, maxConsecutiveStrategyFailures: 3, recordIntentDenials: false, initialBalances: { BTC: SAT_PER_BTC } },
    new ScriptedCoinmStrategy(),
  );
  const venue = createSimulatedVenue({ instruments: [COINM], queueModel: conservativeQueue(), latency: constantLatency(1n * MS, 1n * MS), seed: 1 });
  venue.start();
  const fills: OrderFilledEvent[] = [];
  const sides = new Map<number, 'buy' | 'sell'>();
  let seq = 0;
  const step = (draft: EventDraft | MarketEvent): void => {
    const event = { ...draft, seq: seq++ } as Parameters<typeof engine.step>[0];
    if (event.kind === 'order_filled') fills.push(event);
    const result = engine.step(event);
    for (const req of result.requestsSent) {
      seq = req.seq + 1;
      if (req.request === 'new') sides.set(req.orderId, req.side);
      venue.submit(req);
    }
  };
  /** Venue work due up to `t`: requests reach the matching engine, answers reach the engine, in time order. */
  const advance = (t: bigint): void => {
    for (;;) {
      const req = venue.nextRequestArrivalNs();
      const ans = venue.nextAnswerNs();
      if (req >= 0n && req <= t && (ans < 0n || req <= ans)) venue.processNextRequest();
      else if (ans >= 0n && ans <= t) step(venue.popAnswer());
      else return;
    }
  };
  const stream: MarketEvent[] = [
    book(1n * MS, 599_999, 600_000),
    top(2n * MS, 599_999, 600_000), // → sell 3 at market: fills at the bid 59999.9
    book(10n * MS, 580_000, 580_001),
    top(11n * MS, 580_000, 580_001), // → buy 3 at market: fills at the ask 58000.1
    book(20n * MS, 575_000, 575_001),
    top(21n * MS, 575_000, 575_001), // → rest a buy of 2 at 57000.0
    print(30n * MS, 569_999, 100, 'sell'), // a trade through our price fills it as maker
    book(40n * MS, 590_000, 590_001),
    top(41n * MS, 590_000, 590_001), // → sell 2 at market: fills at the bid 59000.0
  ];
  for (const ev of stream) {
    advance(ev.tsLocalNs);
    venue.onMarketEvent(ev);
    step(ev);
  }
  advance(1_000n * MS);
  return { fills, sides, view: engine.view, violation: engine.violation };
}

/** Exact rational p/q with bigint parts. */
interface Ratio {
  readonly n: bigint;
  readonly d: bigint;
}
const add = (a: Ratio, b: Ratio): Ratio => ({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
const ceil = (a: Ratio): bigint => {
  const q = a.n / a.d;
  return a.n > 0n && q * a.d !== a.n ? q + 1n : q;
};

describe('an inverse COIN-M run through the engine and the simulated venue', () => {
  const run = runCoinm();
  const rate = (liquidity: string): bigint => (liquidity === 'maker' ? 200n : 500n); // ppm

  it('fills four orders as the script says, in whole contracts, and ends flat without a violation', () => {
    expect(run.violation).toBeNull();
    expect(run.fills.map((f) => [run.sides.get(f.orderId), f.priceUnits, f.qtyUnits, f.liquidity])).toEqual([
      ['sell', 599_999, 3, 'taker'],
      ['buy', 580_001, 3, 'taker'],
      ['buy', 570_000, 2, 'maker'],
      ['sell', 590_000, 2, 'taker'],
    ]);
    expect(run.view.execution.position(COINM.id).qtyUnits).toBe(0);
  });

  it('charges each fill q × 100 USD / P × rate in satoshi, rounded up', () => {
    for (const f of run.fills) {
      // fee [sat] = q × 100 / (P_units / 10) × ppm / 1e6 × 1e8 = q × 100 × 10 × ppm × 100 / P_units
      const exact: Ratio = { n: BigInt(f.qtyUnits) * 100n * 10n * rate(f.liquidity) * 100n, d: BigInt(f.priceUnits) };
      expect(f.feeUnits).toBe(ceil(exact));
    }
    // by hand: 300/59999.9 × 0.0005 = 0.0000025000… BTC → 251 sat; 300/58000.1 × 0.0005 → 259 sat;
    // 200/57000 × 0.0002 → 71 sat; 200/59000 × 0.0005 → 170 sat
    expect(run.fills.map((f) => f.feeUnits)).toEqual([251n, 259n, 71n, 170n]);
  });

  it('realises Σ_buy q × m / P − Σ_sell q × m / P in BTC, within one satoshi per fill, and the BTC balance is initial + realised − fees exactly', () => {
    let pnl: Ratio = { n: 0n, d: 1n };
    for (const f of run.fills) {
      const sign = run.sides.get(f.orderId) === 'buy' ? 1n : -1n;
      // q × 100 USD / (P_units / 10) BTC, in sat: q × 100 × 10 × 1e8 / P_units
      pnl = add(pnl, { n: sign * BigInt(f.qtyUnits) * 100n * 10n * SAT_PER_BTC, d: BigInt(f.priceUnits) });
    }
    const p = run.view.execution.position(COINM.id);
    const diff = p.realizedPnlUnits * pnl.d - pnl.n; // (engine − exact) × d
    expect(diff < 0n ? -diff : diff).toBeLessThanOrEqual(BigInt(run.fills.length) * pnl.d);
    // by hand: short 3 @ 59999.9 → 58000.1: 300 × 1999.8 / (58000.1 × 59999.9) = 0.00017239 BTC;
    // long 2 @ 57000 → 59000: 200 × 2000 / (57000 × 59000) = 0.00011894 BTC; together 29133 sat
    expect(p.realizedPnlUnits).toBe(29_133n);
    const fees = run.fills.reduce((s, f) => s + f.feeUnits, 0n);
    expect(p.feesUnits).toBe(fees);
    expect(p.settlementCurrency).toBe('BTC');
    expect(run.view.execution.balance('BTC')).toBe(SAT_PER_BTC + p.realizedPnlUnits - fees);
    expect(run.view.execution.balance('USD')).toBe(0n);
  });
});
