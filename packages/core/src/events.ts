/**
 * Events: the only cause of state change (SPEC.md L1). Readonly discriminated unions on `kind`.
 *
 * Every event carries:
 * - `seq`: processing position, a gap-free integer assigned when the event is appended to the
 *   stream (L3). A JS number; safe up to 2^53 events.
 * - `tsEventNs`: Event Time from the source, integer nanoseconds since the epoch (bigint).
 * - `tsLocalNs`: the runtime-local time at which the event entered the stream, integer ns
 *   (bigint). The only clock the core reads.
 * Prices/quantities are integer units as defined in instrument.ts.
 */

export type BookSide = 'bid' | 'ask';
export type OrderSide = 'buy' | 'sell';
export type Aggressor = 'buy' | 'sell' | 'unknown';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderType = 'limit' | 'market';
export type RequestKind = 'new' | 'replace' | 'cancel';
export type Liquidity = 'maker' | 'taker';

export interface EventHeader {
  readonly seq: number;
  readonly tsEventNs: bigint;
  readonly tsLocalNs: bigint;
}

// ---------------------------------------------------------------------------------- market

/**
 * One venue message worth of price-level changes, as flat columns so a runtime can point an
 * event at a slice of a columnar batch without allocating per level: rows `offset` ..
 * `offset + count - 1` of `sides` (0 = bid, 1 = ask), `prices` (price units) and `sizes`
 * (qty units; absolute size at the level, 0 = level removed).
 * `isSnapshot`: the rows are a full snapshot that replaces the whole book.
 */
export interface BookDeltaEvent extends EventHeader {
  readonly kind: 'book_delta';
  readonly instrument: string;
  /** Venue sequence number after this message (Binance `u`, OKX `seqId`); -1n if none. */
  readonly updateId: bigint;
  readonly isSnapshot: boolean;
  readonly offset: number;
  readonly count: number;
  readonly sides: ArrayLike<number>;
  readonly prices: ArrayLike<number>;
  readonly sizes: ArrayLike<number>;
}

export interface TradeEvent extends EventHeader {
  readonly kind: 'trade';
  readonly instrument: string;
  readonly tradeId: string;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly aggressor: Aggressor;
}

export interface BboEvent extends EventHeader {
  readonly kind: 'bbo';
  readonly instrument: string;
  readonly updateId: bigint;
  readonly bidPriceUnits: number;
  readonly bidQtyUnits: number;
  readonly askPriceUnits: number;
  readonly askQtyUnits: number;
}

export type MarketEvent = BookDeltaEvent | TradeEvent | BboEvent;

// ------------------------------------------------------------------------------- execution
// From the real or simulated venue. `orderId` is the core-assigned order key. `requestSeq` is
// the seq of the RequestSent this event answers (clears the inflight gate for that key), or -1
// when it answers no request (e.g. a fill of a resting order).

interface ExecutionHeader extends EventHeader {
  readonly orderId: number;
  readonly requestSeq: number;
}

export interface OrderAcceptedEvent extends ExecutionHeader {
  readonly kind: 'order_accepted';
  readonly venueOrderId: string;
}

export interface OrderRejectedEvent extends ExecutionHeader {
  readonly kind: 'order_rejected';
  readonly reason: string;
}

export interface OrderFilledEvent extends ExecutionHeader {
  readonly kind: 'order_filled';
  readonly fillId: string;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly liquidity: Liquidity;
  /** Fee in notional units (see instrument.ts); negative = rebate. */
  readonly feeUnits: bigint;
  /** true when this fill completes the order (Filled), false for a partial fill. */
  readonly final: boolean;
}

export interface OrderCancelledEvent extends ExecutionHeader {
  readonly kind: 'order_cancelled';
  /** 'requested' | 'ioc' | 'fok' | 'post_only' | 'self_trade' | venue-specific text. */
  readonly reason: string;
}

export interface OrderReplacedEvent extends ExecutionHeader {
  readonly kind: 'order_replaced';
  readonly priceUnits: number;
  readonly qtyUnits: number;
}

export interface CancelReplaceRejectedEvent extends ExecutionHeader {
  readonly kind: 'cancel_replace_rejected';
  readonly request: 'cancel' | 'replace';
  readonly reason: string;
}

export interface OrderExpiredEvent extends ExecutionHeader {
  readonly kind: 'order_expired';
}

export type ExecutionEvent =
  | OrderAcceptedEvent
  | OrderRejectedEvent
  | OrderFilledEvent
  | OrderCancelledEvent
  | OrderReplacedEvent
  | CancelReplaceRejectedEvent
  | OrderExpiredEvent;

