/**
 * The reference venue: a deliberately plain, slow re-implementation of the simulated venue's
 * documented behaviour (SPEC.md §5 "Simulated venue"; the rules are restated below), written
 * without the production matching, book, queue or fee code. Books are Maps, levels are sorted
 * each time they are walked, orders are objects in an array. It exists only to be compared
 * with production on the same input.
 *
 * Rules (each one a sentence a reader can check):
 * - Latency is constant. A request sent at local time t reaches the exchange at t + entry, but
 *   never before the previous request (one ordered session). An answer produced at exchange
 *   time x reaches us at x + response, never before the previous answer.
 * - The exchange book is the historical L2 book, by the one depth + BBO rule of the core's
 *   L2Book (packages/core/README.md), written here again over Maps:
 *   - depth messages set absolute level sizes (0 removes); a snapshot replaces the book;
 *   - before any depth, a BBO is the whole book: each side it quotes (qty > 0) becomes that
 *     one level;
 *   - with depth, a BBO is applied only if its update id is ≥ the last depth update id (one
 *     without an id, or older, may be older than the depth and never touches the book); applied,
 *     it removes the levels strictly better than its price on each side it quotes and sets
 *     that level's size;
 *   - a depth message with an update id older than the last applied BBO's is followed by that
 *     BBO's top again (a later BBO that was not applied does not count).
 * - No market impact: our fills never change historical sizes. What our taker orders took from
 *   a level is remembered per price while the level keeps its size and forgotten as soon as
 *   any message (depth or BBO) gives it another size or removes it, so two of our orders never
 *   take the same liquidity; a message setting the size it already has keeps it taken.
 * - A new order is checked (instrument, duplicate live id, qty a positive multiple of the lot,
 *   market not post-only, limit price a positive multiple of the tick, min notional, post-only
 *   that would cross) and rejected with the first failed check's reason; otherwise accepted.
 * - A crossing order takes untaken liquidity level by level, best first, up to its limit (a
 *   market order has none), one taker fill per level at the level's price, whole lots only.
 *   FOK first checks that enough is available and is otherwise cancelled whole. What an IOC,
 *   FOK or market order did not fill is cancelled; a GTC remainder rests.
 * - A resting order joins the back of its level: queue ahead = historical size at its price.
 *   Conservative queue: a trade at our price whose aggressor is on the other side (or unknown)
 *   reduces ahead by its size; the part that passes ahead fills us (whole lots, shared by our
 *   orders at that price so one trade never fills more than it printed past the queue). A
 *   level that shrinks below ahead caps ahead at the level size.
 * - A trade strictly through our price (below our bid, above our ask) fills us at our price as
 *   maker, by one of the two documented trade-through models (`tradeThroughFill`):
 *   'whole_order' fills the whole remaining quantity whatever size printed (the price moved past
 *   us, so everyone at our price traded); 'traded_qty' fills at most what the trade printed, in
 *   whole lots, handed to our orders on that side in time priority — what one trade fills
 *   through and at our prices together never exceeds its printed size. After any book change,
 *   the other side's best untaken price reaching our price fills the whole remaining quantity
 *   (everyone at our price traded).
 * - Cancel: a live order is cancelled, anything else is refused as unknown. Replace: the new
 *   quantity is the total (filled part included) and must exceed the filled part; post-only
 *   (of the order or the request) may not cross. A new price, a larger size, or a crossing
 *   price loses queue priority (leave, take if crossing, re-join the back); a size decrease
 *   keeps it.
 * - Fees: rate × notional in the settlement asset, rounded up to the settlement unit (never
 *   undercharged): linear and spot notional = price × qty × multiplier (quote asset), inverse
 *   notional = qty × multiplier / price (base asset). Fees are reported by `feeOf` as exact
 *   rationals; the answer's `feeUnits` is in settlement units (see `settlementDecimals`).
 * - Answers carry the venue's own clock: `tsEventNs` = exchange-side time − `clockOffsetNs`
 *   (the exchange side runs on the local clock, shifted by the recorder's offset).
 */
import type {
  BboEvent,
  BookDeltaEvent,
  EventDraft,
  ExecutionEvent,
  Instrument,
  Liquidity,
  MarketEvent,
  RequestSentEvent,
  TradeEvent,
} from '@chassis/core';
import { ceil, div, fromUnits, mul, ratio, type Rational } from './rational.ts';

