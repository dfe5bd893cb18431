/**
 * Run artifacts: Parquet time series (written with DuckDB, the storage package's Parquet
 * engine, single-threaded so bytes are reproducible), JSON files with canonical key order,
 * the manifest, and the atomic publish (write into a staging directory, then rename).
 *
 * outputHash: SHA-256 over the sorted (file name, SHA-256) pairs of every artifact, where
 * metrics.json is hashed without its wall-clock `throughput` section and the manifest is not
 * an input (it holds wall-clock times). No absolute path appears in any hashed file, so
 * identical runs give identical hashes wherever they are written.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DuckDBDataChunk, DuckDBInstance, DuckDBType, DuckDBValue, DuckDBVector } from '@duckdb/node-api';
import { claimStaging, releaseStaging } from '@chassis/storage';
import { canonicalJson, canonicalJsonPretty, sha256Hex } from './canonical-json.ts';

export type ColumnType = 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
export type Column<R> = readonly [name: string, type: ColumnType, get: (row: R) => bigint | number | string | boolean];

let duckdb: Promise<{ instance: DuckDBInstance; types: Record<ColumnType, DuckDBType>; chunk: (types: DuckDBType[]) => DuckDBDataChunk }> | undefined;

/** DuckDB, imported on first use: a backtest needs it only to write its series at the end. */
function duck(): NonNullable<typeof duckdb> {
  duckdb ??= import('@duckdb/node-api').then(async (d) => ({
    instance: await d.DuckDBInstance.create(':memory:', { threads: '1' }),
    types: { BIGINT: d.BIGINT, INTEGER: d.INTEGER, DOUBLE: d.DOUBLE, VARCHAR: d.VARCHAR, BOOLEAN: d.BOOLEAN },
    chunk: (types) => d.DuckDBDataChunk.create(types),
  }));
  return duckdb;
}

/** Rows per data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/**
 * Fills one column of the chunk with `get` of rows[0..n): values into the vector's JS-side
 * buffer, one copy into DuckDB per column (the row-by-row appender crossed into DuckDB per value).
 * Integers given as numbers go into BIGINT columns through BigInt (exact for safe integers; a
 * fraction throws, as before); non-finite doubles are written as NULL.
 */
function fillColumn<R>(vector: DuckDBVector, type: ColumnType, get: Column<R>[2], rows: readonly R[], n: number): void {
  const v = vector as DuckDBVector<DuckDBValue>;
  for (let i = 0; i < n; i++) {
    const x = get(rows[i]!);
    switch (type) {
      case 'BIGINT':
        v.setItem(i, typeof x === 'bigint' ? x : BigInt(x as number));
        break;
      case 'INTEGER':
        v.setItem(i, x as number);
        break;
      case 'DOUBLE':
        v.setItem(i, Number.isFinite(x as number) ? x : null);
        break;
      case 'VARCHAR':
        v.setItem(i, String(x));
        break;
      case 'BOOLEAN':
        v.setItem(i, Boolean(x));
        break;
    }
  }
  v.flush();
}

/** Writes rows as a ZSTD Parquet file: appended to a DuckDB table a data chunk (2,048 rows) at a time, then COPY. */
export async function writeParquet<R>(path: string, columns: readonly Column<R>[], rows: Iterable<R>): Promise<void> {
  const d = await duck();
  const con = await d.instance.connect();
  const table = `t_${sha256Hex(path).slice(0, 12)}`;
  try {
    await con.run(`CREATE OR REPLACE TABLE ${table} (${columns.map(([n, t]) => `"${n}" ${t}`).join(', ')})`);
    const a = await con.createAppender(table);
    const chunk = d.chunk(columns.map(([, t]) => d.types[t]));
    const pending: R[] = [];
    const flush = (): void => {
      chunk.rowCount = pending.length;
      for (let c = 0; c < columns.length; c++) fillColumn(chunk.getColumnVector(c), columns[c]![1], columns[c]![2], pending, pending.length);
      a.appendDataChunk(chunk);
      pending.length = 0;
    };
    for (const row of rows) if (pending.push(row) === CHUNK_ROWS) flush();
    if (pending.length > 0) flush();
    a.flushSync();
    a.closeSync();
    await con.run(`COPY ${table} TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
    await con.run(`DROP TABLE ${table}`);
  } finally {
    con.closeSync();
  }
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, canonicalJsonPretty(value));
}

/**
 * Digest of the artifacts in `dir` (see module comment). `known`: SHA-256s already computed while
 * writing (the journal hashes itself as it is written), so large files are not read back.
 */
export function outputHashOf(dir: string, files: readonly string[], known: Readonly<Record<string, string>> = {}): { outputHash: string; files: Record<string, string> } {
  const hashes: Record<string, string> = {};
  for (const f of [...files].sort()) {
    if (f === 'manifest.json') continue;
    const k = known[f];
    if (k !== undefined) {
      hashes[f] = k;
      continue;
    }
    const raw = readFileSync(join(dir, f));
    let bytes: Uint8Array | string = raw;
    if (f === 'metrics.json') {
      const { throughput: _t, ...rest } = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      bytes = canonicalJson(rest);
    }
    hashes[f] = sha256Hex(bytes);
  }
  return { outputHash: sha256Hex(canonicalJson(hashes)), files: hashes };
}

/**
 * A fresh staging directory next to the final one (same filesystem, so rename is atomic), owned
 * by this process (a `.owner` file beside it, so `chassis gc` can tell a killed run's leftovers).
 */
export function stagingDirFor(finalDir: string, nonce: string): string {
  const dir = join(dirname(finalDir), `.staging-${nonce}`);
  mkdirSync(dir, { recursive: true });
  claimStaging(dir);
  return dir;
}

/** Removes a staging directory that will not be published, and its owner file. */
export function discardStaging(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
  releaseStaging(staging);
}

/**
 * Replaces `finalDir` with `staging` (an earlier run with the same id is replaced whole). The
 * earlier one is first renamed to `<finalDir>.old-<pid>-<ms>`: a process killed between the two
 * renames leaves it there, and `chassis gc` renames it back.
 */
export function publish(staging: string, finalDir: string): void {
  if (existsSync(finalDir)) {
    const old = `${finalDir}.old-${process.pid}-${Date.now()}`;
    renameSync(finalDir, old);
    renameSync(staging, finalDir);
    rmSync(old, { recursive: true, force: true });
  } else renameSync(staging, finalDir);
  releaseStaging(staging);
}
