import { randomBytes } from 'node:crypto';
import { rename, stat } from 'node:fs/promises';
import type * as DuckDB from '@duckdb/node-api';
import type { DuckDBType, DuckDBVector } from '@duckdb/node-api';
import type { CanonicalBatch } from './batches.ts';
import { parquetColumns, ROW_GROUP_ROWS } from './schema.ts';
import { duckConnection, sqlString } from './duckdb-engine.ts';

const SIDES = ['bid', 'ask'] as const;
const AGGRESSORS = ['buy', 'sell', 'unknown'] as const;

/** DuckDB's vector size: the appender takes chunks of at most this many rows. */
const CHUNK_ROWS = 2048;

/**
 * One column of the staging table: its SQL type, how the canonical column is computed from it
 * in the COPY, and how a chunk of it is filled from the batch. Flags and enums are staged as
 * UTINYINT codes and ids with -1 for null, so every fixed-width column is a typed-array copy;
 * DuckDB turns them into BOOLEAN / VARCHAR / NULL natively while writing the file.
 */
interface StagedColumn {
  readonly type: string;
  readonly select: string;
  readonly fill: (vector: DuckDBVector, start: number, n: number) => void;
}

function int64s(name: string, a: BigInt64Array, select = name): StagedColumn {
  return {
    type: 'BIGINT',
    select,
    fill: (v, start, n) => (v as unknown as { items: BigInt64Array }).items.set(a.subarray(start, start + n)),
  };
}

function codes(name: string, a: Uint8Array, select: string): StagedColumn {
  return {
    type: 'UTINYINT',
    select,
    fill: (v, start, n) => (v as unknown as { items: Uint8Array }).items.set(a.subarray(start, start + n)),
  };
}

/** A DECIMAL(18,d) column from integer units (exact in a double below 2^53): the unscaled int64. */
function decimals(name: string, a: Float64Array, d: number): StagedColumn {
  return {
    type: `DECIMAL(18,${d})`,
    select: name,
    fill: (v, start, n) => {
      const dv = (v as unknown as { dataView: DataView }).dataView;
      for (let i = 0; i < n; i++) dv.setBigInt64(i * 8, BigInt(a[start + i]!), true);
    },
  };
}

function strings(name: string, a: readonly string[]): StagedColumn {
  return {
    type: 'VARCHAR',
    select: name,
    fill: (v, start, n) => {
      const w = v as unknown as { setItem(i: number, s: string): void };
      for (let i = 0; i < n; i++) w.setItem(i, a[start + i]!);
    },
  };
}

/** Staged columns of a batch, in canonical schema order (parquetColumns). */
function stagedColumns(batch: CanonicalBatch, pd: number, sd: number): Record<string, StagedColumn> {
  const ts = { ts_event_ns: int64s('ts_event_ns', batch.tsEventNs), ts_local_ns: int64s('ts_local_ns', batch.tsLocalNs) };
  switch (batch.kind) {
    case 'book_delta':
      return {
        ...ts,
        update_id: int64s('update_id', batch.updateId, 'NULLIF(update_id, -1)'),
        batch_id: int64s('batch_id', batch.batchId),
        is_snapshot: codes('is_snapshot', batch.isSnapshot, 'is_snapshot = 1'),
        side: codes('side', batch.side, `CASE side WHEN 1 THEN '${SIDES[1]}' ELSE '${SIDES[0]}' END`),
        price: decimals('price', batch.price, pd),
        size: decimals('size', batch.size, sd),
      };
    case 'trade':
      return {
        ...ts,
        trade_id: strings('trade_id', batch.tradeId),
        price: decimals('price', batch.price, pd),
        size: decimals('size', batch.size, sd),
        aggressor: codes('aggressor', batch.aggressor, `CASE aggressor WHEN 0 THEN '${AGGRESSORS[0]}' WHEN 1 THEN '${AGGRESSORS[1]}' ELSE '${AGGRESSORS[2]}' END`),
      };
    case 'bbo':
      return {
        ...ts,
        update_id: int64s('update_id', batch.updateId, 'NULLIF(update_id, -1)'),
        bid_price: decimals('bid_price', batch.bidPrice, pd),
        bid_size: decimals('bid_size', batch.bidSize, sd),
        ask_price: decimals('ask_price', batch.askPrice, pd),
        ask_size: decimals('ask_size', batch.askSize, sd),
      };
  }
}