export interface ReferenceVenueConfig {
  readonly instruments: readonly Instrument[];
  readonly entryLatencyNs: bigint;
  readonly responseLatencyNs: bigint;
  /** Trade-through fill model (see the header); default 'whole_order'. */
  readonly tradeThroughFill?: 'whole_order' | 'traded_qty';
  /** Recorder clock − venue clock (ns): answers' tsEventNs = exchange-side time − this; default 0. */
  readonly clockOffsetNs?: bigint;
}

type Side = 'bid' | 'ask';

interface Book {
  readonly levels: { bid: Map<number, number>; ask: Map<number, number> };
  /** Liquidity our taker orders took, by side and price (qty units). */
  readonly taken: { bid: Map<number, number>; ask: Map<number, number> };
  hasDepth: boolean;
  /** Update id of the last depth message that had one (-1n = none). */
  lastDepthUpdateId: bigint;
  /** The last BBO that was applied to the levels: re-applied after a depth message older than it. */
  appliedBbo: BboEvent | undefined;
}

interface Order {
  readonly orderId: number;
  readonly instrument: Instrument;
  readonly side: 'buy' | 'sell';
  priceUnits: number;
  qtyUnits: number;
  filledUnits: number;
  postOnly: boolean;
  /** Historical qty ahead of us at our price (qty units). */
  ahead: number;
  fills: number;
}

/** The fee of a fill, exact, in the instrument's settlement asset (quote for spot/linear, base for inverse). */
export function feeOf(inst: Instrument, priceUnits: number, qtyUnits: number, ratePpm: number): Rational {
  const price = fromUnits(priceUnits, inst.priceDecimals);
  const qty = fromUnits(qtyUnits, inst.sizeDecimals);
  const contractValue = mul(qty, multiplierOf(inst));
  const notional = inst.contractType === 'inverse' ? div(contractValue, price) : mul(contractValue, price);
  return mul(notional, ratio(BigInt(ratePpm), 1_000_000n));
}

/**
 * Decimals of the settlement unit fees and PnL are counted in: for spot and linear the finest
 * unit in which price × qty × multiplier is exact, 10^-(price + size + multiplier decimals) of
 * the quote (an OKX ctVal of 0.01 adds two); for inverse the settlement asset's precision,
 * `instrument.settlementDecimals`, else 1e-8 of the base asset (Binance COIN-M's and OKX's).
 */
export function settlementDecimals(inst: Instrument): number {
  if (inst.contractType === 'spot') return inst.priceDecimals + inst.sizeDecimals;
  if (inst.contractType === 'linear') return inst.priceDecimals + inst.sizeDecimals + multiplierText(inst).frac.length;
  return inst.settlementDecimals ?? 8;
}

/** The fee rounded up to whole settlement units (in the venue's favour). */
export function feeUnitsOf(inst: Instrument, priceUnits: number, qtyUnits: number, ratePpm: number): bigint {
  return ceil(mul(feeOf(inst, priceUnits, qtyUnits, ratePpm), ratio(10n ** BigInt(settlementDecimals(inst)))));
}

/** The contract multiplier (OKX ctVal such as 0.01, COIN-M face value 100) as an exact rational. */
export function multiplierOf(inst: Instrument): Rational {
  const { int, frac } = multiplierText(inst);
  return ratio(BigInt(int + frac), 10n ** BigInt(frac.length));
}

function multiplierText(inst: Instrument): { int: string; frac: string } {
  const text = String(inst.multiplier);
  if (!/^\d+(\.\d+)?$/.test(text)) throw new RangeError(`multiplier ${text} of ${inst.id} is not a plain decimal`);
  const [int, frac = ''] = text.split('.');
  return { int: int!, frac };
}

const lotFloor = (qty: number, lot: number): number => (qty <= 0 ? 0 : Math.floor(qty / lot) * lot);
const better = (side: Side, a: number, b: number): boolean => (side === 'bid' ? a > b : a < b);

