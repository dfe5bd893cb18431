/**
 * The run's series Parquet files alone (part read): a quick run (USD-M capture × N) is written
 * once; its orders, fills, positions and equity rows are read back through DuckDB into the
 * recorder's row shapes and written again with writeSeries: the first call (cold code, as at the
 * end of a run; DuckDB opened before) and the best of several more, CPU time of the writes only.
 * Each round's files must equal the run's own byte for byte.
 *   node --import tsx bench/quick/read-series-cpu.ts [repeat=20] [rounds=5]
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { RUN_SERIES_SCHEMAS } from '@chassis/backtesting';
import { writeParquet } from '../../packages/backtesting/src/artifacts.ts';
import { writeSeries } from '../../packages/backtesting/src/series.ts';
import type { RunRecorder } from '../../packages/backtesting/src/recorder.ts';
import { quickBacktest } from './quick-run.ts';

const repeat = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 5);
const run = `/tmp/chassis-quick/read-series-run-${repeat}`;
if (!existsSync(join(run, 'manifest.json'))) await quickBacktest(repeat, run);

/** snake_case column → the recorder row's field name. */
const FIELD: Record<string, string> = { ts_local_ns: 'tsLocalNs', ts_event_ns: 'tsEventNs', created_ts_local_ns: 'createdTsLocalNs', inventory_lots: 'inventory' };
const camel = (c: string) => FIELD[c] ?? c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
const BIGINT_FIELDS = new Set(['tsLocalNs', 'tsEventNs', 'createdTsLocalNs', 'feeUnits']);
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
async function rows(file: string): Promise<Record<string, unknown>[]> {
  const r = await con.runAndReadAll(`SELECT * FROM read_parquet('${join(run, file)}')`);
  return r.getRowObjects().map((o) => {
    const row: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      const f = camel(k);
      row[f] = typeof v === 'bigint' && !BIGINT_FIELDS.has(f) ? Number(v) : v === null ? NaN : v;
    }
    return row;
  });
}
const orders = await rows(RUN_SERIES_SCHEMAS.orders.file);
const rec = {
  orders: new Map(orders.map((o) => [o['orderId'], o])),
  fills: await rows(RUN_SERIES_SCHEMAS.fills.file),
  positions: await rows(RUN_SERIES_SCHEMAS.positions.file),
  equity: await rows(RUN_SERIES_SCHEMAS.equity.file),
} as unknown as RunRecorder;
con.closeSync();
const counts = `${rec.orders.size} orders, ${rec.fills.length} fills, ${rec.positions.length} positions, ${rec.equity.length} equity rows`;
const out = `/tmp/chassis-quick/read-series-out-${process.pid}`;
mkdirSync(out, { recursive: true });
// The first call as a run makes it (once per process: cold code), DuckDB's database opened before.
await writeParquet(join(out, 'warm.parquet'), [['x', 'INTEGER', (r: number) => r]], [1]);
const f0 = process.cpuUsage();
await writeSeries(out, rec, writeParquet);
const f = process.cpuUsage(f0);
const first = (f.user + f.system) / 1e6;
let best = Infinity;
for (let r = 0; r < rounds; r++) {
  const c0 = process.cpuUsage();
  await writeSeries(out, rec, writeParquet);
  const c = process.cpuUsage(c0);
  best = Math.min(best, (c.user + c.system) / 1e6);
  for (const s of Object.values(RUN_SERIES_SCHEMAS))
    if (!readFileSync(join(out, s.file)).equals(readFileSync(join(run, s.file)))) throw new Error(`${s.file} differs from the run's`);
}
rmSync(out, { recursive: true, force: true });
console.log(`${counts}: writeSeries first call ${first.toFixed(3)} CPU-s, best ${best.toFixed(3)} CPU-s of ${rounds} more; files equal the run's byte for byte`);
