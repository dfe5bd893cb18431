/**
 * The simulated venue: the backtest-side Venue Adapter (see ../adapter.ts). An exchange-side
 * L2 book per instrument driven by historical market data, our orders resting in it with a
 * modelled queue position, matching against trades and book changes, order-entry and response
 * latency, maker/taker fees. Deterministic: same inputs, configuration and seed ⇒ same answers.
 *
 * The venue keeps no clock of its own: it acts at the times the runtime gives it, all on one
 * time line (the backtest maps the venue's clock onto the recorder's, backtesting README "Clock
 * model"):
 * - exchange side: `onMarketEvent` at the exchange time the runtime passes (default `tsEventNs`),
 *   `processNextRequest` at a request's arrival = send (`RequestSent.tsLocalNs`) + entry latency;
 * - local side: an answer produced at exchange time x arrives at x + response latency; its
 *   `tsEventNs` is x.
 *
 * No market impact: our orders never change the historical book. What our taker orders take is
 * remembered per level until that level changes (book.ts `consumed`), so two of our orders
 * cannot take the same liquidity twice; fills of our resting orders never remove historical
 * liquidity. Each direction behaves as one ordered session (like one WebSocket): a request
 * never overtakes an earlier one on the way in, and an answer never overtakes an earlier one on
 * the way back (arrival = max(send + latency, previous arrival)).
 */
import { ChassisError, notionalValueUnits } from '@chassis/core';
import type { EventDraft, ExecutionEvent, Instrument, Liquidity, MarketEvent, RequestSentEvent, TradeEvent } from '@chassis/core';
import type { ClockedVenueAdapter, VenueAnswer } from '../adapter.ts';
import { ExchangeBook, type ExchangeSide } from './book.ts';
import { feeUnits } from './fees.ts';
import type { LatencyModel } from './latency.ts';
import { QueuePosition, type QueueModel, type QueueModelOf } from './queue.ts';
import { deriveSeed } from './random.ts';
import { TimedQueue } from './timed-queue.ts';

export interface SimulatedVenueConfig {
  /** Instruments this venue trades; events and requests for others are ignored / rejected. */
  readonly instruments: readonly Instrument[];
  /** One model for every instrument, or one built per instrument (a parameter in base-asset units needs its sizeDecimals). */
  readonly queueModel: QueueModel | QueueModelOf;
  readonly latency: LatencyModel;
  /** Seed for randomised models (e.g. jittered latency); configuration, never wall time. */
  readonly seed: number;
  /** How much of our resting order a trade beyond its price fills; default 'whole_order'. */
  readonly tradeThroughFill?: TradeThroughFill;
  /** Per instrument id: replaces the instrument's fee rates (ppm of notional; negative = rebate). */
  readonly feeOverrides?: Record<string, { makerFeePpm: number; takerFeePpm: number }>;
}

/**
 * Fill model for a trade printed beyond our resting price (below our bid, above our ask), at our
 * price as maker:
 * - 'whole_order': the whole remainder fills (the price moved past us, so everyone at our price
 *   traded; hftbacktest's assumption), whatever size printed;
 * - 'traded_qty': at most the printed size, in whole lots, shared in time priority by our orders
 *   on that side it went through (and with those at its price), so one print never fills us for
 *   more than it printed.
 */
export type TradeThroughFill = 'whole_order' | 'traded_qty';

/** One of our orders as the exchange sees it. */
export interface SimulatedOrderView {
  readonly orderId: number;
  readonly instrument: string;
  readonly side: 'buy' | 'sell';
  readonly priceUnits: number;
  /** Total order quantity (qty units), including what is filled. */
  readonly qtyUnits: number;
  readonly filledUnits: number;
  /** Estimated historical qty ahead of us at our price (qty units; fractional for probabilistic models). */
  readonly queueAheadUnits: number;
}

