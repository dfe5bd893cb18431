import type { DuckDBVector } from '@duckdb/node-api';
import type { Storage } from '../backends/storage.ts';
import type { BboBatch, BookDeltaBatch, CanonicalBatch, CanonicalKind, TradeBatch } from './batches.ts';
import type { DatasetMeta } from './dataset.ts';
import { duckConnection, sqlString } from './duckdb-engine.ts';

export interface ReadOptions {
  /** Rows per yielded batch (default 65,536). */
  readonly batchRows?: number;
  /** Inclusive lower bound on ts_event_ns. */
  readonly from?: bigint;
  /** Exclusive upper bound on ts_event_ns. */
  readonly to?: bigint;
}

/** The vector's raw int64 column (BIGINT items or a DECIMAL(18,s)'s unscaled values), no copy. */
export function int64View(vector: DuckDBVector, n: number): BigInt64Array {
  const v = vector as unknown as { items?: BigInt64Array; dataView?: DataView };
  if (v.items instanceof BigInt64Array) return v.items;
  const dv = v.dataView!;
  if (dv.byteOffset % 8 === 0) return new BigInt64Array(dv.buffer, dv.byteOffset, n);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getBigInt64(i * 8, true);
  return out;
}

export function u8View(vector: DuckDBVector): Uint8Array {
  return (vector as unknown as { items: Uint8Array }).items;
}

/**
 * The batch columns of a kind as SQL expressions over the canonical file, in batch order: ids
 * with -1 for null, flags and enums as UTINYINT codes, prices/sizes at the given precision.
 */
export function batchColumnSql(kind: CanonicalKind, priceDecimals: number, sizeDecimals: number): string[] {
  const p = `DECIMAL(18,${priceDecimals})`;
  const s = `DECIMAL(18,${sizeDecimals})`;
  return kind === 'book_delta'
    ? [
        'ts_event_ns',
        'ts_local_ns',
        'COALESCE(update_id, -1)',
        'batch_id',
        'is_snapshot::UTINYINT',
        "(side = 'ask')::UTINYINT",
        `price::${p}`,
        `size::${s}`,
      ]
    : kind === 'trade'
      ? [
          'ts_event_ns',
          'ts_local_ns',
          'trade_id',
          `price::${p}`,
          `size::${s}`,
          "(CASE aggressor WHEN 'buy' THEN 0 WHEN 'sell' THEN 1 ELSE 2 END)::UTINYINT",
        ]
      : [
          'ts_event_ns',
          'ts_local_ns',
          'COALESCE(update_id, -1)',
          `bid_price::${p}`,
          `bid_size::${s}`,
          `ask_price::${p}`,
          `ask_size::${s}`,
        ];
}

