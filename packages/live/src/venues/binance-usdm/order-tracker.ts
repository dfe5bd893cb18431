/**
 * What the adapter knows about each of our orders, and the rule that every venue answer reaches
 * the session exactly once, whichever way it arrives. The same fact can reach us up to three
 * times — the REST answer to our request, the user-data stream, and a later query (uncertain
 * outcome, reconnect repair) — in any order. The tracker turns observations into execution
 * event drafts:
 * - `order_accepted` once, before anything else of the order (the venue's NEW);
 * - each fill once, by venue trade id, `final` when the filled quantity reaches the order's;
 * - `order_replaced` once per replace request whose price and quantity the venue shows;
 * - one terminal event (cancelled, expired), held back until every fill the venue counted
 *   (`executedQty`) has been passed on, so a position never misses a fill that preceded a cancel;
 * - rejections of a request (`order_rejected`, `cancel_replace_rejected`) with the venue's reason.
 * `requestSeq` of an answer is the seq of the RequestSent it answers (the inflight request of
 * that order), -1 for what answers no request (a fill of a resting order).
 * Nothing is emitted for a terminal order: a late venue message changes nothing.
 */
import type { EventDraft, ExecutionEvent, Instrument, Liquidity, OrderSide, RequestSentEvent } from '@chassis/core';
import type { BinanceOrderStatus } from './wire.ts';

export type ExecutionDraft = EventDraft<ExecutionEvent>;

/** An order as one venue message shows it, in the instrument's integer units. */
export interface OrderSnapshot {
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly status: BinanceOrderStatus;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  /** Quantity the venue has filled so far (`executedQty`, `z`). */
  readonly executedQtyUnits: number;
  /** Venue time of the message, ms. */
  readonly tsMs: number;
  /** Venue's words for a cancel or expiry when it gives any (expiry reason, execution type). */
  readonly reason?: string;
}

/** One account trade (a fill of one of our orders). */
export interface TradeObservation {
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly tradeId: string;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly liquidity: Liquidity;
  readonly feeUnits: bigint;
  readonly tsMs: number;
  /** The order's quantity as the message carrying the fill states it (stream `q`), when it does. */
  readonly orderQtyUnits?: number;
}

interface Inflight {
  readonly seq: number;
  readonly request: 'new' | 'replace' | 'cancel';
  readonly priceUnits: number;
  readonly qtyUnits: number;
  /** Sent, but the venue's answer was lost (timeout, dropped connection, 503 unknown). */
  uncertain: boolean;
}

export interface TrackedOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly instrument: Instrument;
  readonly side: OrderSide;
  venueOrderId: string;
  accepted: boolean;
  terminal: boolean;
  priceUnits: number;
  qtyUnits: number;
  /** False for an order this process first met through a replace or cancel: its quantity comes from the venue's next word on it. */
  qtyKnown: boolean;
  /** Sum of the fills passed on. */
  filledQtyUnits: number;
  readonly fillIds: Set<string>;
  /** Venue time of the last fill passed on, ms (where the next userTrades query starts). */
  lastFillMs: number;
  inflight: Inflight | null;
  /** A cancel/expiry the venue reported while fills it counted are still missing here. */
  pendingTerminal: {
    readonly kind: 'order_cancelled' | 'order_expired';
    readonly reason: string;
    readonly executedQtyUnits: number;
    readonly tsMs: number;
  } | null;
}

/** Orders kept after they end, so late duplicates are recognised; oldest forgotten first. */
const RETIRED_KEPT = 10_000;

const ns = (ms: number): bigint => BigInt(ms) * 1_000_000n;

export class OrderTracker {
  private readonly orders = new Map<string, TrackedOrder>();
  private readonly retired: string[] = [];
  /** Fills seen twice (stream and query), not passed on again. */
  duplicateFills = 0;

  constructor(private readonly emit: (draft: ExecutionDraft) => void) {}

  get(clientOrderId: string): TrackedOrder | undefined {
    return this.orders.get(clientOrderId);
  }

  /** Orders not yet terminal, in the order they were first tracked. */
  open(): TrackedOrder[] {
    return [...this.orders.values()].filter((o) => !o.terminal);
  }

