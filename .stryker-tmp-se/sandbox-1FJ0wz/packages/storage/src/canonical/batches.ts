/**
 * Columnar batches: how canonical data reaches the backtest hot path. One object per batch
 * (thousands of rows), never one per row. Prices/sizes are integer units at the dataset's
 * precision (instrument.ts of @chassis/core), stored in Float64Array (exact below 2^53).
 * Timestamps are ns since epoch in BigInt64Array.
 */
// @ts-nocheck


export interface BookDeltaBatch {
  readonly kind: 'book_delta';
  readonly length: number;
  readonly tsEventNs: BigInt64Array;
  readonly tsLocalNs: BigInt64Array;
  /** -1 where the venue has no sequence number (null in Parquet). */
  readonly updateId: BigInt64Array;
  readonly batchId: BigInt64Array;
  /** 1 = row of a full snapshot. */
  readonly isSnapshot: Uint8Array;
  /** 0 = bid, 1 = ask. */
  readonly side: Uint8Array;
  readonly price: Float64Array;
  readonly size: Float64Array;
}

export interface TradeBatch {
  readonly kind: 'trade';
  readonly length: number;
  readonly tsEventNs: BigInt64Array;
  readonly tsLocalNs: BigInt64Array;
  readonly tradeId: readonly string[];
  readonly price: Float64Array;
  readonly size: Float64Array;
  /** 0 = buy, 1 = sell, 2 = unknown. */
  readonly aggressor: Uint8Array;
}

export interface BboBatch {
  readonly kind: 'bbo';
  readonly length: number;
  readonly tsEventNs: BigInt64Array;
  readonly tsLocalNs: BigInt64Array;
  readonly updateId: BigInt64Array;
  readonly bidPrice: Float64Array;
  readonly bidSize: Float64Array;
  readonly askPrice: Float64Array;
  readonly askSize: Float64Array;
}

export type CanonicalBatch = BookDeltaBatch | TradeBatch | BboBatch;
export type CanonicalKind = CanonicalBatch['kind'];
