// @ts-nocheck
import { createHash } from 'node:crypto';
import type { CanonicalBatch, CanonicalKind } from './batches.ts';
import { duckConnection, sqlString } from './duckdb-engine.ts';
import { batchColumnSql, int64View, u8View } from './reader.ts';
import type { InstrumentMeta } from './dataset.ts';

function feedArray(h: ReturnType<typeof createHash>, a: ArrayBufferView): void {
  h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/**
 * sha256 of the canonical content: a header (kind, instrument metadata) then every column's
 * little-endian bytes in schema order, trade ids newline-joined. Independent of the Parquet
 * writer's byte layout, so the same data always has the same hash and dataset id.
 */
export function contentHash(batch: CanonicalBatch, instrument: InstrumentMeta): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ format: 'chassis-canonical-v1', kind: batch.kind, length: batch.length, instrument }));
  h.update('\n');
  switch (batch.kind) {
    case 'book_delta':
      for (const a of [batch.tsEventNs, batch.tsLocalNs, batch.updateId, batch.batchId, batch.isSnapshot, batch.side, batch.price, batch.size]) feedArray(h, a);
      break;
    case 'trade':
      for (const a of [batch.tsEventNs, batch.tsLocalNs, batch.price, batch.size, batch.aggressor]) feedArray(h, a);
      for (const id of batch.tradeId) h.update(`${id}\n`);
      break;
    case 'bbo':
      for (const a of [batch.tsEventNs, batch.tsLocalNs, batch.updateId, batch.bidPrice, batch.bidSize, batch.askPrice, batch.askSize]) feedArray(h, a);
      break;
  }
  return h.digest('hex');
}

/** Columns in hash order as [SQL expression over the file, how its values are hashed]. */
function hashColumns(kind: CanonicalKind, pd: number, sd: number): (readonly [string, 'i64' | 'u8' | 'units' | 'ids'])[] {
  const sql = batchColumnSql(kind, pd, sd);
  switch (kind) {
    case 'book_delta':
      return [[sql[0]!, 'i64'], [sql[1]!, 'i64'], [sql[2]!, 'i64'], [sql[3]!, 'i64'], [sql[4]!, 'u8'], [sql[5]!, 'u8'], [sql[6]!, 'units'], [sql[7]!, 'units']];
    case 'trade':
      return [[sql[0]!, 'i64'], [sql[1]!, 'i64'], [sql[3]!, 'units'], [sql[4]!, 'units'], [sql[5]!, 'u8'], [sql[2]!, 'ids']];
    case 'bbo':
      return [[sql[0]!, 'i64'], [sql[1]!, 'i64'], [sql[2]!, 'i64'], [sql[3]!, 'units'], [sql[4]!, 'units'], [sql[5]!, 'units'], [sql[6]!, 'units']];
  }
}

/**
 * contentHash of a dataset stored as several canonical Parquet files (parts, in order, all at
 * the instrument's precision), without holding it in memory: the same bytes in the same order
 * as contentHash over the concatenated batch — one projected column at a time across the parts.
 */
export async function contentHashOfFiles(paths: readonly string[], kind: CanonicalKind, length: number, instrument: InstrumentMeta): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ format: 'chassis-canonical-v1', kind, length, instrument }));
  h.update('\n');
  const con = await duckConnection();
  try {
    let units = new Float64Array(2048);
    for (const [expr, as] of hashColumns(kind, instrument.priceDecimals, instrument.sizeDecimals)) {
      for (const path of paths) {
        const result = await con.stream(`SELECT ${expr} FROM read_parquet(${sqlString(path)})`);
        for (;;) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) break;
          const n = chunk.rowCount;
          const v = chunk.getColumnVector(0);
          if (as === 'i64') feedArray(h, int64View(v, n));
          else if (as === 'u8') feedArray(h, u8View(v).subarray(0, n));
          else if (as === 'units') {
            // Hashed as the batch holds them: integer units in float64.
            if (units.length < n) units = new Float64Array(n);
            const src = int64View(v, n);
            for (let i = 0; i < n; i++) units[i] = Number(src[i]!);
            feedArray(h, units.subarray(0, n));
          } else for (let i = 0; i < n; i++) h.update(`${v.getItem(i) as string}\n`);
        }
      }
    }
  } finally {
    con.closeSync();
  }
  return h.digest('hex');
}
