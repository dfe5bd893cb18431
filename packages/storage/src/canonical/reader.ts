import type { DuckDBVector } from '@duckdb/node-api';
import type { Storage } from '../backends/storage.ts';
import type { BboBatch, BookDeltaBatch, CanonicalBatch, CanonicalKind, TradeBatch } from './batches.ts';
import type { DatasetMeta } from './dataset.ts';
import { rmSync } from 'node:fs';
import { FsStorage } from '../backends/fs-storage.ts';
import { CHUNK_ROWS, CacheWriter, CorruptCache, cachePath, openCache, readCacheChunks } from './columnar-cache.ts';
import { duckReadConnection, sqlString } from './duckdb-engine.ts';
import { scanWindow, windowWords, type WindowWords } from './event-window.ts';

export interface ReadOptions {
  /** Rows per yielded batch (default 65,536). */
  readonly batchRows?: number;
  /** Inclusive lower bound on ts_event_ns. */
  readonly from?: bigint;
  /** Exclusive upper bound on ts_event_ns. */
  readonly to?: bigint;
  /** false: always decode the Parquet, never read or write the columnar cache (default true). */
  readonly cache?: boolean;
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
 * Decodes a dataset's Parquet files with DuckDB, unfiltered, as batches of exactly CHUNK_ROWS
 * rows (the last may be shorter). One file after the other: a dataset written in parts is read
 * in part order for certain.
 */
async function* parquetChunks(paths: readonly string[], dataset: DatasetMeta): AsyncGenerator<CanonicalBatch> {
  const cap = CHUNK_ROWS;
  const con = await duckReadConnection();
  try {
    let batch = allocate(dataset.kind, cap);
    let filled = 0;
    for (const path of paths) {
      const result = await con.stream(selectSql(dataset, [path], {}));
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

/** Rows [from, from + n) of b as views (no copy; trade ids sliced). */
function slice(b: CanonicalBatch, from: number, n: number): CanonicalBatch {
  const end = from + n;
  switch (b.kind) {
    case 'book_delta':
      return {
        kind: b.kind, length: n, tsEventNs: b.tsEventNs.subarray(from, end), tsLocalNs: b.tsLocalNs.subarray(from, end), updateId: b.updateId.subarray(from, end),
        batchId: b.batchId.subarray(from, end), isSnapshot: b.isSnapshot.subarray(from, end), side: b.side.subarray(from, end), price: b.price.subarray(from, end), size: b.size.subarray(from, end),
      };
    case 'trade':
      return {
        kind: b.kind, length: n, tsEventNs: b.tsEventNs.subarray(from, end), tsLocalNs: b.tsLocalNs.subarray(from, end), tradeId: b.tradeId.slice(from, end),
        price: b.price.subarray(from, end), size: b.size.subarray(from, end), aggressor: b.aggressor.subarray(from, end),
      };
    case 'bbo':
      return {
        kind: b.kind, length: n, tsEventNs: b.tsEventNs.subarray(from, end), tsLocalNs: b.tsLocalNs.subarray(from, end), updateId: b.updateId.subarray(from, end),
        bidPrice: b.bidPrice.subarray(from, end), bidSize: b.bidSize.subarray(from, end), askPrice: b.askPrice.subarray(from, end), askSize: b.askSize.subarray(from, end),
      };
  }
}

/** Copies rows [r, r + n) of src to rows [at, at + n) of dst (same kind), column by column. */
function copyRange(src: CanonicalBatch, r: number, n: number, dst: CanonicalBatch, at: number): void {
  const e = r + n;
  dst.tsEventNs.set(src.tsEventNs.subarray(r, e), at);
  dst.tsLocalNs.set(src.tsLocalNs.subarray(r, e), at);
  if (src.kind === 'book_delta' && dst.kind === 'book_delta') {
    dst.updateId.set(src.updateId.subarray(r, e), at);
    dst.batchId.set(src.batchId.subarray(r, e), at);
    dst.isSnapshot.set(src.isSnapshot.subarray(r, e), at);
    dst.side.set(src.side.subarray(r, e), at);
    dst.price.set(src.price.subarray(r, e), at);
    dst.size.set(src.size.subarray(r, e), at);
  } else if (src.kind === 'trade' && dst.kind === 'trade') {
    const ids = dst.tradeId as string[];
    for (let i = 0; i < n; i++) ids[at + i] = src.tradeId[r + i]!;
    dst.price.set(src.price.subarray(r, e), at);
    dst.size.set(src.size.subarray(r, e), at);
    dst.aggressor.set(src.aggressor.subarray(r, e), at);
  } else if (src.kind === 'bbo' && dst.kind === 'bbo') {
    dst.updateId.set(src.updateId.subarray(r, e), at);
    dst.bidPrice.set(src.bidPrice.subarray(r, e), at);
    dst.bidSize.set(src.bidSize.subarray(r, e), at);
    dst.askPrice.set(src.askPrice.subarray(r, e), at);
    dst.askSize.set(src.askSize.subarray(r, e), at);
  }
}

/** Rows a pending batch starts with when it is filled row range by row range (it grows by doubling up to the batch size). */
const FIRST_BATCH_ROWS = 1024;

/**
 * Re-cuts a stream of source chunks (whole-dataset rows in stored order) into batches of exactly
 * `cap` rows of the window [from, to) on ts_event_ns (the last may be shorter). A chunk wholly
 * inside the window is handed out as views when no partial batch is pending; otherwise rows are
 * copied into a fresh batch.
 */
export class Rebatcher {
  private batch: CanonicalBatch | null = null;
  private filled = 0;
  /**
   * Short rest of a chunk wholly in the window, kept as views: a dataset's last chunk is short,
   * so this is usually handed out as is (no cap-sized batch allocated and copied into).
   */
  private tail: CanonicalBatch | null = null;
  readonly out: CanonicalBatch[] = [];
  /**
   * The window as words, one object for every scan of this read (and the trade ids the cache
   * decodes, readCacheChunks): objects made by separate calls may get separate maps, and
   * scanWindow's optimised code was thrown away at the first one of another map.
   */
  readonly window: WindowWords;

  constructor(
    private readonly kind: CanonicalKind,
    private readonly cap: number,
    private readonly from: bigint | undefined,
    private readonly to: bigint | undefined,
  ) {
    this.window = windowWords(from, to);
  }

  /** `inside`: the caller knows every row of the chunk is in the window. */
  push(chunk: CanonicalBatch, inside: boolean): void {
    const n = chunk.length;
    const { from, to, cap } = this;
    const all = inside || (from === undefined && to === undefined);
    if (this.tail !== null && n > 0) {
      const t = this.tail;
      this.tail = null;
      this.copyRows(t, 0, t.length);
    }
    let r = 0;
    while (r < n) {
      if (all && this.filled === 0) {
        if (n - r >= cap) {
          this.out.push(slice(chunk, r, cap));
          r += cap;
        } else {
          this.tail = slice(chunk, r, n - r);
          r = n;
        }
        continue;
      }
      if (all) {
        r = this.copyRows(chunk, r, n);
        continue;
      }
      // Partly in the window: each run of consecutive rows inside it is copied column by column.
      const ts = chunk.tsEventNs;
      const words = new Int32Array(ts.buffer, ts.byteOffset, n * 2);
      const w = this.window;
      while (r < n) {
        const start = scanWindow(words, r, n, true, w);
        r = this.copyRows(chunk, start, scanWindow(words, start, n, false, w));
      }
    }
  }

  /** Copies rows [r, end) of chunk into the pending batch, handing out each batch that fills; returns end. */
  private copyRows(chunk: CanonicalBatch, r: number, end: number): number {
    while (r < end) {
      const take = Math.min(end - r, this.cap - this.filled);
      const batch = this.reserve(this.filled + take);
      copyRange(chunk, r, take, batch, this.filled);
      this.filled += take;
      r += take;
      if (this.filled === this.cap) this.flush();
    }
    return end;
  }

  /**
   * The pending batch, holding at least `rows` rows (≤ cap): allocated at the size first needed,
   * rounded up to a power of two, and grown by doubling, so that a window of a few thousand rows
   * does not allocate and zero a whole batch of `cap` rows.
   */
  private reserve(rows: number): CanonicalBatch {
    const have = this.batch?.tsEventNs.length ?? 0;
    if (this.batch !== null && rows <= have) return this.batch;
    let size = Math.max(2 * have, FIRST_BATCH_ROWS);
    while (size < rows) size *= 2;
    const grown = allocate(this.kind, Math.min(size, this.cap));
    if (this.batch !== null && this.filled > 0) copyRange(this.batch, 0, this.filled, grown, 0);
    this.batch = grown;
    return grown;
  }

  flush(): void {
    if (this.tail !== null) this.out.push(this.tail);
    this.tail = null;
    if (this.batch && this.filled > 0) this.out.push(finish(this.batch, this.filled));
    this.batch = null;
    this.filled = 0;
  }
}

/** Set CHASSIS_COLUMNAR_CACHE=0 to read Parquet every time and never write the cache. */
function cacheEnabled(storage: Storage, options: ReadOptions): storage is FsStorage {
  return storage instanceof FsStorage && options.cache !== false && process.env['CHASSIS_COLUMNAR_CACHE'] !== '0';
}

/**
 * Removes a decode cache that is not what its header promises (it is rebuilt from the Parquet)
 * and says so: the rows served stay right, but a cache that went bad on disk is worth knowing.
 */
function discardCorruptCache(path: string, dataset: DatasetMeta, e: CorruptCache): void {
  rmSync(path, { force: true });
  process.emitWarning(`decode cache of dataset ${dataset.id} is corrupt (${e.message}); reading the Parquet and rebuilding it`, {
    code: 'CHASSIS_DECODE_CACHE_REBUILT',
  });
}

/**
 * Streams a canonical dataset as columnar batches of typed arrays, in stored (processing) order,
 * `batchRows` rows each (the last may be shorter). Prices/sizes are integer units at the
 * dataset's precision.
 *
 * On an fs data root the decoded columns are cached under `derived/columnar/<contentHash>/`
 * (columnar-cache.ts): the first read decodes the Parquet with DuckDB and writes the cache as
 * it goes; later reads come from the cache. A missing, stale or corrupt cache falls back to the
 * Parquet (continuing after the rows already delivered) and is rebuilt; a corrupt one also
 * raises a process warning (code CHASSIS_DECODE_CACHE_REBUILT) naming the file and the damage. Memory is bounded by a
 * few 65,536-row chunks; the file is never materialised whole.
 */
export async function* readCanonical(
  storage: Storage,
  dataset: DatasetMeta,
  options: ReadOptions = {},
): AsyncGenerator<CanonicalBatch> {
  const cap = options.batchRows ?? 65_536;
  const { from, to } = options;
  const re = new Rebatcher(dataset.kind, cap, from, to);
  const useCache = cacheEnabled(storage, options);
  // Source rows (whole dataset, stored order) already handed to the rebatcher.
  let done = 0;
  if (useCache) {
    const path = cachePath(storage.root, dataset);
    let opened: Awaited<ReturnType<typeof openCache>> = null;
    try {
      opened = await openCache(path, dataset);
    } catch (e) {
      if (!(e instanceof CorruptCache)) throw e;
      discardCorruptCache(path, dataset, e);
    }
    if (opened) {
      try {
        for await (const c of readCacheChunks(opened, dataset, path, from, to, re.window)) {
          if (typeof c === 'number') {
            done += c;
            continue;
          }
          const inside = (from === undefined || c.minTsEventNs >= from) && (to === undefined || c.maxTsEventNs < to);
          re.push(c.batch, inside);
          done += c.batch.length;
          while (re.out.length) yield re.out.shift()!;
        }
        re.flush();
        while (re.out.length) yield re.out.shift()!;
        return;
      } catch (e) {
        if (!(e instanceof CorruptCache)) throw e;
        discardCorruptCache(path, dataset, e);
      } finally {
        await opened.fh.close();
      }
    }
  }
  // Parquet (DuckDB), writing the cache on the way when enabled.
  const paths: string[] = [];
  for (const f of dataset.files) paths.push(await storage.localPath(f.key));
  let writer: CacheWriter | null = null;
  if (useCache) {
    try {
      writer = new CacheWriter(cachePath(storage.root, dataset), dataset);
    } catch {
      writer = null; // read-only or full data root: serve without caching
    }
  }
  try {
    let seen = 0;
    for await (const chunk of parquetChunks(paths, dataset)) {
      if (writer) {
        try {
          writer.append(chunk);
        } catch {
          writer.abort();
          writer = null;
        }
      }
      const n = chunk.length;
      const start = seen;
      seen += n;
      if (seen <= done) continue; // delivered from the cache before it turned out corrupt
      re.push(start < done ? slice(chunk, done - start, seen - done) : chunk, false);
      while (re.out.length) yield re.out.shift()!;
    }
    re.flush();
    while (re.out.length) yield re.out.shift()!;
    if (writer) {
      try {
        writer.finish();
      } catch {
        writer.abort();
      }
      writer = null;
    }
  } finally {
    writer?.abort();
  }
}