export interface SimulatedVenue extends ClockedVenueAdapter {
  /** A dispatched request. Local send time = request.tsLocalNs; it reaches the exchange at send + latency.entry(...). */
  submit(request: RequestSentEvent): void;
  /** Earliest exchange arrival time among submitted requests not yet processed, or -1n. */
  nextRequestArrivalNs(): bigint;
  /** Processes the earliest-arriving request at its arrival (exchange) time, producing answers. */
  processNextRequest(): void;
  /**
   * Applies a market event (book, queue positions, fills of resting orders) at exchange time
   * `exchangeTsNs` (ns, on the same time line as request arrivals), default `event.tsEventNs`.
   * Fills it causes are stamped at that time. The caller gives events in non-decreasing time,
   * interleaved with `processNextRequest` (the backtest timeline does).
   */
  onMarketEvent(event: MarketEvent, exchangeTsNs?: bigint): void;
  /** Earliest local arrival time of a produced answer not yet popped, or -1n. */
  nextAnswerNs(): bigint;
  /**
   * Changes so far to the requests in flight and the answers pending (a counter, not a time):
   * while it is unchanged, `nextRequestArrivalNs` and `nextAnswerNs` return what they returned
   * before, so a runtime may keep them instead of asking again after every market event.
   */
  readonly revision: number;
  /** Removes and returns the earliest answer (ties: production order); tsEventNs = exchange time, tsLocalNs = local arrival. */
  popAnswer(): EventDraft<ExecutionEvent>;
  /** Simulated sessions need no connection: start/stop only gate `submit` (after stop it throws). */
  start(): void;
  stop(): void;

  // ------------------------------------------------------------ exchange-side view (read-only)
  /** Best historical bid / ask (price units), NaN when that side is empty or the instrument unknown. */
  bestBid(instrument: string): number;
  bestAsk(instrument: string): number;
  /** Historical size at a level (qty units), 0 when absent. */
  levelQty(instrument: string, side: 'bid' | 'ask', priceUnits: number): number;
  /** Our live (resting) order, or undefined when it is not resting. */
  openOrder(orderId: number): SimulatedOrderView | undefined;
  /** Our resting orders on an instrument, in time priority. */
  openOrders(instrument: string): SimulatedOrderView[];
  /** Requests submitted but not yet processed, and answers produced but not yet popped. */
  readonly pendingRequests: number;
  readonly pendingAnswers: number;
}

class InstrumentState {
  readonly book: ExchangeBook;
  /** Our resting orders in time priority (insertion order; losing priority moves to the end). */
  readonly resting: SimOrder[] = [];
  constructor(
    readonly instrument: Instrument,
    readonly makerFeePpm: number,
    readonly takerFeePpm: number,
    readonly queueModel: QueueModel,
  ) {
    this.book = new ExchangeBook(instrument.id, instrument.tickUnits);
  }
}

class SimOrder {
  readonly queue = new QueuePosition();
  filledUnits = 0;
  /** Historical qty at our price when the queue model last saw it (qty units). */
  levelQty = 0;
  live = true;
  fills = 0;
  constructor(
    readonly orderId: number,
    readonly inst: InstrumentState,
    readonly isBuy: boolean,
    public priceUnits: number,
    public qtyUnits: number,
    public postOnly: boolean,
    /** The latest request that defined this order (its latency applies to answers about it). */
    public request: RequestSentEvent,
  ) {}
}

const LOT_EPSILON = 1e-9;

function lotFloor(qty: number, lot: number): number {
  return qty <= 0 ? 0 : Math.floor(qty / lot + LOT_EPSILON) * lot;
}

function checkNonNegative(latencyNs: bigint, which: string, request: RequestSentEvent): bigint {
  if (latencyNs < 0n) throw new ChassisError('E_SIM_LATENCY', `${which} latency model returned ${latencyNs} ns (< 0) for request seq ${request.seq}`);
  return latencyNs;
}

