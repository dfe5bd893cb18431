/**
 * Normalized records: what a venue format module turns raw venue messages into, before the
 * quality gate scales them to the instrument's precision and writes canonical Parquet.
 * Prices and sizes stay decimal strings exactly as the venue sent them (no float ever).
 */

/** Venue ids used everywhere (CLI, paths, metadata). */
export const VENUE_IDS = ['binance-spot', 'binance-usdm', 'binance-coinm', 'okx', 'bybit-spot', 'bybit-linear', 'hyperliquid', 'deribit', 'bitmex', 'coinbase', 'kraken', 'kucoin'] as const;
export type VenueId = (typeof VENUE_IDS)[number];

/** Where a record came from, for error messages and provenance (file + 1-based line). */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

interface RecordHeader {
  readonly venue: VenueId;
  /** Venue symbol as the venue spells it in canonical paths, e.g. BTCUSDT, BTC-USDT-SWAP. */
  readonly instrument: string;
  readonly tsEventNs: bigint;
  /** Capture time; equals tsEventNs when the layout has none (flagged in dataset metadata). */
  readonly tsLocalNs: bigint;
  readonly source: SourceRef;
}

export interface BookDeltaRecord extends RecordHeader {
  readonly kind: 'book_delta';
  /** Venue sequence number after this message; null if the venue has none. */
  readonly updateId: bigint | null;
  /** Full snapshot: replaces the whole book. */
  readonly isSnapshot: boolean;
  /** [price, size] decimal strings; size "0" removes the level. */
  readonly bids: readonly (readonly [string, string])[];
  readonly asks: readonly (readonly [string, string])[];
}

export interface TradeRecord extends RecordHeader {
  readonly kind: 'trade';
  readonly tradeId: string;
  readonly price: string;
  readonly size: string;
  readonly aggressor: 'buy' | 'sell' | 'unknown';
}

export interface BboRecord extends RecordHeader {
  readonly kind: 'bbo';
  readonly updateId: bigint | null;
  readonly bidPrice: string;
  readonly bidSize: string;
  readonly askPrice: string;
  readonly askSize: string;
}

/**
 * Book synchronisation findings the quality gate must act on (never skipped silently):
 * a gap in the venue sequence, a failed checksum, a message that could not be parsed.
 */
export interface SyncIssueRecord extends RecordHeader {
  readonly kind: 'sync_issue';
  readonly issue: 'gap' | 'checksum_mismatch' | 'parse_error' | 'stale_dropped' | 'duplicate' | 'unknown_field';
  readonly message: string;
}

export type NormalizedRecord = BookDeltaRecord | TradeRecord | BboRecord | SyncIssueRecord;