export class ReferenceVenue {
  private readonly instruments = new Map<string, Instrument>();
  private readonly books = new Map<string, Book>();
  /** Live orders, in time priority (a loss of priority moves an order to the end). */
  private readonly live: Order[] = [];
  private readonly inFlight: { arrivalNs: bigint; request: RequestSentEvent }[] = [];
  private readonly outbox: EventDraft<ExecutionEvent>[] = [];
  private lastArrivalNs = -1n;
  private lastAnswerNs = -1n;

  constructor(private readonly config: ReferenceVenueConfig) {
    for (const inst of config.instruments) {
      this.instruments.set(inst.id, inst);
      this.books.set(inst.id, {
        levels: { bid: new Map(), ask: new Map() },
        taken: { bid: new Map(), ask: new Map() },
        hasDepth: false,
        lastDepthUpdateId: -1n,
        appliedBbo: undefined,
      });
    }
  }

  // ------------------------------------------------------------------------- the two clocks

  /** A request leaves us; returns its exchange arrival time (ns). */
  submit(request: RequestSentEvent): bigint {
    let arrival = request.tsLocalNs + this.config.entryLatencyNs;
    if (arrival < this.lastArrivalNs) arrival = this.lastArrivalNs;
    this.lastArrivalNs = arrival;
    this.inFlight.push({ arrivalNs: arrival, request });
    return arrival;
  }

  /** Arrival time of the oldest request still travelling, or undefined. */
  nextArrivalNs(): bigint | undefined {
    return this.inFlight[0]?.arrivalNs;
  }

  /** The oldest travelling request reaches the exchange and is handled there at its arrival time. */
  processNextRequest(): void {
    const next = this.inFlight.shift();
    if (next === undefined) throw new Error('reference venue: no request in flight');
    const { arrivalNs: now, request } = next;
    if (request.request === 'new') this.onNew(request, now);
    else if (request.request === 'cancel') this.onCancel(request, now);
    else this.onReplace(request, now);
  }

  /** Every answer produced so far, in production order, then forgotten. */
  takeAnswers(): EventDraft<ExecutionEvent>[] {
    return this.outbox.splice(0, this.outbox.length);
  }

  /** `draft.tsEventNs` is the exchange-side time (local clock); the answer carries the venue's clock. */
  private answer(draft: EventDraft<ExecutionEvent>): void {
    let local = draft.tsEventNs + this.config.responseLatencyNs;
    if (local < this.lastAnswerNs) local = this.lastAnswerNs;
    this.lastAnswerNs = local;
    this.outbox.push({ ...draft, tsEventNs: draft.tsEventNs - (this.config.clockOffsetNs ?? 0n), tsLocalNs: local });
  }

  // ------------------------------------------------------------------------------- the book

  private sorted(book: Book, side: Side): [price: number, size: number][] {
    return [...book.levels[side]].sort((a, b) => (side === 'bid' ? b[0] - a[0] : a[0] - b[0]));
  }

  private untaken(book: Book, side: Side, price: number): number {
    return (book.levels[side].get(price) ?? 0) - (book.taken[side].get(price) ?? 0);
  }

  private setLevel(book: Book, side: Side, price: number, size: number): void {
    const old = book.levels[side].get(price) ?? 0;
    if (old === size) return;
    book.taken[side].delete(price);
    if (size > 0) book.levels[side].set(price, size);
    else book.levels[side].delete(price);
  }

  /** Best price on `side` with liquidity we have not taken, or undefined (a scan of every level: plain, not fast). */
  private bestUntaken(book: Book, side: Side): number | undefined {
    let best: number | undefined;
    for (const p of book.levels[side].keys())
      if (this.untaken(book, side, p) > 0 && (best === undefined || better(side, p, best))) best = p;
    return best;
  }

  /** Whether a `buy`/`sell` limit at `price` would trade with the other side's untaken liquidity. */
  private wouldCross(book: Book, side: 'buy' | 'sell', price: number): boolean {
    const best = this.bestUntaken(book, side === 'buy' ? 'ask' : 'bid');
    return best !== undefined && (side === 'buy' ? best <= price : best >= price);
  }

  // ---------------------------------------------------------------------------- market data

  /** A market event reaches the exchange side at exchange time `exchangeNs`. */
  onMarketEvent(event: MarketEvent, exchangeNs: bigint): void {
    const book = this.books.get(event.instrument);
    if (book === undefined) return;
    if (event.kind === 'trade') return this.onTrade(event, exchangeNs);
    if (event.kind === 'book_delta') this.onDepth(book, event);
    else this.onBbo(book, event);
    this.afterBookChange(event.instrument, book, exchangeNs);
  }

