/**
 * The columns analysis needs from one run, as typed arrays (one allocation per column, none per
 * event). Times are float64 milliseconds since the epoch (µs resolution is kept; analytics only,
 * never fed back into the engine). Prices and quantities are floats in instrument units
 * (quote currency per base unit; base units), money in quote currency.
 */
// @ts-nocheck

export interface FillColumns {
  readonly tsMs: Float64Array;
  /** +1 buy, -1 sell. */
  readonly side: Int8Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  /** Fee paid in quote currency (negative = rebate). */
  readonly fee: Float64Array;
  /** 1 maker, 0 taker. */
  readonly maker: Uint8Array;
}

/** Mid price path (from the market data the run replayed), non-decreasing time. */
export interface MidColumns {
  readonly tsMs: Float64Array;
  readonly mid: Float64Array;
}

/** Our resting quotes over time (best own bid/ask; NaN = none), for the price chart and time-in-market. */
export interface QuoteColumns {
  readonly tsMs: Float64Array;
  readonly bid: Float64Array;
  readonly ask: Float64Array;
}

/** Dispatched requests (RequestSent): kind 0 new, 1 replace, 2 cancel. */
export interface RequestColumns {
  readonly tsMs: Float64Array;
  readonly kind: Uint8Array;
  /** Request to venue answer, ms of simulated local time; NaN when never answered. */
  readonly latencyMs: Float64Array;
}

export interface RunCounters {
  readonly riskDenials: number;
  readonly rateLimitDeferrals: number;
  /** New orders that received at least one fill. */
  readonly ordersFilled: number;
  readonly events: number;
}

export interface RunSeries {
  readonly runId: string;
  readonly instrument: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly initialEquity: number;
  readonly fills: FillColumns;
  readonly mid: MidColumns;
  readonly quotes: QuoteColumns;
  readonly requests: RequestColumns;
  readonly counters: RunCounters;
}

export function emptyFills(): FillColumns {
  return { tsMs: new Float64Array(0), side: new Int8Array(0), price: new Float64Array(0), qty: new Float64Array(0), fee: new Float64Array(0), maker: new Uint8Array(0) };
}
