/**
 * canonical-read: readCanonical over the three USD-M BTCUSDT canonical datasets (book_delta,
 * trade, bbo), in rows/s, against raw-scan (bench/raw-scan.ts: the same columns already in
 * typed arrays) measured in the same run. Two rows, never mixed:
 * - `canonical-read`: Parquet decoded by DuckDB every time (`cache: false`);
 * - `canonical-read-cached`: the columnar decode cache under derived/columnar/ (built once
 *   before sampling), which is what a backtest reads after the first run of a dataset.
 */
// @ts-nocheck

import { readCanonical, type DatasetMeta, type Storage } from '@chassis/storage';
import { measureRawScan } from '../raw-scan.ts';
import { usdmCanonical } from '../usdm-canonical.ts';
import { result, sampleAsync, type BenchResult, type BenchSection } from '../types.ts';

async function readAll(storage: Storage, metas: readonly DatasetMeta[], cache: boolean): Promise<number> {
  let rows = 0;
  for (const m of metas) {
    for await (const b of readCanonical(storage, m, { cache })) rows += b.length;
  }
  return rows;
}

export const canonicalRead: BenchSection = {
  name: 'canonical-read',
  async run(ctx): Promise<BenchResult[]> {
    const data = await usdmCanonical();
    const metas = [...data.datasets.book_delta, ...data.datasets.trade, ...data.datasets.bbo];
    for (const cache of [false, true]) {
      const got = await readAll(data.storage, metas, cache); // with cache: true this builds the cache
      if (got !== data.rows) throw new Error(`canonical-read: read ${got} rows, expected ${data.rows} (cache: ${cache})`);
    }
    const scan = measureRawScan(data);
    const opts = { warmup: 1, samples: ctx.quick ? 5 : 7 };
    const parquet = await sampleAsync(() => readAll(data.storage, metas, false), (ms) => data.rows / (ms / 1000), opts);
    const cached = await sampleAsync(() => readAll(data.storage, metas, true), (ms) => data.rows / (ms / 1000), opts);
    const inputs = `${data.describe}; ${metas.length} datasets; wall time; baseline = raw-scan rows/s (CPU time)`;
    return [
      result('canonical-read', 'rows/s', parquet, scan.medianRowsPerSecond, `${inputs}; Parquet decoded by DuckDB each time`),
      result('canonical-read-cached', 'rows/s', cached, scan.medianRowsPerSecond, `${inputs}; columnar decode cache (derived/columnar)`),
    ];
  },
};