  private onDepth(book: Book, ev: BookDeltaEvent): void {
    if (ev.isSnapshot) {
      book.levels.bid.clear();
      book.levels.ask.clear();
      book.taken.bid.clear();
      book.taken.ask.clear();
    }
    book.hasDepth = true;
    for (let i = ev.offset; i < ev.offset + ev.count; i++)
      this.setLevel(book, ev.sides[i] === 0 ? 'bid' : 'ask', ev.prices[i]!, ev.sizes[i]!);
    if (ev.updateId < 0n) return;
    book.lastDepthUpdateId = ev.updateId;
    // Older than the BBO already applied: that BBO still says what the top is.
    const bbo = book.appliedBbo;
    if (bbo !== undefined && bbo.updateId > ev.updateId) this.setTops(book, bbo);
  }

  private onBbo(book: Book, ev: BboEvent): void {
    if (!book.hasDepth) {
      // No depth yet: the BBO is the whole book, one level on each side it quotes.
      for (const [side, price, qty] of this.topsOf(ev))
        if (qty > 0) for (const p of [...book.levels[side].keys()]) if (p !== price) this.setLevel(book, side, p, 0);
    } else if (ev.updateId < 0n || ev.updateId < book.lastDepthUpdateId) return; // maybe older than the depth
    this.setTops(book, ev);
    book.appliedBbo = ev;
  }

  private topsOf(ev: BboEvent): [Side, number, number][] {
    return [
      ['bid', ev.bidPriceUnits, ev.bidQtyUnits],
      ['ask', ev.askPriceUnits, ev.askQtyUnits],
    ];
  }

  /** On each side the BBO quotes (qty > 0): levels better than its price go, its level gets its size. */
  private setTops(book: Book, ev: BboEvent): void {
    for (const [side, price, qty] of this.topsOf(ev)) {
      if (qty <= 0) continue;
      for (const p of [...book.levels[side].keys()]) if (better(side, p, price)) this.setLevel(book, side, p, 0);
      this.setLevel(book, side, price, qty);
    }
  }

  private afterBookChange(instrument: string, book: Book, now: bigint): void {
    const mine = this.live.filter((o) => o.instrument.id === instrument);
    if (mine.length === 0) return;
    const bestOf = { bid: this.bestUntaken(book, 'bid'), ask: this.bestUntaken(book, 'ask') };
    for (const order of mine) {
      const own: Side = order.side === 'buy' ? 'bid' : 'ask';
      order.ahead = Math.min(order.ahead, book.levels[own].get(order.priceUnits) ?? 0);
      const best = bestOf[own === 'bid' ? 'ask' : 'bid'];
      const reached =
        best !== undefined && (order.side === 'buy' ? best <= order.priceUnits : best >= order.priceUnits);
      if (reached) this.fill(order, order.priceUnits, order.qtyUnits - order.filledUnits, 'maker', now, -1);
    }
  }

  private onTrade(ev: TradeEvent, now: bigint): void {
    const lot = this.instruments.get(ev.instrument)!.lotUnits;
    const capped = this.config.tradeThroughFill === 'traded_qty';
    /** What this trade has filled of our orders so far, per side (qty units): never more than it printed. */
    const filledBy = { buy: 0, sell: 0 };
    for (const order of this.live.filter((o) => o.instrument.id === ev.instrument)) {
      const remaining = order.qtyUnits - order.filledUnits;
      const through = order.side === 'buy' ? ev.priceUnits < order.priceUnits : ev.priceUnits > order.priceUnits;
      if (through && !capped) {
        this.fill(order, order.priceUnits, remaining, 'maker', now, -1);
        continue;
      }
      if (through) {
        const qty = Math.min(lotFloor(ev.qtyUnits - filledBy[order.side], lot), remaining);
        if (qty <= 0) continue;
        filledBy[order.side] += qty;
        this.fill(order, order.priceUnits, qty, 'maker', now, -1);
        continue;
      }
      const hitsUs = ev.priceUnits === order.priceUnits && ev.aggressor !== order.side;
      if (!hitsUs) continue;
      order.ahead -= ev.qtyUnits;
      if (order.ahead >= 0) continue;
      const passed = -order.ahead;
      order.ahead = 0;
      const qty = Math.min(lotFloor(passed - filledBy[order.side], lot), remaining);
      if (qty <= 0) continue;
      filledBy[order.side] += qty;
      this.fill(order, order.priceUnits, qty, 'maker', now, -1);
    }
  }