class SimulatedVenueImpl implements SimulatedVenue {
  private readonly byName = new Map<string, InstrumentState>();
  private readonly orders = new Map<number, SimOrder>();
  private readonly requests = new TimedQueue<RequestSentEvent>();
  private readonly answers = new TimedQueue<VenueAnswer>();
  private readonly latency: LatencyModel;
  private readonly tradeThroughFill: TradeThroughFill;
  private lastRequestArrivalNs = -1n;
  private lastAnswerLocalNs = -1n;
  private stopped = false;
  private lastName = '';
  private lastInst: InstrumentState | undefined = undefined;

  constructor(config: SimulatedVenueConfig) {
    this.latency = config.latency;
    this.tradeThroughFill = config.tradeThroughFill ?? 'whole_order';
    if (!Number.isSafeInteger(config.seed)) throw new ChassisError('E_SIM_CONFIG', `seed must be a safe integer, got ${config.seed}`);
    // Independent streams per model so adding randomness to one never shifts the other.
    this.latency.reseed?.(deriveSeed(config.seed, 0));
    const symbolCount = new Map<string, number>();
    for (const inst of config.instruments) symbolCount.set(inst.symbol, (symbolCount.get(inst.symbol) ?? 0) + 1);
    for (const inst of config.instruments) {
      if (!(inst.tickUnits > 0 && inst.lotUnits > 0)) throw new ChassisError('E_SIM_CONFIG', `instrument ${inst.id}: tickUnits and lotUnits must be > 0`);
      const fees = config.feeOverrides?.[inst.id] ?? config.feeOverrides?.[inst.symbol];
      const queueModel = typeof config.queueModel === 'function' ? config.queueModel(inst) : config.queueModel;
      const state = new InstrumentState(inst, fees?.makerFeePpm ?? inst.makerFeePpm, fees?.takerFeePpm ?? inst.takerFeePpm, queueModel);
      if (this.byName.has(inst.id)) throw new ChassisError('E_SIM_CONFIG', `instrument ${inst.id} is configured twice`);
      this.byName.set(inst.id, state);
      // Events may name an instrument by its symbol when the symbol is unambiguous.
      if (symbolCount.get(inst.symbol) === 1 && !this.byName.has(inst.symbol)) this.byName.set(inst.symbol, state);
    }
    if (config.feeOverrides) {
      for (const key of Object.keys(config.feeOverrides)) {
        if (!this.byName.has(key)) throw new ChassisError('E_SIM_CONFIG', `feeOverrides names unknown instrument ${key}`);
      }
    }
  }

  get pendingRequests(): number {
    return this.requests.size;
  }
  get revision(): number {
    return this.requests.changes + this.answers.changes;
  }
  get pendingAnswers(): number {
    return this.answers.size;
  }

  start(): void {
    this.stopped = false;
  }
  stop(): void {
    this.stopped = true;
  }

  // ------------------------------------------------------------------------------ requests

  submit(request: RequestSentEvent): void {
    if (this.stopped) throw new ChassisError('E_SIM_STOPPED', `request seq ${request.seq} submitted to a stopped simulated venue`);
    const entry = checkNonNegative(this.latency.entry(request.tsLocalNs, request), 'entry', request);
    let arrival = request.tsLocalNs + entry;
    if (arrival < this.lastRequestArrivalNs) arrival = this.lastRequestArrivalNs;
    this.lastRequestArrivalNs = arrival;
    this.requests.push(arrival, request);
  }

  nextRequestArrivalNs(): bigint {
    return this.requests.peekTime();
  }

  processNextRequest(): void {
    const now = this.requests.peekTime();
    const request = this.requests.pop();
    if (request === undefined) throw new ChassisError('E_SIM_NO_REQUEST', 'processNextRequest called with no request in flight');
    switch (request.request) {
      case 'new':
        this.onNew(request, now);
        break;
      case 'cancel':
        this.onCancel(request, now);
        break;
      case 'replace':
        this.onReplace(request, now);
        break;
    }
  }

