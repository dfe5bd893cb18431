// @ts-nocheck
import type { CanonicalKind } from './batches.ts';

/**
 * The canonical Parquet schema per kind (public contract, see README). Prices and sizes are
 * DECIMAL(18, priceDecimals|sizeDecimals); timestamps INT64 ns since epoch.
 */
export function parquetColumns(kind: CanonicalKind, priceDecimals: number, sizeDecimals: number): readonly (readonly [string, string])[] {
  const p = `DECIMAL(18,${priceDecimals})`;
  const s = `DECIMAL(18,${sizeDecimals})`;
  switch (kind) {
    case 'book_delta':
      return [
        ['ts_event_ns', 'BIGINT NOT NULL'],
        ['ts_local_ns', 'BIGINT NOT NULL'],
        ['update_id', 'BIGINT'],
        ['batch_id', 'BIGINT NOT NULL'],
        ['is_snapshot', 'BOOLEAN NOT NULL'],
        ['side', 'VARCHAR NOT NULL'],
        ['price', `${p} NOT NULL`],
        ['size', `${s} NOT NULL`],
      ];
    case 'trade':
      return [
        ['ts_event_ns', 'BIGINT NOT NULL'],
        ['ts_local_ns', 'BIGINT NOT NULL'],
        ['trade_id', 'VARCHAR NOT NULL'],
        ['price', `${p} NOT NULL`],
        ['size', `${s} NOT NULL`],
        ['aggressor', 'VARCHAR NOT NULL'],
      ];
    case 'bbo':
      return [
        ['ts_event_ns', 'BIGINT NOT NULL'],
        ['ts_local_ns', 'BIGINT NOT NULL'],
        ['update_id', 'BIGINT'],
        ['bid_price', `${p} NOT NULL`],
        ['bid_size', `${s} NOT NULL`],
        ['ask_price', `${p} NOT NULL`],
        ['ask_size', `${s} NOT NULL`],
      ];
  }
}

/** Rows per Parquet row group: bounds reader memory (~64k rows × ~60 B). */
export const ROW_GROUP_ROWS = 65_536;
