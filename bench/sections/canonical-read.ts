/**
 * canonical-read: readCanonical (DuckDB Parquet → typed-array batches of 65,536 rows) over the
 * three USD-M BTCUSDT canonical datasets (book_delta, trade, bbo), in rows/s, against raw-scan
 * (bench/raw-scan.ts: the same columns already in typed arrays) measured in the same run.
 */
import { readCanonical, type DatasetMeta, type Storage } from '@chassis/storage';
import { measureRawScan } from '../raw-scan.ts';
import { usdmCanonical } from '../usdm-canonical.ts';
import { result, sampleAsync, type BenchResult, type BenchSection } from '../types.ts';

async function readAll(storage: Storage, metas: readonly DatasetMeta[]): Promise<number> {
  let rows = 0;
  for (const m of metas) {
    for await (const b of readCanonical(storage, m)) rows += b.length;
  }
  return rows;
}

export const canonicalRead: BenchSection = {
  name: 'canonical-read',
  async run(ctx): Promise<BenchResult[]> {
    const data = await usdmCanonical();
    const metas = [...data.datasets.book_delta, ...data.datasets.trade, ...data.datasets.bbo];
    const got = await readAll(data.storage, metas);
    if (got !== data.rows) throw new Error(`canonical-read: read ${got} rows, expected ${data.rows}`);
    const scan = measureRawScan(data);
    const read = await sampleAsync(() => readAll(data.storage, metas), (ms) => data.rows / (ms / 1000), { warmup: 1, samples: ctx.quick ? 5 : 7 });
    return [result('canonical-read', 'rows/s', read, scan.medianRowsPerSecond, `${data.describe}; ${metas.length} Parquet files; read in wall time (DuckDB uses its own threads), baseline = raw-scan rows/s (CPU time)`)];
  },
};