  private onNew(req: RequestSentEvent, now: bigint): void {
    const inst = this.byName.get(req.instrument);
    if (inst === undefined) return this.reject(req, now, 'unknown_instrument');
    const existing = this.orders.get(req.orderId);
    if (existing !== undefined && existing.live) return this.reject(req, now, 'duplicate_order_id');
    const spec = inst.instrument;
    if (!(Number.isSafeInteger(req.qtyUnits) && req.qtyUnits > 0 && req.qtyUnits % spec.lotUnits === 0)) return this.reject(req, now, 'invalid_qty');
    const isMarket = req.orderType === 'market';
    if (isMarket) {
      if (req.postOnly) return this.reject(req, now, 'post_only_market');
    } else {
      if (!(Number.isSafeInteger(req.priceUnits) && req.priceUnits > 0 && req.priceUnits % spec.tickUnits === 0)) return this.reject(req, now, 'invalid_price');
      if (spec.minNotionalUnits > 0n && notionalValueUnits(spec, req.priceUnits, req.qtyUnits) < spec.minNotionalUnits) return this.reject(req, now, 'min_notional');
    }
    const isBuy = req.side === 'buy';
    const opposite = inst.book.side(!isBuy);
    const crosses = isMarket || opposite.crosses(req.priceUnits);
    if (req.postOnly && crosses) return this.reject(req, now, 'post_only_would_cross');

    const order = new SimOrder(req.orderId, inst, isBuy, isMarket ? 0 : req.priceUnits, req.qtyUnits, req.postOnly, req);
    this.orders.set(req.orderId, order);
    const local = this.localTime(now, order.request);
    this.answers.push(local, { kind: 'order_accepted', orderId: req.orderId, requestSeq: req.seq, venueOrderId: `sim-${req.orderId}`, tsEventNs: now, tsLocalNs: local });

    if (crosses) {
      if (req.timeInForce === 'FOK' && this.available(opposite, isBuy, isMarket ? NaN : req.priceUnits, req.qtyUnits, spec.lotUnits) < req.qtyUnits) {
        this.retire(order);
        const local = this.localTime(now, req);
        this.answers.push(local, { kind: 'order_cancelled', orderId: req.orderId, requestSeq: req.seq, reason: 'fok', tsEventNs: now, tsLocalNs: local });
        return;
      }
      this.take(order, opposite, isMarket ? NaN : req.priceUnits, now, req.seq);
    }
    if (!order.live) return;
    if (isMarket || req.timeInForce !== 'GTC') {
      this.retire(order);
      const local = this.localTime(now, req);
      this.answers.push(local, { kind: 'order_cancelled', orderId: req.orderId, requestSeq: req.seq, reason: req.timeInForce === 'FOK' ? 'fok' : 'ioc', tsEventNs: now, tsLocalNs: local });
      return;
    }
    this.enqueue(order);
  }

  private onCancel(req: RequestSentEvent, now: bigint): void {
    const order = this.orders.get(req.orderId);
    if (order === undefined || !order.live) {
      const local = this.localTime(now, req);
      this.answers.push(local, { kind: 'cancel_replace_rejected', orderId: req.orderId, requestSeq: req.seq, request: 'cancel', reason: 'unknown_order', tsEventNs: now, tsLocalNs: local });
      return;
    }
    this.removeResting(order);
    this.retire(order);
    const local = this.localTime(now, req);
    this.answers.push(local, { kind: 'order_cancelled', orderId: req.orderId, requestSeq: req.seq, reason: 'requested', tsEventNs: now, tsLocalNs: local });
  }

