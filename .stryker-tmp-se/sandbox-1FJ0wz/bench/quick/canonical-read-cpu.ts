/**
 * Canonical read, cached vs Parquet (not a bench section): rows per CPU second of readCanonical
 * over the quick data root's datasets, from the columnar decode cache (derived/columnar/) and
 * from the Parquet files through DuckDB (cache: false). Best of N passes each, alternating.
 *   node --import tsx bench/quick/canonical-read-cpu.ts [passes=5]
 * Needs /tmp/chassis-quick/data (run backtest-cpu.ts once).
 */
// @ts-nocheck

import { openCatalog, openStorage, readCanonical, type Storage, type DatasetMeta } from '@chassis/storage';

const storage: Storage = openStorage('/tmp/chassis-quick/data');
const metas: DatasetMeta[] = await openCatalog(storage).list();
const passes = Number(process.argv[2] ?? 5);

async function pass(cache: boolean): Promise<{ rows: number; cpu: number }> {
  const c0 = process.cpuUsage();
  let rows = 0;
  for (const m of metas) for await (const b of readCanonical(storage, m, { cache })) rows += b.length;
  const cu = process.cpuUsage(c0);
  return { rows, cpu: (cu.user + cu.system) / 1e6 };
}

await pass(true); // builds the cache if missing
const best = { cached: Infinity, parquet: Infinity };
let rows = 0;
for (let i = 0; i < passes; i++) {
  const a = await pass(true);
  const b = await pass(false);
  rows = a.rows;
  best.cached = Math.min(best.cached, a.cpu);
  best.parquet = Math.min(best.parquet, b.cpu);
}
console.log(
  `${rows} rows (${metas.length} datasets): cached ${(rows / best.cached / 1e6).toFixed(1)}M rows/CPU-s, ` +
    `Parquet (DuckDB) ${(rows / best.parquet / 1e6).toFixed(2)}M rows/CPU-s — ${(best.parquet / best.cached).toFixed(1)}×`,
);
