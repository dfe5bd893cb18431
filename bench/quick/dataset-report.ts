/**
 * Time to build `chassis data report` (not a bench section): the Binance USD-M BTCUSDT capture
 * imported through the quality gate (1×: 345 s, 533k canonical rows), and the same data ten
 * times over (10×: 57.6 min) — each kind's day-one dataset replicated into one dataset of ten
 * back-to-back copies, each copy 346 s earlier than the next, batch and update ids offset so
 * the rows stay in processing order — written with DuckDB as canonical Parquet and added to
 * the catalog. Wall and CPU seconds, cold (first read decodes the Parquet and writes the
 * columnar cache) and warm; page size.
 * `day [events=23500000]` instead times the report of bench/synthetic-day.ts's synthetic day
 * (generated once and cached; 23.5 M market events is the capture's own rate over 24 h).
 *   node --import tsx bench/quick/dataset-report.ts [copies=10]
 *   node --import tsx bench/quick/dataset-report.ts day [events]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildDatasetReport } from '@chassis/analysis';
import { importCapture } from '@chassis/quality';
import { openCatalog, openStorage, type DatasetMeta, type Storage } from '@chassis/storage';
import { USDM_CAPTURE_FILE } from '../capture-baseline.ts';
import { syntheticDay } from '../synthetic-day.ts';

const copies = process.argv[2] === 'day' ? 0 : Number(process.argv[2] ?? 10);
const SHIFT_NS = 346_000_000_000n;
const ID_OFFSET = 10_000_000_000n;

async function timeReport(storage: Storage, target: string, label: string): Promise<void> {
  for (const pass of ['cold', 'warm']) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { html, data } = await buildDatasetReport(storage, target);
    const wall = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    const rows = data.scope.datasets.reduce((n, d) => n + d.rows, 0);
    console.log(`${label} ${pass}: ${rows} rows, ${data.grid.buckets} buckets of ${Number(data.grid.bucketNs) / 1e6} ms — ${wall.toFixed(2)} s wall, ${((cu.user + cu.system) / 1e6).toFixed(2)} CPU-s, page ${(html.length / 1e6).toFixed(2)} MB`);
  }
}

/** One dataset holding `copies` back-to-back copies of `meta`'s rows, the last copy at the original time. */
async function replicate(from: Storage, to: Storage, meta: DatasetMeta): Promise<DatasetMeta> {
  const source = await from.localPath(meta.files[0]!.key);
  const ids = meta.kind === 'trade' ? [] : meta.kind === 'bbo' ? ['update_id'] : ['update_id', 'batch_id'];
  const selects = Array.from({ length: copies }, (_, i) => {
    const back = BigInt(copies - 1 - i);
    const shifted = (c: string) => (c.startsWith('ts_') ? `${c} - ${back * SHIFT_NS} AS ${c}` : ids.includes(c) ? `${c} + ${BigInt(i) * ID_OFFSET} AS ${c}` : c === 'trade_id' ? `trade_id || '-${i}' AS trade_id` : c);
    const cols = meta.kind === 'book_delta' ? ['ts_event_ns', 'ts_local_ns', 'update_id', 'batch_id', 'is_snapshot', 'side', 'price', 'size'] : meta.kind === 'trade' ? ['ts_event_ns', 'ts_local_ns', 'trade_id', 'price', 'size', 'aggressor'] : ['ts_event_ns', 'ts_local_ns', 'update_id', 'bid_price', 'bid_size', 'ask_price', 'ask_size'];
    return `SELECT ${cols.map(shifted).join(', ')}, ${i} AS copy_no FROM read_parquet('${source}')`;
  });
  const id = `ds_${createHash('sha256').update(`${meta.id}x${copies}`).digest('hex').slice(0, 24)}`;
  const prefix = `canonical/${meta.venue}/${meta.symbol}/${meta.kind}/${meta.day}/${id}`;
  const key = `${prefix}/data.parquet`;
  const path = join(to.root, key);
  mkdirSync(dirname(path), { recursive: true });
  const con = await (await DuckDBInstance.create(':memory:', { threads: '2' })).connect();
  await con.run(`COPY (SELECT * EXCLUDE (copy_no) FROM (${selects.join(' UNION ALL ')}) ORDER BY copy_no) TO '${path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536, PRESERVE_ORDER true)`);
  con.closeSync();
  return {
    ...meta,
    id,
    contentHash: id.slice(3).padEnd(64, '0'),
    startNs: meta.startNs - BigInt(copies - 1) * SHIFT_NS,
    rows: meta.rows * copies,
    prefix,
    files: [{ key, rows: meta.rows * copies, bytes: statSync(path).size }],
    gaps: [],
  };
}

if (process.argv[2] === 'day') {
  const day = await syntheticDay({ targetEvents: Number(process.argv[3] ?? 23_500_000) });
  console.log(day.describe);
  await timeReport(openStorage(day.dataRoot), `${day.venue}:${day.instrument}`, 'synthetic day');
  process.exit(0);
}

const one = openStorage(mkdtempSync(join(tmpdir(), 'chassis-bench-data-report-')));
await importCapture(one, USDM_CAPTURE_FILE);
console.log(`capture ${USDM_CAPTURE_FILE} (${(statSync(USDM_CAPTURE_FILE).size / 1e6).toFixed(1)} MB gz)`);
await timeReport(one, 'binance-usdm:BTCUSDT', '1×');

const many = openStorage(mkdtempSync(join(tmpdir(), 'chassis-bench-data-report-x-')));
const catalog = openCatalog(many);
for (const meta of (await openCatalog(one).list()).filter((d) => d.segment === 0)) await catalog.add(await replicate(one, many, meta));
await timeReport(many, 'binance-usdm:BTCUSDT', `${copies}×`);
