/**
 * The derived state of one engine: Market, Execution (with the Execution Control substate) and
 * Control domains (SPEC.md §3). Plain mutable records owned by the core; the strategy sees them
 * through the readonly StateView types, which these records implement directly so that reading
 * state allocates nothing.
 */
import type { EventKind, OrderSide, OrderType, ReconciliationEvent, RequestKind, TimeInForce, TradeEvent } from '../events.ts';
import type { Instrument } from '../instrument.ts';
import type { BookView, ExecutionCountersView, OrderStatus, OrderView, PositionView } from './view.ts';
import { BookFacade, OrderFacade, PositionFacade, tradeSnapshot } from './read-only-view.ts';
import { L2Book } from '../market/book.ts';
import { averageEntryPrice, contractTerms } from '../contract-value.ts';
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
  // Kinds added later go last: the index of every earlier kind (and so the hash layout) stays.
  'strategy_paused',
  'flatten',
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

  /**
   * Venue fill ids applied to this order (a duplicate is counted, never applied): the first
   * inline, the rest in a set made on the second fill, so a once-filled order costs no Set.
   */
  private firstFillId: string | null = null;
  private moreFillIds: Set<string> | null = null;

  hasFill(fillId: string): boolean {
    return this.firstFillId === fillId || (this.moreFillIds?.has(fillId) ?? false);
  }

  addFill(fillId: string): void {
    if (this.firstFillId === null) this.firstFillId = fillId;
    else (this.moreFillIds ??= new Set()).add(fillId);
  }

  /** What the StateView hands out for this order: read-only, made once. */
  get view(): OrderView {
    return (this.facade ??= new OrderFacade(this));
  }
  private facade: OrderView | undefined = undefined;
}

/**
 * Position with exact accounting in settlement units (contract-value.ts): the basis
 * `costUnits` is the sum of the signed values of the open fills (linear q × P × m, inverse
 * −q × m / P), realised PnL = value of the closed quantity at the exit price − its basis share.
 * Identity kept at every fill: costUnits − realizedPnlUnits = Σ signed fill values (buy +).
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
  /** Σ signed fill values in settlement units (for spot also the quote cash flow, before fees). */
  fillValueSum = 0n;
  fillCount = 0;
  readonly instrument: string;
  readonly settlementCurrency: string;
  readonly settlementDecimals: number;

  /** `spec` absent: a position of an instrument the engine does not know (always flat). */
  constructor(private readonly spec: Instrument | string) {
    this.instrument = typeof spec === 'string' ? spec : spec.id;
    const terms = typeof spec === 'string' ? null : contractTerms(spec);
    this.settlementCurrency = terms?.settlementCurrency ?? '';
    this.settlementDecimals = terms?.settlementDecimals ?? 0;
  }

  get avgPrice(): number {
    if (this.qtyUnits === 0 || typeof this.spec === 'string') return NaN;
    return averageEntryPrice(this.spec, this.qtyUnits, this.costUnits);
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

  /** Multiplies settlement units into units of the settlement currency's balance (10^(balance − settlement decimals)). */
  settlementToBalance = 1n;
  /** Spot: multiplies qty units into units of the base currency's balance. */
  baseToBalance = 1n;

  /** What the StateView hands out: read-only facades over the book and the position, made once. */
  readonly bookView: BookView;
  readonly positionView: PositionView;
  /** Frozen copy of lastTrade handed to the view (remade when lastTrade changes). */
  private tradeView: TradeEvent | undefined = undefined;
  private tradeViewOf: TradeEvent | undefined = undefined;

  constructor(readonly instrument: Instrument) {
    this.book = new L2Book(instrument.id, instrument.tickUnits);
    this.position = new PositionRecord(instrument);
    this.bookView = new BookFacade(this.book);
    this.positionView = new PositionFacade(this.position);
  }

  lastTradeView(): TradeEvent | undefined {
    const t = this.lastTrade;
    if (t !== this.tradeViewOf) {
      this.tradeViewOf = t;
      this.tradeView = t === undefined ? undefined : tradeSnapshot(t);
    }
    return this.tradeView;
  }
}

export interface OutstandingObligation {
  readonly dueTsLocalNs: bigint;
  readonly derivedAtSeq: number;
}

/** Execution Control counters (hashed, usable by analytics). */
export class ExecutionCounters implements ExecutionCountersView {
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
  /** order_filled events repeating an (orderId, fillId) already applied: recorded, counted, never applied. */
  duplicateFills = 0;
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
  /** Balances by currency, in units of 10^-balanceDecimals(currency) (contract-value.ts balanceDecimals). */
  readonly balances = new Map<string, bigint>();
  /** Decimal places of each currency's balance units; absent = as given in the configuration. */
  balanceDecimals: ReadonlyMap<string, number> = new Map();
  /** Balances before the first event (configuration, not hashed): the base of the balance reconciliation. */
  initialBalances: ReadonlyMap<string, bigint> = new Map();
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
  /** Canonical text of the last configuration change applied (config-change.ts); '' = the starting configuration. */
  configText = '';
  killSwitch = false;
  strategyHalted = false;
  /** Operator pause (strategy_paused): the strategy is not evaluated while set. */
  strategyPaused = false;
  /**
   * Operator actions derived in this step, turned into intents when the step decides
   * (operator-actions.ts) and cleared there: never set between steps, so not hashed.
   */
  cancelAllRequested = false;
  flattenRequested = false;
  /** A strategy_halted draft was returned and not yet processed. */
  haltRequested = false;
  consecutiveFailures = 0;
  lastReconciliation: '' | ReconciliationEvent['outcome'] = '';
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