  // ------------------------------------------------------------------------------- requests

  private reject(req: RequestSentEvent, now: bigint, reason: string): void {
    this.answer({
      kind: 'order_rejected',
      orderId: req.orderId,
      requestSeq: req.seq,
      reason,
      tsEventNs: now,
      tsLocalNs: now,
    });
  }

  private refuse(req: RequestSentEvent, now: bigint, reason: string): void {
    this.answer({
      kind: 'cancel_replace_rejected',
      orderId: req.orderId,
      requestSeq: req.seq,
      request: req.request as 'cancel' | 'replace',
      reason,
      tsEventNs: now,
      tsLocalNs: now,
    });
  }

  private validPrice(inst: Instrument, price: number): boolean {
    return Number.isSafeInteger(price) && price > 0 && price % inst.tickUnits === 0;
  }

  private validQty(inst: Instrument, qty: number): boolean {
    return Number.isSafeInteger(qty) && qty > 0 && qty % inst.lotUnits === 0;
  }

  private onNew(req: RequestSentEvent, now: bigint): void {
    const inst = this.instruments.get(req.instrument);
    if (inst === undefined) return this.reject(req, now, 'unknown_instrument');
    if (this.live.some((o) => o.orderId === req.orderId)) return this.reject(req, now, 'duplicate_order_id');
    if (!this.validQty(inst, req.qtyUnits)) return this.reject(req, now, 'invalid_qty');
    const market = req.orderType === 'market';
    if (market && req.postOnly) return this.reject(req, now, 'post_only_market');
    if (!market && !this.validPrice(inst, req.priceUnits)) return this.reject(req, now, 'invalid_price');
    if (!market && inst.minNotionalUnits > 0n && BigInt(req.priceUnits) * BigInt(req.qtyUnits) < inst.minNotionalUnits)
      return this.reject(req, now, 'min_notional');
    const book = this.books.get(inst.id)!;
    const crosses = market || this.wouldCross(book, req.side, req.priceUnits);
    if (req.postOnly && crosses) return this.reject(req, now, 'post_only_would_cross');

    const order: Order = {
      orderId: req.orderId,
      instrument: inst,
      side: req.side,
      priceUnits: market ? 0 : req.priceUnits,
      qtyUnits: req.qtyUnits,
      filledUnits: 0,
      postOnly: req.postOnly,
      ahead: 0,
      fills: 0,
    };
    this.answer({
      kind: 'order_accepted',
      orderId: req.orderId,
      requestSeq: req.seq,
      venueOrderId: `ref-${req.orderId}`,
      tsEventNs: now,
      tsLocalNs: now,
    });
    const limit = market ? undefined : req.priceUnits;
    if (crosses && req.timeInForce === 'FOK' && this.available(book, order, limit) < req.qtyUnits) {
      this.answer({
        kind: 'order_cancelled',
        orderId: req.orderId,
        requestSeq: req.seq,
        reason: 'fok',
        tsEventNs: now,
        tsLocalNs: now,
      });
      return;
    }
    if (crosses) this.take(book, order, limit, now, req.seq);
    if (order.filledUnits === order.qtyUnits) return;
    if (market || req.timeInForce !== 'GTC') {
      this.answer({
        kind: 'order_cancelled',
        orderId: req.orderId,
        requestSeq: req.seq,
        reason: req.timeInForce === 'FOK' ? 'fok' : 'ioc',
        tsEventNs: now,
        tsLocalNs: now,
      });
      return;
    }
    this.rest(book, order);
  }

  private onCancel(req: RequestSentEvent, now: bigint): void {
    const order = this.live.find((o) => o.orderId === req.orderId);
    if (order === undefined) return this.refuse(req, now, 'unknown_order');
    this.live.splice(this.live.indexOf(order), 1);
    this.answer({
      kind: 'order_cancelled',
      orderId: req.orderId,
      requestSeq: req.seq,
      reason: 'requested',
      tsEventNs: now,
      tsLocalNs: now,
    });
  }