// -------------------------------------------------------------------------- intent-related

/** Dispatch-time record of a request; for a `new` it creates the Order in state Submitted. */
export interface RequestSentEvent extends EventHeader {
  readonly kind: 'request_sent';
  readonly request: RequestKind;
  readonly orderId: number;
  readonly instrument: string;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  /** Limit price (new/replace); 0 for market orders and cancels. */
  readonly priceUnits: number;
  /** Order quantity (new/replace); 0 for cancels. */
  readonly qtyUnits: number;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly clientTag: string;
}

export interface IntentDeniedEvent extends EventHeader {
  readonly kind: 'intent_denied';
  readonly reason: string;
  readonly intentType: 'new' | 'replace' | 'cancel';
  readonly instrument: string;
  readonly orderId: number;
}

// --------------------------------------------------------------------------------- control

export interface SessionEvent extends EventHeader {
  readonly kind: 'session';
  readonly state: 'start' | 'end';
  readonly sessionId: string;
}

/**
 * A configuration version change, applied from this event on. `config`: the canonical JSON text
 * of the ConfigChange it introduces (risk limits, rate buckets; config-change.ts documents the
 * format, `encodeConfigChange` writes it), or '' when only the version label changes.
 */
export interface ConfigVersionEvent extends EventHeader {
  readonly kind: 'config_version';
  readonly version: string;
  readonly config: string;
}

export interface KillSwitchEvent extends EventHeader {
  readonly kind: 'kill_switch';
  readonly engaged: boolean;
  readonly reason: string;
}

export interface StrategyHaltedEvent extends EventHeader {
  readonly kind: 'strategy_halted';
  readonly reason: string;
}

/**
 * Operator pause (`paused: true`) or resume (`paused: false`) of the strategy: while paused the
 * strategy is not evaluated (no intents); open orders, queued work and operator actions
 * (kill switch, flatten) are untouched. Unlike `strategy_halted` it is reversible.
 */
export interface StrategyPausedEvent extends EventHeader {
  readonly kind: 'strategy_paused';
  readonly paused: boolean;
  readonly reason: string;
}

/**
 * Operator flatten: for each instrument with a non-zero position the core creates one
 * reduce-only IOC market order for the whole position (clientTag `flatten`), checked by risk
 * and sent through execution control like any other order.
 */
export interface FlattenEvent extends EventHeader {
  readonly kind: 'flatten';
  readonly reason: string;
}

export interface FeedHealthEvent extends EventHeader {
  readonly kind: 'feed_health';
  readonly instrument: string;
  readonly state: 'degraded' | 'restored';
  readonly reason: string;
}

export interface ReconciliationEvent extends EventHeader {
  readonly kind: 'reconciliation';
  readonly outcome: 'matched' | 'mismatch' | 'resolved';
  readonly detail: string;
}

export interface OrderDispositionEvent extends EventHeader {
  readonly kind: 'order_disposition';
  readonly orderId: number;
  readonly disposition: 'lost';
  readonly reason: string;
}

/** Appended by the runtime when it realises a Control Scheduling Obligation (SPEC.md §4). */
export interface ControlTimeEvent extends EventHeader {
  readonly kind: 'control_time';
  readonly dueTsLocalNs: bigint;
  readonly reason: 'rate_limit';
  readonly scope: string;
  /** `derivedAtSeq` of the obligation being realised. */
  readonly obligationSeq: number;
}

export type ControlEvent =
  | SessionEvent
  | ConfigVersionEvent
  | KillSwitchEvent
  | StrategyHaltedEvent
  | StrategyPausedEvent
  | FlattenEvent
  | FeedHealthEvent
  | ReconciliationEvent
  | OrderDispositionEvent
  | ControlTimeEvent;

export type Event = MarketEvent | ExecutionEvent | RequestSentEvent | IntentDeniedEvent | ControlEvent;
export type EventKind = Event['kind'];

/** An event before the stream assigned its position. */
export type EventDraft<E extends Event = Event> = E extends Event ? Omit<E, 'seq'> : never;

export const MARKET_EVENT_KINDS = ['book_delta', 'trade', 'bbo'] as const;
export const EXECUTION_EVENT_KINDS = [
  'order_accepted',
  'order_rejected',
  'order_filled',
  'order_cancelled',
  'order_replaced',
  'cancel_replace_rejected',
  'order_expired',
] as const;
export const CONTROL_EVENT_KINDS = [
  'session',
  'config_version',
  'kill_switch',
  'strategy_halted',
  'feed_health',
  'reconciliation',
  'order_disposition',
  'control_time',
  'strategy_paused',
  'flatten',
] as const;
