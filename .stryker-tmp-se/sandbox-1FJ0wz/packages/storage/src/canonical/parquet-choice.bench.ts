/**
 * The benchmark behind the Parquet library choice (see README "Why DuckDB").
 * Writes one synthetic book_delta-shaped file (N rows, ZSTD, DECIMAL(18,s) prices/sizes,
 * INT64 ns timestamps) with DuckDB, then reads every column into typed arrays with each
 * candidate, row group by row group. Run: node --import tsx packages/storage/src/canonical/parquet-choice.bench.ts [rows]
 */
// @ts-nocheck

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, DuckDBBooleanVector, DuckDBVarCharVector } from '@duckdb/node-api';

// The losing candidates were uninstalled from @chassis/storage; to re-run the comparison,
// `npm i --no-save hyparquet hyparquet-compressors parquet-wasm apache-arrow` first.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const load = async (name: string): Promise<Any> => import(name).catch(() => null);
const hyparquet = await load('hyparquet');
const hypComp = await load('hyparquet-compressors');
const pw = await load('parquet-wasm');
const arrow = await load('apache-arrow');

const rows = Number(process.argv[2] ?? 2_000_000);
const dir = mkdtempSync(join(tmpdir(), 'pq-choice-'));
const file = join(dir, 'book_delta.parquet');

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(`COPY (SELECT 1723075200000000000 + i * 1000000 AS ts_event_ns, 1723075200000000000 + i * 1000000 + 500 AS ts_local_ns,
  CASE WHEN i % 10 = 0 THEN NULL ELSE i END AS update_id, i // 7 AS batch_id, i < 1000 AS is_snapshot,
  CASE WHEN i % 2 = 0 THEN 'bid' ELSE 'ask' END AS side,
  CAST(60000 + (i % 5000) / 10.0 AS DECIMAL(18,1)) AS price, CAST((i % 997) / 1000.0 AS DECIMAL(18,3)) AS size
  FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
console.log(`file: ${rows} rows, ${(statSync(file).size / 1e6).toFixed(1)} MB`);

function report(name: string, t0: number, n: number, checksum: number): void {
  const s = (performance.now() - t0) / 1000;
  console.log(`${name.padEnd(28)} ${(n / s / 1e6).toFixed(2)} M rows/s  (${s.toFixed(2)} s, checksum ${checksum})`);
}

async function duck(): Promise<void> {
  const t0 = performance.now();
  const result = await con.stream(`SELECT * FROM read_parquet('${file}')`);
  let n = 0;
  let sum = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const len = chunk.rowCount;
    const ts = new BigInt64Array((chunk.getColumnVector(0) as unknown as { items: BigInt64Array }).items);
    const price = new Float64Array(len);
    const pv = (chunk.getColumnVector(6) as unknown as { dataView: DataView }).dataView;
    const pItems = new BigInt64Array(pv.buffer, pv.byteOffset, len);
    for (let i = 0; i < len; i++) price[i] = Number(pItems[i]!);
    const size = new Float64Array(len);
    const sv = (chunk.getColumnVector(7) as unknown as { dataView: DataView }).dataView;
    const sItems = new BigInt64Array(sv.buffer, sv.byteOffset, len);
    for (let i = 0; i < len; i++) size[i] = Number(sItems[i]!);
    const snap = chunk.getColumnVector(4) as DuckDBBooleanVector;
    const side = chunk.getColumnVector(5) as DuckDBVarCharVector;
    const sideArr = new Uint8Array(len);
    for (let i = 0; i < len; i++) sideArr[i] = side.getItem(i) === 'ask' ? 1 : 0;
    void snap;
    sum += price[0]! + size[len - 1]! + Number(ts[0]! % 7n) + sideArr[0]!;
    n += len;
  }
  report('duckdb (stream chunks)', t0, n, sum);
}

async function hyp(): Promise<void> {
  if (!hyparquet || !hypComp) return console.log('hyparquet not installed');
  const { parquetMetadataAsync, parquetRead } = hyparquet;
  const { compressors } = hypComp;
  const t0 = performance.now();
  const fh = await open(file);
  const byteLength = (await fh.stat()).size;
  const asyncBuffer = {
    byteLength,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const len = (end ?? byteLength) - start;
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, start);
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + len);
    },
  };
  const metadata = await parquetMetadataAsync(asyncBuffer);
  let n = 0;
  let sum = 0;
  let start = 0;
  for (const rg of metadata.row_groups) {
    const count = Number(rg.num_rows);
    const cols: Record<string, ArrayLike<unknown>> = {};
    await parquetRead({
      file: asyncBuffer, metadata, compressors, rowStart: start, rowEnd: start + count,
      onChunk: (c: { columnName: string; columnData: unknown }) => { cols[c.columnName] = c.columnData as ArrayLike<unknown>; },
    });
    const price = new Float64Array(count);
    const p = cols.price as ArrayLike<number>;
    for (let i = 0; i < count; i++) price[i] = Math.round(p[i]! * 10);
    const size = new Float64Array(count);
    const s = cols.size as ArrayLike<number>;
    for (let i = 0; i < count; i++) size[i] = Math.round(s[i]! * 1000);
    const sideArr = new Uint8Array(count);
    const sd = cols.side as ArrayLike<string>;
    for (let i = 0; i < count; i++) sideArr[i] = sd[i] === 'ask' ? 1 : 0;
    const ts = cols.ts_event_ns as ArrayLike<bigint>;
    sum += price[0]! + size[count - 1]! + Number(ts[0]! % 7n) + sideArr[0]!;
    n += count;
    start += count;
  }
  await fh.close();
  report('hyparquet (row groups)', t0, n, sum);
}

async function wasm(): Promise<void> {
  if (!pw || !arrow) return console.log('parquet-wasm/apache-arrow not installed');
  const { tableFromIPC } = arrow;
  const t0 = performance.now();
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(file); // parquet-wasm needs the bytes in memory (or a URL)
  let n = 0;
  let sum = 0;
  const wasmTable = pw.readParquet(bytes);
  const table = tableFromIPC(wasmTable.intoIPCStream());
  for (const batch of table.batches) {
    const count = batch.numRows;
    const price = new Float64Array(count);
    const pc = batch.getChild('price')!;
    for (let i = 0; i < count; i++) price[i] = Number(pc.get(i));
    const ts = batch.getChild('ts_event_ns')!.data[0]!.values as BigInt64Array;
    sum += price[0]! + Number(ts[0]! % 7n);
    n += count;
  }
  report('parquet-wasm + arrow (whole)', t0, n, sum);
}

await duck();
await hyp();
await duck();
try { await wasm(); } catch (e) { console.log('parquet-wasm failed:', (e as Error).message); }
con.closeSync();
rmSync(dir, { recursive: true, force: true });
