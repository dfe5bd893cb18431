/**
 * The read-only view of state a strategy (and risk rules) receive. Prices/quantities in
 * integer units (instrument.ts). Methods return NaN when a value does not exist (empty side).
 */
import type { Instrument } from '../instrument.ts';
import type { EventKind, OrderSide, OrderType, RequestKind, TimeInForce, TradeEvent } from '../events.ts';

export interface BookView {
  readonly instrument: string;
  /** Number of non-empty levels on each side. */
  readonly bidLevels: number;
  readonly askLevels: number;
  /** Price of the level-th best bid (0 = best), NaN if absent. */
  bidPrice(level?: number): number;
  bidQty(level?: number): number;
  askPrice(level?: number): number;
  askQty(level?: number): number;
  /** Analytics (floats, in price units): (bid+ask)/2, ask-bid, size-weighted microprice, (bidQty-askQty)/(bidQty+askQty) over `depth` levels. */
  mid(): number;
  spread(): number;
  microprice(): number;
  imbalance(depth?: number): number;
}

export type OrderStatus = 'submitted' | 'accepted' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';

export interface OrderView {
  readonly orderId: number;
  readonly instrument: string;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly filledQtyUnits: number;
  readonly status: OrderStatus;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly clientTag: string;
  /** Request of this key currently inflight (dispatched, outcome not yet seen), or null. */
  readonly inflight: RequestKind | null;
}

/** A queued (allowed, not yet dispatched) command, by order key. */
export interface PendingView {
  readonly orderId: number;
  readonly request: RequestKind;
  readonly instrument: string;
  readonly side: OrderSide;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly clientTag: string;
}

export interface PositionView {
  readonly instrument: string;
  /** Signed: long > 0, short < 0. */
  readonly qtyUnits: number;
  /** Average entry price in price units (float analytics; exact cost is costUnits); harmonic for inverse contracts. */
  readonly avgPrice: number;
  /** Exact signed basis of the open position in settlement units: Σ fill values (contract-value.ts signedValueUnits). */
  readonly costUnits: bigint;
  /** Realised PnL and fees paid, in settlement units. */
  readonly realizedPnlUnits: bigint;
  readonly feesUnits: bigint;
  /** Asset PnL, fees and cost are in: the quote asset (spot, linear) or the base asset (inverse); '' for an unknown instrument. */
  readonly settlementCurrency: string;
  /** One unit of costUnits/realizedPnlUnits/feesUnits = 10^-settlementDecimals of settlementCurrency. */
  readonly settlementDecimals: number;
}

/** Execution Control counters since the first event (what was admitted, sent, dropped, refused). */
export interface ExecutionCountersView {
  readonly admitted: number;
  readonly denied: number;
  readonly superseded: number;
  readonly annihilated: number;
  readonly discarded: number;
  readonly dispatched: number;
  readonly droppedInvalid: number;
  readonly rateLimitedPasses: number;
  /** Execution events for terminal orders: recorded, never applied. */
  readonly lateEvents: number;
  readonly unknownOrderEvents: number;
  readonly refusedTransitions: number;
  /** order_filled events repeating an (orderId, fillId) already applied: recorded, never applied. */
  readonly duplicateFills: number;
}

export interface ExecutionView {
  order(orderId: number): OrderView | undefined;
  /** Non-terminal orders, ascending orderId; optionally for one instrument. */
  openOrders(instrument?: string): readonly OrderView[];
  /** Pending queue entries in admission order. */
  pending(instrument?: string): readonly PendingView[];
  position(instrument: string): PositionView;
  /** Balance by currency, in units of 10^-balanceDecimals(currency). */
  balance(currency: string): bigint;
  /** Decimal places of a currency's balance units: the finest settlement precision among the instruments settling in it (0 if none). */
  balanceDecimals(currency: string): number;
  /** A frozen copy of the counters now. */
  counters(): ExecutionCountersView;
}

export interface ControlView {
  readonly sessionActive: boolean;
  readonly configVersion: string;
  readonly killSwitch: boolean;
  readonly strategyHalted: boolean;
  /** Operator pause (strategy_paused): while true the strategy is not evaluated; orders are untouched. */
  readonly strategyPaused: boolean;
  /** Outcome of the last reconciliation event, '' before any; while 'mismatch' risk denies new and replace intents. */
  readonly lastReconciliation: '' | 'matched' | 'mismatch' | 'resolved';
  feedDegraded(instrument: string): boolean;
  /** Count of processed events of a kind: usable as a deterministic decision trigger. */
  eventCount(kind: EventKind): number;
  readonly lastSeq: number;
  /** tsLocalNs of the last processed event: the only clock. */
  readonly nowNs: bigint;
}

export interface StateView {
  instrument(id: string): Instrument | undefined;
  readonly instruments: readonly Instrument[];
  readonly market: {
    book(instrument: string): BookView | undefined;
    lastTrade(instrument: string): TradeEvent | undefined;
  };
  readonly execution: ExecutionView;
  readonly control: ControlView;
}