  private onReplace(req: RequestSentEvent, now: bigint): void {
    const order = this.orders.get(req.orderId);
    if (order === undefined || !order.live) return this.refuseReplace(req, now, 'unknown_order');
    const spec = order.inst.instrument;
    if (!(Number.isSafeInteger(req.priceUnits) && req.priceUnits > 0 && req.priceUnits % spec.tickUnits === 0)) return this.refuseReplace(req, now, 'invalid_price');
    if (!(Number.isSafeInteger(req.qtyUnits) && req.qtyUnits > 0 && req.qtyUnits % spec.lotUnits === 0)) return this.refuseReplace(req, now, 'invalid_qty');
    // Replace quantity is the new TOTAL order quantity (filled part included).
    if (req.qtyUnits <= order.filledUnits) return this.refuseReplace(req, now, 'qty_not_above_filled');
    const opposite = order.inst.book.side(!order.isBuy);
    const crosses = opposite.crosses(req.priceUnits);
    const postOnly = order.postOnly || req.postOnly;
    if (postOnly && crosses) return this.refuseReplace(req, now, 'post_only_would_cross');

    const priceChanged = req.priceUnits !== order.priceUnits;
    const sizeIncreased = req.qtyUnits > order.qtyUnits;
    order.priceUnits = req.priceUnits;
    order.qtyUnits = req.qtyUnits;
    order.postOnly = postOnly;
    order.request = req;
    const local = this.localTime(now, req);
    this.answers.push(local, { kind: 'order_replaced', orderId: req.orderId, requestSeq: req.seq, priceUnits: req.priceUnits, qtyUnits: req.qtyUnits, tsEventNs: now, tsLocalNs: local });
    if (!(priceChanged || sizeIncreased || crosses)) return; // a size decrease keeps its place
    // Loses priority: leaves the level and re-joins it (or a crossing price takes first).
    this.removeResting(order);
    if (crosses) this.take(order, opposite, req.priceUnits, now, req.seq);
    if (order.live) this.enqueue(order);
  }

  private reject(req: RequestSentEvent, now: bigint, reason: string): void {
    const local = this.localTime(now, req);
    this.answers.push(local, { kind: 'order_rejected', orderId: req.orderId, requestSeq: req.seq, reason, tsEventNs: now, tsLocalNs: local });
  }

  private refuseReplace(req: RequestSentEvent, now: bigint, reason: string): void {
    const local = this.localTime(now, req);
    this.answers.push(local, { kind: 'cancel_replace_rejected', orderId: req.orderId, requestSeq: req.seq, request: 'replace', reason, tsEventNs: now, tsLocalNs: local });
  }

  /** Starts resting at the back of the historical level at the order's price. */
  private enqueue(order: SimOrder): void {
    const own = order.inst.book.side(order.isBuy);
    order.levelQty = own.sizeAt(order.priceUnits);
    order.inst.queueModel.newOrder(order.queue, order.levelQty);
    order.inst.resting.push(order);
  }

  /** Terminal: no longer live, forgotten by id (a later request for it is answered unknown_order). */
  private retire(order: SimOrder): void {
    order.live = false;
    this.orders.delete(order.orderId);
  }

  /**
   * Leaves the resting list (cancel, or loss of priority before re-joining), the others keeping
   * their order. Shifted by hand: splice returns an array of the removed (an allocation per
   * replace that loses priority).
   */
  private removeResting(order: SimOrder): void {
    const resting = order.inst.resting;
    const i = resting.indexOf(order);
    if (i < 0) return;
    for (let j = i + 1; j < resting.length; j++) resting[j - 1] = resting[j]!;
    resting.pop();
  }

  /** Unconsumed opposite liquidity (qty units, whole lots) up to `limit` (NaN = no limit), capped at `need`. */
  private available(opposite: ExchangeSide, isBuy: boolean, limit: number, need: number, lot: number): number {
    let total = 0;
    for (let h = opposite.first(); h !== -1 && total < need; h = opposite.next(h)) {
      const price = opposite.priceOf(h);
      if (limit === limit && (isBuy ? price > limit : price < limit)) break;
      total += lotFloor(opposite.sizeOf(h) - opposite.consumedOf(h), lot);
    }
    return total;
  }

