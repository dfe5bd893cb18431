/**
 * The derived state of one engine: Market, Execution (with the Execution Control substate) and
 * Control domains (SPEC.md §3). Plain mutable records owned by the core; the strategy sees them
 * through the readonly StateView types, which these records implement directly so that reading
 * state allocates nothing.
 */
// @ts-nocheck

import type { EventKind, OrderSide, OrderType, RequestKind, TimeInForce, TradeEvent } from '../events.ts';
import type { Instrument } from '../instrument.ts';
import type { OrderStatus, OrderView, PositionView } from './view.ts';
import { L2Book } from '../market/book.ts';
import { Fnv1a64 } from './state-hash.ts';
import type { RateBucket } from '../execution/rate-bucket.ts';
import type { PendingCommand } from '../execution/dominance.ts';
import { TradeTape } from './trade-tape.ts';

export const EVENT_KINDS: readonly EventKind[] = [
  'book_delta',
  'trade',
  'bbo',
  'order_accepted',
  'order_rejected',
  'order_filled',
  'order_cancelled',
  'order_replaced',
  'cancel_replace_rejected',
  'order_expired',
  'request_sent',
  'intent_denied',
  'session',
  'config_version',
  'kill_switch',
  'strategy_halted',
  'feed_health',
  'reconciliation',
  'order_disposition',
  'control_time',
];

/** Dense index per event kind, for typed-array counters and trigger tables. */
export const KIND_INDEX: Readonly<Record<EventKind, number>> = Object.fromEntries(EVENT_KINDS.map((k, i) => [k, i])) as Record<
  EventKind,
  number
>;

export class OrderRecord implements OrderView {
  status: OrderStatus = 'submitted';
  filledQtyUnits = 0;
  inflight: RequestKind | null = 'new';
  /** seq of the RequestSent currently inflight for this key, -1 if none. */
  inflightSeq: number;
  venueOrderId = '';
  /** Why the order ended: 'rejected:<reason>', 'cancelled:<reason>', 'expired', 'lost', 'filled'. */
  terminalReason = '';

  constructor(
    readonly orderId: number,
    readonly instrument: string,
    readonly side: OrderSide,
    readonly orderType: OrderType,
    public priceUnits: number,
    public qtyUnits: number,
    readonly timeInForce: TimeInForce,
    readonly postOnly: boolean,
    readonly reduceOnly: boolean,
    readonly clientTag: string,
    requestSeq: number,
  ) {
    this.inflightSeq = requestSeq;
  }

  get remainingQtyUnits(): number {
    return this.qtyUnits - this.filledQtyUnits;
  }
}

/**
 * Position with exact accounting in notional units (price units × qty units).
 * Identity kept at every fill: costUnits − realizedPnlUnits = Σ signed fill notional (buy +).
 * On a reduction the removed cost is cost × closed / |qty| truncated toward zero; the
 * remainder stays in the basis, so no unit is ever lost and a flat position has cost 0.
 */
export class PositionRecord implements PositionView {
  qtyUnits = 0;
  costUnits = 0n;
  realizedPnlUnits = 0n;
  feesUnits = 0n;
  /** Independent running sums for the invariants "positions = sum of fills" and balance reconciliation. */
  fillQtySum = 0;
  fillNotionalSum = 0n;
  fillCount = 0;

  constructor(readonly instrument: string) {}

  get avgPrice(): number {
    return this.qtyUnits === 0 ? NaN : Number(this.costUnits) / this.qtyUnits;
  }
}

export class InstrumentState {
  readonly book: L2Book;
  readonly position: PositionRecord;
  lastTrade: TradeEvent | undefined = undefined;
  /** Running totals of every trade applied (count, qty per aggressor, notional). */
  readonly tape = new TradeTape();
  feedDegraded = false;
  /** Rate bucket of the instrument's venue, or null when the venue is not rate limited. */
  bucket: RateBucket | null = null;
  /** Market events of this instrument may trigger the strategy. */
  triggers = true;

  constructor(readonly instrument: Instrument) {
    this.book = new L2Book(instrument.id);
    this.position = new PositionRecord(instrument.id);
  }
}

export interface OutstandingObligation {
  readonly dueTsLocalNs: bigint;
  readonly derivedAtSeq: number;
}

/** Execution Control counters (hashed, usable by analytics). */
export class ExecutionCounters {
  admitted = 0;
  denied = 0;
  superseded = 0;
  annihilated = 0;
  discarded = 0;
  dispatched = 0;
  droppedInvalid = 0;
  rateLimitedPasses = 0;
  /** Execution events for terminal orders: recorded, counted, never applied. */
  lateEvents = 0;
  /** Execution events naming an order key the core never dispatched. */
  unknownOrderEvents = 0;
  /** Execution events whose transition the lifecycle does not allow from a live status. */
  refusedTransitions = 0;
}

export class EngineState {
  // Market + per-instrument execution
  readonly instruments = new Map<string, InstrumentState>();
  // Execution
  readonly orders = new Map<number, OrderRecord>();
  /** Non-terminal orders. */
  readonly live = new Map<number, OrderRecord>();
  /**
   * Orders that became terminal since the last state hash, in the order they did; the hash
   * folds them into `retiredDigest` (terminal is final, so their fields never change again)
   * and then covers only live orders, keeping a checkpoint O(live orders), not O(all orders).
   */
  readonly retired: OrderRecord[] = [];
  readonly retiredDigest = new Fnv1a64();
  /** Pending effective command per order key; Map insertion order = admission order. */
  readonly queue = new Map<number, PendingCommand>();
  readonly balances = new Map<string, bigint>();
  readonly buckets = new Map<string, RateBucket>();
  readonly obligations = new Map<string, OutstandingObligation>();
  readonly counters = new ExecutionCounters();
  nextOrderId = 1;
  nextAdmission = 0;
  /** Digest of every fill so far, folded at fill time so the state hash covers fill history in O(1). */
  readonly fillDigest = new Fnv1a64();
  // Control
  sessionActive = false;
  sessionId = '';
  configVersion: string;
  killSwitch = false;
  strategyHalted = false;
  /** A strategy_halted draft was returned and not yet processed. */
  haltRequested = false;
  consecutiveFailures = 0;
  lastReconciliation = '';
  /** Feed health of ids that are not configured instruments (venue-wide feeds). */
  readonly otherFeedsDegraded = new Map<string, boolean>();
  readonly eventCounts = new Float64Array(EVENT_KINDS.length);
  lastSeq = -1;
  nowNs = -1n;
  /** Processing needs a queue pass even if time has not reached `wakeNs`. */
  queueDirty = false;
  /** Earliest tsLocal at which a rate-limited queue could make progress. */
  wakeNs = -1n;

  constructor(configVersion: string) {
    this.configVersion = configVersion;
  }
}
