/**
 * Test fixtures for the core: a real instrument definition (Binance USD-M BTCUSDT: price in
 * 0.1 USDT units, qty in 0.001 BTC units), a base configuration, a scripted strategy and an
 * EventFeed that plays the runtime's part (assigns seqs, appends the RequestSent events a step
 * returns, answers requests with the requestSeq the venue would echo). Not exported from the
 * package index: used by the core's own tests and examples.
 */
import type { EngineConfig } from '../config.ts';
import type { Engine } from '../engine.ts';
import type { ControlEvent, Event, EventDraft } from '../events.ts';
import type { Instrument } from '../instrument.ts';
import type { Intent } from '../intents.ts';
import type { ControlSchedulingObligation, StepResult } from '../step-result.ts';
import type { Strategy } from '../strategy.ts';
import type { StateView } from '../state/view.ts';
import { createEngine } from '../engine/create-engine.ts';

export const BTC: Instrument = Object.freeze({
  id: 'binance-usdm:BTCUSDT',
  venue: 'binance-usdm',
  symbol: 'BTCUSDT',
  contractType: 'linear',
  baseCurrency: 'BTC',
  quoteCurrency: 'USDT',
  priceDecimals: 1,
  sizeDecimals: 3,
  tickUnits: 1,
  lotUnits: 1,
  minNotionalUnits: 0n,
  multiplier: 1,
  makerFeePpm: 200,
  takerFeePpm: 500,
});

export const ETH_SPOT: Instrument = Object.freeze({
  id: 'binance:ETHUSDT',
  venue: 'binance',
  symbol: 'ETHUSDT',
  contractType: 'spot',
  baseCurrency: 'ETH',
  quoteCurrency: 'USDT',
  priceDecimals: 2,
  sizeDecimals: 4,
  tickUnits: 1,
  lotUnits: 1,
  minNotionalUnits: 0n,
  multiplier: 1,
  makerFeePpm: 1000,
  takerFeePpm: 1000,
});

/** Binance COIN-M BTCUSD_PERP: inverse, 100 USD per contract, price in 0.1 USD, qty in whole contracts, settles in BTC. */
export const BTCUSD_PERP: Instrument = Object.freeze({
  id: 'binance-coinm:BTCUSD_PERP',
  venue: 'binance-coinm',
  symbol: 'BTCUSD_PERP',
  contractType: 'inverse',
  baseCurrency: 'BTC',
  quoteCurrency: 'USD',
  priceDecimals: 1,
  sizeDecimals: 0,
  tickUnits: 1,
  lotUnits: 1,
  minNotionalUnits: 0n,
  multiplier: 100,
  makerFeePpm: 200,
  takerFeePpm: 500,
});

/** OKX BTC-USDT-SWAP: linear, contract value 0.01 BTC, price in 0.1 USDT, qty in 0.01 contracts, settles in USDT. */
export const BTC_USDT_SWAP: Instrument = Object.freeze({
  id: 'okx:BTC-USDT-SWAP',
  venue: 'okx',
  symbol: 'BTC-USDT-SWAP',
  contractType: 'linear',
  baseCurrency: 'BTC',
  quoteCurrency: 'USDT',
  priceDecimals: 1,
  sizeDecimals: 2,
  tickUnits: 1,
  lotUnits: 1,
  minNotionalUnits: 0n,
  multiplier: 0.01,
  makerFeePpm: 200,
  takerFeePpm: 500,
});

export function baseConfig(overrides: Partial<EngineConfig> = {}): EngineConfig {
  return {
    instruments: [BTC],
    triggers: { kinds: ['bbo'] },
    risk: {},
    executionControl: { rateBuckets: [] },
    maxConsecutiveStrategyFailures: 3,
    recordIntentDenials: false,
    initialBalances: { USDT: 0n },
    ...overrides,
  };
}

/** A strategy whose next answers are set by the test: each trigger takes the next entry of `script`. */
export class ScriptedStrategy implements Strategy {
  script: (readonly Intent[] | Error)[] = [];
  calls = 0;
  onEvent(_view: StateView, _event: Event): readonly Intent[] {
    this.calls++;
    const next = this.script.shift();
    if (next instanceof Error) throw next;
    return next ?? [];
  }
}

/** Plays the runtime: numbers events, steps them, appends the dispatched RequestSent events to its journal. */
export class EventFeed {
  readonly journal: Event[] = [];
  readonly results: StepResult[] = [];
  nowNs = 1_000_000_000n;
  constructor(readonly engine: Engine) {}

  get nextSeq(): number {
    return this.journal.length;
  }

  /** Appends and steps one event at the current time (plus `advanceNs`). */
  push(draft: EventDraft, advanceNs = 0n): StepResult {
    this.nowNs += advanceNs;
    const event = { ...draft, seq: this.nextSeq, tsLocalNs: draft.tsLocalNs ?? this.nowNs, tsEventNs: draft.tsEventNs ?? this.nowNs } as Event;
    this.journal.push(event);
    const result = this.engine.step(event);
    for (const r of result.requestsSent) this.journal.push(r);
    this.results.push(result);
    return result;
  }