  /** Takes opposite liquidity level by level, best first, up to `limit` (NaN = market): one taker fill per level. */
  private take(order: SimOrder, opposite: ExchangeSide, limit: number, now: bigint, requestSeq: number): void {
    const lot = order.inst.instrument.lotUnits;
    for (let h = opposite.first(); h !== -1 && order.live; h = opposite.next(h)) {
      const price = opposite.priceOf(h);
      if (limit === limit && (order.isBuy ? price > limit : price < limit)) break;
      const avail = lotFloor(opposite.sizeOf(h) - opposite.consumedOf(h), lot);
      if (avail <= 0) continue;
      const remaining = order.qtyUnits - order.filledUnits;
      const qty = avail < remaining ? avail : remaining;
      opposite.consume(h, qty);
      this.fill(order, price, qty, 'taker', now, requestSeq);
    }
  }

  private fill(order: SimOrder, priceUnits: number, qtyUnits: number, liquidity: Liquidity, now: bigint, requestSeq: number): void {
    order.filledUnits += qtyUnits;
    const final = order.filledUnits >= order.qtyUnits;
    if (final) this.retire(order);
    const inst = order.inst;
    const fee = feeUnits(inst.instrument, priceUnits, qtyUnits, liquidity === 'maker' ? inst.makerFeePpm : inst.takerFeePpm);
    order.fills++;
    const local = this.localTime(now, order.request);
    this.answers.push(local, {
      kind: 'order_filled',
      orderId: order.orderId,
      requestSeq,
      fillId: `sim-${order.orderId}-${order.fills}`,
      priceUnits,
      qtyUnits,
      liquidity,
      feeUnits: fee,
      final,
      tsEventNs: now,
      tsLocalNs: local,
    });
  }

  /**
   * Local arrival time (ns) of the next answer about `request` produced at exchange time `now`.
   * Call it right before pushing that answer: it advances the answer session's clock. Each
   * answer is then one object literal with all its fields (one allocation, one shape per kind).
   */
  private localTime(now: bigint, request: RequestSentEvent): bigint {
    let local = now + checkNonNegative(this.latency.response(now, request), 'response', request);
    if (local < this.lastAnswerLocalNs) local = this.lastAnswerLocalNs;
    this.lastAnswerLocalNs = local;
    return local;
  }

  // -------------------------------------------------------------------------- market data

  onMarketEvent(event: MarketEvent, exchangeTsNs: bigint = event.tsEventNs): void {
    // Most streams are one instrument: skip the map when the name is the previous one.
    let inst = this.lastInst;
    if (event.instrument !== this.lastName) {
      inst = this.byName.get(event.instrument);
      this.lastName = event.instrument;
      this.lastInst = inst;
    }
    if (inst === undefined) return; // not an instrument of this venue
    if (event.kind === 'book_delta') {
      inst.book.applyDelta(event);
      if (inst.resting.length > 0) this.afterBookChange(inst, exchangeTsNs);
    } else if (event.kind === 'bbo') {
      inst.book.applyBbo(event);
      if (inst.resting.length > 0) this.afterBookChange(inst, exchangeTsNs);
    } else {
      if (inst.resting.length > 0) this.applyTrade(inst, event, exchangeTsNs);
    }
  }

  /** Queue positions follow the level sizes at our prices; a book that crosses our price fills us. */
  private afterBookChange(inst: InstrumentState, now: bigint): void {
    const resting = inst.resting;
    const model = inst.queueModel;
    const { bids, asks } = inst.book;
    // NaN when a side has no liquidity left for us: every comparison with NaN is false.
    const bestBid = bids.bestAvailablePrice();
    const bestAsk = asks.bestAvailablePrice();
    let anyFilled = false;
    for (let k = 0; k < resting.length; k++) {
      const order = resting[k]!;
      const price = order.priceUnits;
      const qty = (order.isBuy ? bids : asks).sizeAt(price);
      if (qty !== order.levelQty) {
        model.depth(order.queue, order.levelQty, qty);
        order.levelQty = qty;
      }
      // The opposite side reaching our price means everyone at our price traded: we did too.
      if (order.isBuy ? bestAsk <= price : bestBid >= price) {
        this.fill(order, order.priceUnits, order.qtyUnits - order.filledUnits, 'maker', now, -1);
        anyFilled = true;
      }
    }
    if (anyFilled) this.compact(inst);
  }