function selectSql(meta: DatasetMeta, paths: readonly string[], options: ReadOptions): string {
  const cols = batchColumnSql(meta.kind, meta.instrument.priceDecimals, meta.instrument.sizeDecimals).join(', ');
  const where: string[] = [];
  if (options.from !== undefined) where.push(`ts_event_ns >= ${options.from}`);
  if (options.to !== undefined) where.push(`ts_event_ns < ${options.to}`);
  const files = `[${paths.map(sqlString).join(', ')}]`;
  return `SELECT ${cols} FROM read_parquet(${files})${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
}

/** A fixed-capacity batch being filled from 2048-row engine chunks. */
function allocate(kind: DatasetMeta['kind'], cap: number): CanonicalBatch {
  switch (kind) {
    case 'book_delta':
      return {
        kind,
        length: 0,
        tsEventNs: new BigInt64Array(cap),
        tsLocalNs: new BigInt64Array(cap),
        updateId: new BigInt64Array(cap),
        batchId: new BigInt64Array(cap),
        isSnapshot: new Uint8Array(cap),
        side: new Uint8Array(cap),
        price: new Float64Array(cap),
        size: new Float64Array(cap),
      } satisfies BookDeltaBatch;
    case 'trade':
      return {
        kind,
        length: 0,
        tsEventNs: new BigInt64Array(cap),
        tsLocalNs: new BigInt64Array(cap),
        tradeId: new Array<string>(cap),
        price: new Float64Array(cap),
        size: new Float64Array(cap),
        aggressor: new Uint8Array(cap),
      } satisfies TradeBatch;
    case 'bbo':
      return {
        kind,
        length: 0,
        tsEventNs: new BigInt64Array(cap),
        tsLocalNs: new BigInt64Array(cap),
        updateId: new BigInt64Array(cap),
        bidPrice: new Float64Array(cap),
        bidSize: new Float64Array(cap),
        askPrice: new Float64Array(cap),
        askSize: new Float64Array(cap),
      } satisfies BboBatch;
  }
}

/** Shrinks a filled batch to `length` rows (subarray views, no copy). */
function finish(b: CanonicalBatch, length: number): CanonicalBatch {
  switch (b.kind) {
    case 'book_delta':
      return {
        ...b,
        length,
        tsEventNs: b.tsEventNs.subarray(0, length),
        tsLocalNs: b.tsLocalNs.subarray(0, length),
        updateId: b.updateId.subarray(0, length),
        batchId: b.batchId.subarray(0, length),
        isSnapshot: b.isSnapshot.subarray(0, length),
        side: b.side.subarray(0, length),
        price: b.price.subarray(0, length),
        size: b.size.subarray(0, length),
      };
    case 'trade':
      return {
        ...b,
        length,
        tsEventNs: b.tsEventNs.subarray(0, length),
        tsLocalNs: b.tsLocalNs.subarray(0, length),
        tradeId: b.tradeId.slice(0, length),
        price: b.price.subarray(0, length),
        size: b.size.subarray(0, length),
        aggressor: b.aggressor.subarray(0, length),
      };
    case 'bbo':
      return {
        ...b,
        length,
        tsEventNs: b.tsEventNs.subarray(0, length),
        tsLocalNs: b.tsLocalNs.subarray(0, length),
        updateId: b.updateId.subarray(0, length),
        bidPrice: b.bidPrice.subarray(0, length),
        bidSize: b.bidSize.subarray(0, length),
        askPrice: b.askPrice.subarray(0, length),
        askSize: b.askSize.subarray(0, length),
      };
  }
}

/**
 * Copies int64 values (integer price/size units, |v| < 2^53) into doubles without reading a
 * BigInt per element (each read would allocate one): the value is hi × 2^32 + lo from the
 * 32-bit words of the same memory (little-endian), exact below 2^53.
 */
function copyInt64ToFloat(src: BigInt64Array, dst: Float64Array, at: number, n: number): void {
  const words = new Int32Array(src.buffer, src.byteOffset, n * 2);
  for (let i = 0; i < n; i++) dst[at + i] = words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
}

/**
 * Streams a canonical dataset as columnar batches of typed arrays, in stored (processing) order.
 * Memory is bounded by one batch plus the engine's row-group buffers; the file is never
 * materialised whole. Prices/sizes are integer units at the dataset's precision.
 */
export async function* readCanonical(
  storage: Storage,
  dataset: DatasetMeta,
  options: ReadOptions = {},
): AsyncGenerator<CanonicalBatch> {
  const cap = options.batchRows ?? 65_536;
  const paths: string[] = [];
  for (const f of dataset.files) paths.push(await storage.localPath(f.key));
  const con = await duckConnection();
  try {
    let batch = allocate(dataset.kind, cap);
    let filled = 0;
    // One file after the other: a dataset written in parts is read in part order for certain.
    for (const path of paths) {
      const result = await con.stream(selectSql(dataset, [path], options));
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const n = chunk.rowCount;
        let offset = 0;
        while (offset < n) {
          const take = Math.min(n - offset, cap - filled);
          const col = (c: number) => int64View(chunk.getColumnVector(c), n).subarray(offset, offset + take);
          const u8 = (c: number) => u8View(chunk.getColumnVector(c)).subarray(offset, offset + take);
          batch.tsEventNs.set(col(0), filled);
          batch.tsLocalNs.set(col(1), filled);
          if (batch.kind === 'book_delta') {
            batch.updateId.set(col(2), filled);
            batch.batchId.set(col(3), filled);
            batch.isSnapshot.set(u8(4), filled);
            batch.side.set(u8(5), filled);
            copyInt64ToFloat(col(6), batch.price, filled, take);
            copyInt64ToFloat(col(7), batch.size, filled, take);
          } else if (batch.kind === 'trade') {
            const ids = chunk.getColumnVector(2);
            const tradeId = batch.tradeId as string[];
            for (let i = 0; i < take; i++) tradeId[filled + i] = ids.getItem(offset + i) as string;
            copyInt64ToFloat(col(3), batch.price, filled, take);
            copyInt64ToFloat(col(4), batch.size, filled, take);
            batch.aggressor.set(u8(5), filled);
          } else {
            batch.updateId.set(col(2), filled);
            copyInt64ToFloat(col(3), batch.bidPrice, filled, take);
            copyInt64ToFloat(col(4), batch.bidSize, filled, take);
            copyInt64ToFloat(col(5), batch.askPrice, filled, take);
            copyInt64ToFloat(col(6), batch.askSize, filled, take);
          }
          filled += take;
          offset += take;
          if (filled === cap) {
            yield finish(batch, cap);
            batch = allocate(dataset.kind, cap);
            filled = 0;
          }
        }
      }
    }
    if (filled > 0) yield finish(batch, filled);
  } finally {
    con.closeSync();
  }
}
