import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import {
  DuckDBDataChunk,
  DuckDBBigIntType,
  DuckDBBooleanType,
  DuckDBVarCharType,
  DuckDBDecimalType,
  type DuckDBType,
  type DuckDBVector,
} from '@duckdb/node-api';
import type { CanonicalBatch } from './batches.ts';
import { parquetColumns, ROW_GROUP_ROWS } from './schema.ts';
import { duckConnection, sqlString } from './duckdb-engine.ts';

/** DuckDB's vector size: the appender takes chunks of at most this many rows. */
const CHUNK_ROWS = 2048;

const SIDES = ['bid', 'ask'] as const;
const AGGRESSORS = ['buy', 'sell', 'unknown'] as const;

function logicalType(sqlType: string): DuckDBType {
  const m = /^DECIMAL\(18,(\d+)\)/.exec(sqlType);
  if (m) return new DuckDBDecimalType(18, Number(m[1]));
  if (sqlType.startsWith('BIGINT')) return DuckDBBigIntType.instance;
  if (sqlType.startsWith('BOOLEAN')) return DuckDBBooleanType.instance;
  return DuckDBVarCharType.instance;
}

/** Column accessors of a batch in schema order: each returns the value to store at row i. */
function columnSources(batch: CanonicalBatch): ((i: number) => bigint | boolean | string | number | null)[] {
  const nullableId = (a: BigInt64Array) => (i: number) => (a[i]! < 0n ? null : a[i]!);
  switch (batch.kind) {
    case 'book_delta':
      return [
        (i) => batch.tsEventNs[i]!,
        (i) => batch.tsLocalNs[i]!,
        nullableId(batch.updateId),
        (i) => batch.batchId[i]!,
        (i) => batch.isSnapshot[i] === 1,
        (i) => SIDES[batch.side[i]!]!,
        (i) => batch.price[i]!,
        (i) => batch.size[i]!,
      ];
    case 'trade':
      return [
        (i) => batch.tsEventNs[i]!,
        (i) => batch.tsLocalNs[i]!,
        (i) => batch.tradeId[i]!,
        (i) => batch.price[i]!,
        (i) => batch.size[i]!,
        (i) => AGGRESSORS[batch.aggressor[i]!]!,
      ];
    case 'bbo':
      return [
        (i) => batch.tsEventNs[i]!,
        (i) => batch.tsLocalNs[i]!,
        nullableId(batch.updateId),
        (i) => batch.bidPrice[i]!,
        (i) => batch.bidSize[i]!,
        (i) => batch.askPrice[i]!,
        (i) => batch.askSize[i]!,
      ];
  }
}

/**
 * Writes one canonical batch (a whole dataset) as a ZSTD Parquet file at `path`, row groups of
 * ROW_GROUP_ROWS. Prices/sizes arrive as integer units and are stored as the DECIMAL's unscaled
 * int64, so no decimal ever goes through a float. Returns the file size in bytes.
 */
export async function writeCanonicalParquet(path: string, batch: CanonicalBatch, priceDecimals: number, sizeDecimals: number): Promise<number> {
  const columns = parquetColumns(batch.kind, priceDecimals, sizeDecimals);
  const types = columns.map(([, t]) => logicalType(t));
  const sources = columnSources(batch);
  const con = await duckConnection();
  const table = `w_${randomBytes(6).toString('hex')}`;
  try {
    await con.run(`CREATE TABLE ${table} (${columns.map(([n, t]) => `${n} ${t}`).join(', ')})`);
    const appender = await con.createAppender(table);
    // The decimal vector reads only `.value` (the unscaled int64): one reusable holder, no per-row objects.
    const decimalHolder = { value: 0n };
    for (let start = 0; start < batch.length; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, batch.length - start);
      const chunk = DuckDBDataChunk.create(types, n);
      for (let c = 0; c < types.length; c++) {
        const vector = chunk.getColumnVector(c) as DuckDBVector & { setItem(i: number, v: unknown): void; flush(): void };
        const get = sources[c]!;
        const isDecimal = types[c] instanceof DuckDBDecimalType;
        for (let i = 0; i < n; i++) {
          const v = get(start + i);
          if (isDecimal) {
            decimalHolder.value = BigInt(v as number);
            vector.setItem(i, decimalHolder);
          } else vector.setItem(i, v);
        }
        vector.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
    await con.run(
      `COPY ${table} TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`,
    );
    await con.run(`DROP TABLE ${table}`);
  } finally {
    con.closeSync();
  }
  return (await stat(path)).size;
}
