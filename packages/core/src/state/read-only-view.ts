/**
 * Read-only facades over live engine state, so what the StateView hands a strategy or a risk
 * rule cannot change the engine (SPEC.md §4: the strategy gets a read-only view), not only by
 * type. Books, orders and positions are facades made once per record: getters and methods
 * that read the record, no setters, frozen, so reading allocates nothing. Pending commands, the
 * last trade and instruments, which are plain data, are handed out as frozen copies.
 */
import type { TradeEvent } from '../events.ts';
import type { Instrument } from '../instrument.ts';
import type { PendingCommand } from '../execution/dominance.ts';
import type { BookView, OrderStatus, OrderView, PendingView, PositionView } from './view.ts';

/** The BookView of a live book: its readers only (the book's sides and setters stay inside). */
export class BookFacade implements BookView {
  readonly instrument: string;
  constructor(private readonly book: BookView) {
    this.instrument = book.instrument;
    Object.freeze(this);
  }
  get bidLevels() {
    return this.book.bidLevels;
  }
  get askLevels() {
    return this.book.askLevels;
  }
  bidPrice(level?: number) {
    return this.book.bidPrice(level);
  }
  bidQty(level?: number) {
    return this.book.bidQty(level);
  }
  askPrice(level?: number) {
    return this.book.askPrice(level);
  }
  askQty(level?: number) {
    return this.book.askQty(level);
  }
  mid() {
    return this.book.mid();
  }
  spread() {
    return this.book.spread();
  }
  microprice() {
    return this.book.microprice();
  }
  imbalance(depth?: number) {
    return this.book.imbalance(depth);
  }
}

/** The OrderView of a live order record. */
export class OrderFacade implements OrderView {
  constructor(private readonly o: OrderView) {
    Object.freeze(this);
  }
  get orderId() {
    return this.o.orderId;
  }
  get instrument() {
    return this.o.instrument;
  }
  get side() {
    return this.o.side;
  }
  get orderType() {
    return this.o.orderType;
  }
  get priceUnits() {
    return this.o.priceUnits;
  }
  get qtyUnits() {
    return this.o.qtyUnits;
  }
  get filledQtyUnits() {
    return this.o.filledQtyUnits;
  }
  get status(): OrderStatus {
    return this.o.status;
  }
  get timeInForce() {
    return this.o.timeInForce;
  }
  get postOnly() {
    return this.o.postOnly;
  }
  get reduceOnly() {
    return this.o.reduceOnly;
  }
  get clientTag() {
    return this.o.clientTag;
  }
  get inflight() {
    return this.o.inflight;
  }
}

/** The PositionView of a live position record. */
export class PositionFacade implements PositionView {
  constructor(private readonly p: PositionView) {
    Object.freeze(this);
  }
  get instrument() {
    return this.p.instrument;
  }
  get qtyUnits() {
    return this.p.qtyUnits;
  }
  get avgPrice() {
    return this.p.avgPrice;
  }
  get costUnits() {
    return this.p.costUnits;
  }
  get realizedPnlUnits() {
    return this.p.realizedPnlUnits;
  }
  get feesUnits() {
    return this.p.feesUnits;
  }
  get settlementCurrency() {
    return this.p.settlementCurrency;
  }
  get settlementDecimals() {
    return this.p.settlementDecimals;
  }
}

/** A frozen copy of a queued command's public fields (the queue entry itself stays inside). */
export function pendingSnapshot(c: PendingCommand): PendingView {
  return Object.freeze({ orderId: c.orderId, request: c.request, instrument: c.instrument, side: c.side, priceUnits: c.priceUnits, qtyUnits: c.qtyUnits, clientTag: c.clientTag });
}

/** A frozen copy of a trade event (the runtime's event object is not ours to freeze). */
export function tradeSnapshot(t: TradeEvent): TradeEvent {
  return Object.freeze({ ...t });
}

/**
 * Frozen copies of the configured instruments (the engine keeps its own). Copied with
 * Object.assign, not spread: this runs once per engine, so the spread had no type feedback and
 * gave each engine's copies a map of their own — a strategy optimised in one run of a sweep
 * worker deoptimised ("wrong map" at `inst.id`) in every later run. Object.assign builds the copy
 * by the shared property transitions: the same map in every run.
 */
export function instrumentSnapshots(instruments: readonly Instrument[]): readonly Instrument[] {
  return Object.freeze(instruments.map((i) => Object.freeze(Object.assign({}, i))));
}