  /**
   * A request leaves: a `new` starts tracking the order; a replace or cancel sets the order's
   * inflight request. An order this process never saw (resumed session) is tracked from here on
   * as accepted: the core sends replace and cancel only for orders the venue answered.
   */
  begin(request: RequestSentEvent, clientOrderId: string, instrument: Instrument): TrackedOrder {
    let order = this.orders.get(clientOrderId);
    if (order === undefined) {
      order = {
        orderId: request.orderId,
        clientOrderId,
        instrument,
        side: request.side,
        venueOrderId: '',
        accepted: request.request !== 'new',
        terminal: false,
        priceUnits: request.priceUnits,
        qtyUnits: request.request === 'new' ? request.qtyUnits : Number.MAX_SAFE_INTEGER,
        qtyKnown: request.request === 'new',
        filledQtyUnits: 0,
        fillIds: new Set(),
        lastFillMs: 0,
        inflight: null,
        pendingTerminal: null,
      };
      this.orders.set(clientOrderId, order);
    }
    order.inflight = {
      seq: request.seq,
      request: request.request,
      priceUnits: request.priceUnits,
      qtyUnits: request.qtyUnits,
      uncertain: false,
    };
    return order;
  }

  /**
   * Tracks an order of ours that this process did not send (resumed session: a fill or cancel
   * of an order placed before the restart), from what the venue shows.
   */
  adopt(
    orderId: number,
    clientOrderId: string,
    instrument: Instrument,
    side: OrderSide,
    snapshot: OrderSnapshot,
    filledBeforeUnits: number,
  ): TrackedOrder {
    const existing = this.orders.get(clientOrderId);
    if (existing !== undefined) return existing;
    const order: TrackedOrder = {
      orderId,
      clientOrderId,
      instrument,
      side,
      venueOrderId: snapshot.venueOrderId,
      accepted: true,
      terminal: false,
      priceUnits: snapshot.priceUnits,
      qtyUnits: snapshot.qtyUnits,
      qtyKnown: true,
      filledQtyUnits: filledBeforeUnits,
      fillIds: new Set(),
      lastFillMs: 0,
      inflight: null,
      pendingTerminal: null,
    };
    this.orders.set(clientOrderId, order);
    return order;
  }

  markUncertain(clientOrderId: string): void {
    const inflight = this.orders.get(clientOrderId)?.inflight;
    if (inflight) inflight.uncertain = true;
  }

  /** What the venue shows of an order (REST answer, stream update, query, open orders). */
  observeOrder(s: OrderSnapshot): void {
    const order = this.orders.get(s.clientOrderId);
    if (order === undefined || order.terminal) return;
    if (s.venueOrderId !== '') order.venueOrderId = s.venueOrderId;
    if (s.status === 'REJECTED') {
      this.reject(order, s.reason ?? 'rejected by the venue', s.tsMs);
      return;
    }
    this.accept(order, s.tsMs);
    if (!order.qtyKnown) {
      order.qtyUnits = s.qtyUnits;
      order.qtyKnown = true;
    }
    const inflight = order.inflight;
    if (inflight?.request === 'replace' && s.priceUnits === inflight.priceUnits && s.qtyUnits === inflight.qtyUnits) {
      order.priceUnits = s.priceUnits;
      order.qtyUnits = s.qtyUnits;
      order.inflight = null;
      this.push(
        order,
        { kind: 'order_replaced', priceUnits: s.priceUnits, qtyUnits: s.qtyUnits },
        inflight.seq,
        s.tsMs,
      );
    } else if (s.status === 'NEW' || s.status === 'PARTIALLY_FILLED') {
      // An amendment we did not ask for in this process (or already answered): keep the venue's numbers.
      if (inflight?.request !== 'replace') {
        order.priceUnits = s.priceUnits;
        order.qtyUnits = s.qtyUnits;
      }
    }
    if (s.status === 'CANCELED' || s.status === 'EXPIRED' || s.status === 'EXPIRED_IN_MATCH') {
      const kind = s.status === 'CANCELED' ? 'order_cancelled' : 'order_expired';
      const reason = s.reason ?? (inflight?.request === 'cancel' ? 'requested' : s.status.toLowerCase());
      order.pendingTerminal = { kind, reason, executedQtyUnits: s.executedQtyUnits, tsMs: s.tsMs };
      this.flushTerminal(order);
    }
  }