  private applyTrade(inst: InstrumentState, ev: TradeEvent, now: bigint): void {
    const resting = inst.resting;
    const model = inst.queueModel;
    const price = ev.priceUnits;
    const lot = inst.instrument.lotUnits;
    const capped = this.tradeThroughFill === 'traded_qty';
    // Our fills from this one trade, per side: at its price never more than it printed past the
    // queue; with traded_qty, at or through its price never more than it printed.
    let allocatedBuy = 0;
    let allocatedSell = 0;
    let anyFilled = false;
    for (let k = 0; k < resting.length; k++) {
      const order = resting[k]!;
      const remaining = order.qtyUnits - order.filledUnits;
      const buy = order.isBuy;
      const allocated = buy ? allocatedBuy : allocatedSell;
      const through = buy ? price < order.priceUnits : price > order.priceUnits;
      let qty: number;
      if (through) {
        qty = capped ? Math.min(remaining, lotFloor(ev.qtyUnits - allocated, lot)) : remaining;
      } else if (price === order.priceUnits && ev.aggressor !== (buy ? 'buy' : 'sell')) {
        model.trade(order.queue, ev.qtyUnits);
        const passed = lotFloor(model.takeFilled(order.queue) - allocated, lot);
        qty = passed < remaining ? passed : remaining;
      } else {
        continue;
      }
      if (qty <= 0) continue;
      if (capped || !through) {
        if (buy) allocatedBuy += qty;
        else allocatedSell += qty;
      }
      this.fill(order, order.priceUnits, qty, 'maker', now, -1);
      anyFilled = true;
    }
    if (anyFilled) this.compact(inst);
  }

  /** Drops filled orders from the resting list, in place. */
  private compact(inst: InstrumentState): void {
    const resting = inst.resting;
    let w = 0;
    for (let r = 0; r < resting.length; r++) {
      const order = resting[r]!;
      if (order.live) resting[w++] = order;
    }
    resting.length = w;
  }

  // ------------------------------------------------------------------------------- answers

  nextAnswerNs(): bigint {
    return this.answers.peekTime();
  }

  popAnswer(): EventDraft<ExecutionEvent> {
    const answer = this.answers.pop();
    if (answer === undefined) throw new ChassisError('E_SIM_NO_ANSWER', 'popAnswer called with no answer pending');
    return answer;
  }

  // ---------------------------------------------------------------------------------- view

  bestBid(instrument: string): number {
    return this.byName.get(instrument)?.book.bids.bestPrice() ?? NaN;
  }
  bestAsk(instrument: string): number {
    return this.byName.get(instrument)?.book.asks.bestPrice() ?? NaN;
  }
  levelQty(instrument: string, side: 'bid' | 'ask', priceUnits: number): number {
    return this.byName.get(instrument)?.book.side(side === 'bid').sizeAt(priceUnits) ?? 0;
  }
  openOrder(orderId: number): SimulatedOrderView | undefined {
    const order = this.orders.get(orderId);
    return order !== undefined && order.live ? view(order) : undefined;
  }
  openOrders(instrument: string): SimulatedOrderView[] {
    return (this.byName.get(instrument)?.resting ?? []).filter((o) => o.live).map(view);
  }
}

function view(order: SimOrder): SimulatedOrderView {
  return {
    orderId: order.orderId,
    instrument: order.inst.instrument.id,
    side: order.isBuy ? 'buy' : 'sell',
    priceUnits: order.priceUnits,
    qtyUnits: order.qtyUnits,
    filledUnits: order.filledUnits,
    queueAheadUnits: order.queue.ahead,
  };
}

/** Creates a simulated venue; validates the configuration up front (E_SIM_CONFIG). */
export function createSimulatedVenue(config: SimulatedVenueConfig): SimulatedVenue {
  return new SimulatedVenueImpl(config);
}