  private onReplace(req: RequestSentEvent, now: bigint): void {
    const order = this.live.find((o) => o.orderId === req.orderId);
    if (order === undefined) return this.refuse(req, now, 'unknown_order');
    const inst = order.instrument;
    if (!this.validPrice(inst, req.priceUnits)) return this.refuse(req, now, 'invalid_price');
    if (!this.validQty(inst, req.qtyUnits)) return this.refuse(req, now, 'invalid_qty');
    if (req.qtyUnits <= order.filledUnits) return this.refuse(req, now, 'qty_not_above_filled');
    const book = this.books.get(inst.id)!;
    const crosses = this.wouldCross(book, order.side, req.priceUnits);
    const postOnly = order.postOnly || req.postOnly;
    if (postOnly && crosses) return this.refuse(req, now, 'post_only_would_cross');
    const losesPriority = req.priceUnits !== order.priceUnits || req.qtyUnits > order.qtyUnits || crosses;
    order.priceUnits = req.priceUnits;
    order.qtyUnits = req.qtyUnits;
    order.postOnly = postOnly;
    this.answer({
      kind: 'order_replaced',
      orderId: req.orderId,
      requestSeq: req.seq,
      priceUnits: req.priceUnits,
      qtyUnits: req.qtyUnits,
      tsEventNs: now,
      tsLocalNs: now,
    });
    if (!losesPriority) return;
    this.live.splice(this.live.indexOf(order), 1);
    if (crosses) this.take(book, order, req.priceUnits, now, req.seq);
    if (order.filledUnits < order.qtyUnits) this.rest(book, order);
  }

  // -------------------------------------------------------------------------------- matching

  /** Opposite levels an order may take from, best first, up to its limit (undefined = market). */
  private reachable(book: Book, order: Order, limit: number | undefined): number[] {
    const side: Side = order.side === 'buy' ? 'ask' : 'bid';
    return this.sorted(book, side)
      .map(([p]) => p)
      .filter((p) => limit === undefined || (order.side === 'buy' ? p <= limit : p >= limit));
  }

  private available(book: Book, order: Order, limit: number | undefined): number {
    const side: Side = order.side === 'buy' ? 'ask' : 'bid';
    const lot = order.instrument.lotUnits;
    return this.reachable(book, order, limit).reduce((sum, p) => sum + lotFloor(this.untaken(book, side, p), lot), 0);
  }

  private take(book: Book, order: Order, limit: number | undefined, now: bigint, requestSeq: number): void {
    const side: Side = order.side === 'buy' ? 'ask' : 'bid';
    for (const price of this.reachable(book, order, limit)) {
      const remaining = order.qtyUnits - order.filledUnits;
      if (remaining === 0) return;
      const qty = Math.min(lotFloor(this.untaken(book, side, price), order.instrument.lotUnits), remaining);
      if (qty <= 0) continue;
      book.taken[side].set(price, (book.taken[side].get(price) ?? 0) + qty);
      this.fill(order, price, qty, 'taker', now, requestSeq);
    }
  }

  private rest(book: Book, order: Order): void {
    order.ahead = book.levels[order.side === 'buy' ? 'bid' : 'ask'].get(order.priceUnits) ?? 0;
    this.live.push(order);
  }

  private fill(
    order: Order,
    priceUnits: number,
    qtyUnits: number,
    liquidity: Liquidity,
    now: bigint,
    requestSeq: number,
  ): void {
    order.filledUnits += qtyUnits;
    order.fills++;
    const final = order.filledUnits === order.qtyUnits;
    if (final && this.live.includes(order)) this.live.splice(this.live.indexOf(order), 1);
    const inst = order.instrument;
    const feeUnits = feeUnitsOf(
      inst,
      priceUnits,
      qtyUnits,
      liquidity === 'maker' ? inst.makerFeePpm : inst.takerFeePpm,
    );
    this.answer({
      kind: 'order_filled',
      orderId: order.orderId,
      requestSeq,
      fillId: `ref-${order.orderId}-${order.fills}`,
      priceUnits,
      qtyUnits,
      liquidity,
      feeUnits,
      final,
      tsEventNs: now,
      tsLocalNs: now,
    });
  }
}