function logicalType(sqlType: string, duck: typeof DuckDB): DuckDBType {
  const m = /^DECIMAL\(18,(\d+)\)/.exec(sqlType);
  if (m) return new duck.DuckDBDecimalType(18, Number(m[1]));
  if (sqlType === 'BIGINT') return duck.DuckDBBigIntType.instance;
  if (sqlType === 'UTINYINT') return duck.DuckDBUTinyIntType.instance;
  return duck.DuckDBVarCharType.instance;
}

/**
 * Writes one canonical batch (a whole dataset) as a ZSTD Parquet file at `path`, row groups of
 * ROW_GROUP_ROWS. Prices/sizes arrive as integer units and are stored as the DECIMAL's unscaled
 * int64, so no decimal ever goes through a float. Returns the file size in bytes.
 */
export async function writeCanonicalParquet(path: string, batch: CanonicalBatch, priceDecimals: number, sizeDecimals: number): Promise<number> {
  const names = parquetColumns(batch.kind, priceDecimals, sizeDecimals).map(([n]) => n);
  const staged = stagedColumns(batch, priceDecimals, sizeDecimals);
  const cols = names.map((n) => staged[n]!);
  // DuckDB loads with the first write (duckdb-engine.ts), not with @chassis/storage.
  const duck = await import('@duckdb/node-api');
  const types = cols.map((c) => logicalType(c.type, duck));
  const con = await duckConnection();
  const table = `w_${randomBytes(6).toString('hex')}`;
  try {
    await con.run(`CREATE TABLE ${table} (${names.map((n, i) => `${n} ${cols[i]!.type} NOT NULL`).join(', ')})`);
    const appender = await con.createAppender(table);
    for (let start = 0; start < batch.length; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, batch.length - start);
      const chunk = duck.DuckDBDataChunk.create(types, n);
      for (let c = 0; c < cols.length; c++) {
        const vector = chunk.getColumnVector(c) as DuckDBVector & { flush(): void };
        cols[c]!.fill(vector, start, n);
        vector.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
    const select = names.map((n, i) => (cols[i]!.select === n ? n : `${cols[i]!.select} AS ${n}`)).join(', ');
    await con.run(`COPY (SELECT ${select} FROM ${table}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`);
    await con.run(`DROP TABLE ${table}`);
  } finally {
    con.closeSync();
  }
  return (await stat(path)).size;
}

/**
 * Rewrites a canonical Parquet part at a higher precision (DECIMAL(18,a) → DECIMAL(18,b), b ≥ a:
 * exact; DuckDB refuses a value that would not fit). Used when a later part of the same dataset
 * revealed more significant decimals. Returns the new file size in bytes.
 */
export async function rescaleCanonicalParquet(path: string, kind: CanonicalBatch['kind'], priceDecimals: number, sizeDecimals: number): Promise<number> {
  const casts = parquetColumns(kind, priceDecimals, sizeDecimals)
    .filter(([, t]) => t.startsWith('DECIMAL'))
    .map(([n, t]) => `CAST(${n} AS ${t.replace(' NOT NULL', '')}) AS ${n}`);
  const tmp = `${path}.rescale-${randomBytes(4).toString('hex')}`;
  const con = await duckConnection();
  try {
    await con.run(`COPY (SELECT * REPLACE (${casts.join(', ')}) FROM read_parquet(${sqlString(path)})) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`);
  } finally {
    con.closeSync();
  }
  await rename(tmp, path);
  return (await stat(path)).size;
}
