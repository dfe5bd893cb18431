/**
 * The seams of the live runtime (SPEC.md §5 "Live runtime"): what the session loop needs from
 * a clock, from the market input, from a venue adapter, and what it offers the control surface.
 * Each part of the package implements one side of one of these interfaces; the session
 * (session-runtime) wires them together. Nothing here does I/O.
 */
import type { Event, EventDraft, Instrument, MarketEvent, RateBucketConfig } from '@chassis/core';
import type { PushVenueAdapter } from '@chassis/venues';

// ---------------------------------------------------------------------------------- clocks

/** Wall-clock nanoseconds since the Unix epoch that never go backwards (tsLocal of every live event). */
export interface LiveClock {
  nowNs(): bigint;
}

/** A cancellable one-shot timer. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Real-time scheduling: runs `fn` as soon as the wall clock reaches `atNs` (immediately on the
 * next turn of the event loop if it already has). The live runtime realises obligations with it;
 * the paper venue delivers simulated answers with it. Tests may substitute a manual scheduler.
 */
export interface Scheduler {
  at(atNs: bigint, fn: () => void): TimerHandle;
}

// ---------------------------------------------------------------------------- market input

/**
 * What the market input hands the session: canonical market events stamped with the wall clock
 * on receipt (tsLocalNs), and feed health changes per instrument. The session appends each to
 * the stream (journal first) and steps the core.
 */
export interface MarketInputSink {
  market(event: EventDraft<MarketEvent>): void;
  /** A gap, a silent feed or a resync in progress (`degraded`), or a book in sync again (`restored`). */
  feedHealth(instrument: string, state: 'degraded' | 'restored', reason: string): void;
}

export interface MarketInput {
  /** Opens the venue connections (and the session's raw recording); events flow to the sink. */
  start(sink: MarketInputSink): void;
  /** Closes connections and finishes the raw recording (manifest published). */
  stop(reason: string): Promise<void>;
}

// --------------------------------------------------------------------------- venue adapters

/** An order as the venue reports it, in the instrument's integer units. */
export interface VenueOrderState {
  /** The core's order id when the client order id is one of ours (client-order-id.ts), else null. */
  readonly orderId: number | null;
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly instrument: string;
  readonly side: 'buy' | 'sell';
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly filledQtyUnits: number;
  /** Normalised venue status. */
  readonly status: 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected' | 'expired' | 'unknown';
}

export interface VenuePosition {
  readonly instrument: string;
  /** Signed quantity in the instrument's size units (long > 0). */
  readonly qtyUnits: number;
}

export interface VenueBalance {
  readonly asset: string;
  /** Wallet balance as the venue states it, exact decimal text. */
  readonly amount: string;
}

/** One account trade (a fill) as the venue reports it; `fillId` is the venue's trade id. */
export interface VenueFill {
  readonly orderId: number | null;
  readonly clientOrderId: string;
  readonly fillId: string;
  readonly instrument: string;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly liquidity: 'maker' | 'taker';
  /** Fee in the instrument's settlement units (as OrderFilledEvent.feeUnits). */
  readonly feeUnits: bigint;
  readonly tsEventNs: bigint;
}

/** The venue's view of the account, for reconciliation. */
export interface VenueAccountState {
  readonly openOrders: readonly VenueOrderState[];
  readonly positions: readonly VenuePosition[];
  readonly balances: readonly VenueBalance[];
  /** Venue time (ns) at which the state was read. */
  readonly asOfNs: bigint;
}

/** Connectivity of the order/user-data side, as the session needs to know it. */
export interface VenueLinkEvent {
  readonly type: 'connected' | 'disconnected' | 'reconnected' | 'stream-rotated';
  readonly reason: string;
}

/**
 * A live venue: the push adapter of @chassis/venues plus what reconciliation and uncertain
 * outcomes need. Answers are pushed as execution-event drafts WITHOUT tsLocalNs meaning anything
 * (the session stamps its wall clock on receipt); `tsEventNs` is the venue's time.
 *
 * Rules every adapter keeps:
 * - a request whose outcome is unknown (timeout, dropped connection, 503) is resolved by
 *   `queryOrder`, never by sending it again;
 * - after every reconnect it pushes the answers for what happened during the gap (from open
 *   orders and recent account trades), each fill once (dedup by venue trade id);
 * - client order ids are derived deterministically from the core's order ids (client-order-id.ts).
 */
export interface LiveVenueAdapter extends PushVenueAdapter {
  readonly venue: string;
  fetchAccountState(): Promise<VenueAccountState>;
  /** The venue's record of one of our orders, by the core's order id; null if the venue does not know it. */
  queryOrder(orderId: number, instrument: string): Promise<VenueOrderState | null>;
  /** Account trades at or after `sinceNs` (venue time), oldest first. */
  recentFills(sinceNs: bigint, instrument: string): Promise<readonly VenueFill[]>;
  /** Cancels one venue order that is not ours (reconciliation policy `cancel`). */
  cancelForeign(order: VenueOrderState): Promise<void>;
  onLink(listener: (event: VenueLinkEvent) => void): void;
  /** Execution-control buckets implied by the venue's published limits (defaults for live.yaml). */
  rateBuckets(): readonly RateBucketConfig[];
}

// ------------------------------------------------------------------------- control surface

export interface SessionStatus {
  readonly sessionId: string;
  readonly mode: 'paper' | 'live';
  readonly venue: string;
  readonly state: 'starting' | 'recovering' | 'reconciling' | 'running' | 'paused' | 'killed' | 'stopping' | 'stopped';
  readonly lastSeq: number;
  readonly stateHash: string;
  readonly killSwitch: boolean;
  readonly strategyPaused: boolean;
  readonly reconciliation: 'matched' | 'mismatch' | 'resolved' | 'pending';
  readonly feeds: Readonly<Record<string, 'healthy' | 'degraded'>>;
  readonly openOrders: number;
  readonly positions: Readonly<Record<string, string>>;
  readonly configVersion: string;
}

/**
 * What the control API may ask of a running session. Every action that changes anything is
 * appended as a control event and goes through the core (risk and execution control): no
 * method here bypasses them. Each resolves once its event is durable in the journal.
 */
export interface SessionControl {
  status(): SessionStatus;
  pause(reason: string): Promise<void>;
  resume(reason: string): Promise<void>;
  kill(reason: string): Promise<void>;
  flatten(reason: string): Promise<void>;
  /** A new configuration version (YAML text of a live.yaml); validated first, refused with a reason. */
  setConfig(yamlText: string): Promise<{ readonly version: string }>;
  /** Reconcile now; resolves with the report's path. */
  reconcile(): Promise<string>;
}

/** Events of a session as they are appended (monitoring, tests). */
export type SessionListener = (event: Event) => void;

export type { Instrument };