  bbo(bid: number, ask: number, advanceNs = 0n, bidQty = 10, askQty = 10): StepResult {
    return this.push(
      { kind: 'bbo', instrument: BTC.id, updateId: -1n, bidPriceUnits: bid, bidQtyUnits: bidQty, askPriceUnits: ask, askQtyUnits: askQty, tsEventNs: this.nowNs + advanceNs, tsLocalNs: this.nowNs + advanceNs },
      advanceNs,
    );
  }

  /** The seq of the RequestSent currently inflight for an order (what a venue answer echoes), -1 if none. */
  inflightSeq(orderId: number): number {
    return inflightRequestSeq(this.engine, this.journal, orderId);
  }

  exec(draft: Record<string, unknown> & { kind: string; orderId: number }, answersInflight = true): StepResult {
    const requestSeq = answersInflight ? this.inflightSeq(draft.orderId) : -1;
    return this.push({ requestSeq, tsEventNs: this.nowNs, tsLocalNs: this.nowNs, ...draft } as unknown as EventDraft);
  }

  /** Appends a control event (strategy_paused, kill_switch, flatten, …) stamped at the current time plus `advanceNs`. */
  control(draft: Record<string, unknown> & { kind: ControlEvent['kind'] }, advanceNs = 0n): StepResult {
    this.nowNs += advanceNs;
    return this.push({ tsEventNs: this.nowNs, tsLocalNs: this.nowNs, ...draft } as unknown as EventDraft);
  }

  /** Realises an obligation as the runtime would: a control_time event at its due time. */
  realise(ob: ControlSchedulingObligation): StepResult {
    const due = ob.dueTsLocalNs > this.nowNs ? ob.dueTsLocalNs : this.nowNs;
    this.nowNs = due;
    return this.push({ kind: 'control_time', dueTsLocalNs: ob.dueTsLocalNs, reason: ob.reason, scope: ob.scope, obligationSeq: ob.derivedAtSeq, tsEventNs: due, tsLocalNs: due });
  }

  accept(orderId: number): StepResult {
    return this.exec({ kind: 'order_accepted', orderId, venueOrderId: `v${orderId}` });
  }
}

/**
 * What a runtime knows when a venue answers: the seq of the order's inflight request, i.e. the
 * last RequestSent of that key in its journal while the view says a request is inflight; -1 if none.
 */
export function inflightRequestSeq(engine: Engine, journal: readonly Event[], orderId: number): number {
  if ((engine.view.execution.order(orderId)?.inflight ?? null) === null) return -1;
  for (let i = journal.length - 1; i >= 0; i--) {
    const e = journal[i]!;
    if (e.kind === 'request_sent' && e.orderId === orderId) return e.seq;
  }
  return -1;
}

export function engineWith(config: EngineConfig, strategy: Strategy = new ScriptedStrategy()): { engine: Engine; feed: EventFeed } {
  const engine = createEngine(config, strategy);
  return { engine, feed: new EventFeed(engine) };
}

/**
 * An engine over one instrument that opens `qty` with `first` and closes it with the opposite
 * side at `second` (prices in price units, qty in qty units, fees in settlement units as the
 * venue would report them): the two fills, nothing else.
 */
export function roundTrip(
  inst: Instrument,
  first: { side: 'buy' | 'sell'; price: number; fee: bigint },
  second: { price: number; fee: bigint },
  qty: number,
  initialBalances: Record<string, bigint>,
): Engine {
  const strategy = new ScriptedStrategy();
  const { engine, feed } = engineWith(baseConfig({ instruments: [inst], initialBalances }), strategy);
  const other = first.side === 'buy' ? 'sell' : 'buy';
  strategy.script.push([
    { type: 'new', instrument: inst.id, side: first.side, priceUnits: first.price, qtyUnits: qty },
    { type: 'new', instrument: inst.id, side: other, priceUnits: second.price, qtyUnits: qty },
  ]);
  feed.push({ kind: 'bbo', instrument: inst.id, updateId: -1n, bidPriceUnits: first.price - 1, bidQtyUnits: 1, askPriceUnits: first.price + 1, askQtyUnits: 1, tsEventNs: feed.nowNs, tsLocalNs: feed.nowNs });
  feed.exec({ kind: 'order_filled', orderId: 1, fillId: 'a', priceUnits: first.price, qtyUnits: qty, liquidity: 'maker', feeUnits: first.fee, final: true });
  feed.exec({ kind: 'order_filled', orderId: 2, fillId: 'b', priceUnits: second.price, qtyUnits: qty, liquidity: 'maker', feeUnits: second.fee, final: true });
  return engine;
}