  /** One fill; passed on once per trade id. */
  observeTrade(t: TradeObservation): void {
    const order = this.orders.get(t.clientOrderId);
    if (order === undefined || order.terminal) return;
    if (order.fillIds.has(t.tradeId)) {
      this.duplicateFills++;
      return;
    }
    if (t.venueOrderId !== '') order.venueOrderId = t.venueOrderId;
    this.accept(order, t.tsMs);
    order.fillIds.add(t.tradeId);
    order.filledQtyUnits += t.qtyUnits;
    order.lastFillMs = Math.max(order.lastFillMs, t.tsMs);
    if (t.orderQtyUnits !== undefined) {
      order.qtyUnits = t.orderQtyUnits;
      order.qtyKnown = true;
    }
    const final = order.qtyKnown && order.filledQtyUnits >= order.qtyUnits;
    this.push(
      order,
      {
        kind: 'order_filled',
        fillId: t.tradeId,
        priceUnits: t.priceUnits,
        qtyUnits: t.qtyUnits,
        liquidity: t.liquidity,
        feeUnits: t.feeUnits,
        final,
      },
      -1,
      t.tsMs,
    );
    if (final) this.retire(order);
    else this.flushTerminal(order);
  }

  /** The venue refused the order's inflight request (a definite answer, with its reason). */
  refuse(clientOrderId: string, reason: string, tsMs: number): void {
    const order = this.orders.get(clientOrderId);
    if (order === undefined || order.terminal || order.inflight === null) return;
    const inflight = order.inflight;
    if (inflight.request === 'new') {
      this.reject(order, reason, tsMs);
      return;
    }
    order.inflight = null;
    this.push(order, { kind: 'cancel_replace_rejected', request: inflight.request, reason }, inflight.seq, tsMs);
  }

  /** Fills the venue counted that have not been passed on yet (a query must fetch them). */
  missingFillUnits(clientOrderId: string): number {
    const order = this.orders.get(clientOrderId);
    return order?.pendingTerminal ? order.pendingTerminal.executedQtyUnits - order.filledQtyUnits : 0;
  }

  private reject(order: TrackedOrder, reason: string, tsMs: number): void {
    const seq = order.inflight?.request === 'new' ? order.inflight.seq : -1;
    order.inflight = null;
    this.push(order, { kind: 'order_rejected', reason }, seq, tsMs);
    this.retire(order);
  }

  private accept(order: TrackedOrder, tsMs: number): void {
    if (order.accepted) return;
    order.accepted = true;
    const seq = order.inflight?.request === 'new' ? order.inflight.seq : -1;
    if (order.inflight?.request === 'new') order.inflight = null;
    this.push(order, { kind: 'order_accepted', venueOrderId: order.venueOrderId }, seq, tsMs);
  }

  private flushTerminal(order: TrackedOrder): void {
    const pending = order.pendingTerminal;
    if (pending === null || order.filledQtyUnits < pending.executedQtyUnits) return;
    const seq = order.inflight?.seq ?? -1;
    order.inflight = null;
    if (pending.kind === 'order_cancelled')
      this.push(order, { kind: 'order_cancelled', reason: pending.reason }, seq, pending.tsMs);
    else this.push(order, { kind: 'order_expired' }, seq, pending.tsMs);
    this.retire(order);
  }

  private retire(order: TrackedOrder): void {
    order.terminal = true;
    order.inflight = null;
    order.pendingTerminal = null;
    this.retired.push(order.clientOrderId);
    if (this.retired.length > RETIRED_KEPT) this.orders.delete(this.retired.shift()!);
  }

  private push(order: TrackedOrder, body: DistributiveBody, requestSeq: number, tsMs: number): void {
    this.emit({ ...body, orderId: order.orderId, requestSeq, tsEventNs: ns(tsMs), tsLocalNs: 0n } as ExecutionDraft);
  }
}

type DistributiveBody = ExecutionDraft extends infer D
  ? D extends ExecutionDraft
    ? Omit<D, 'orderId' | 'requestSeq' | 'tsEventNs' | 'tsLocalNs'>
    : never
  : never;
