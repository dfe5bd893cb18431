/**
 * canonical-read: readCanonical over the USD-M BTCUSDT book_delta dataset (445k rows, DuckDB
 * Parquet → typed-array batches), against raw-scan: the same 8 columns already in typed arrays,
 * scanned once (the floor any reader is compared with). Unit: rows per second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog, openStorage, readCanonical, type BookDeltaBatch, type DatasetMeta, type Storage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { median, result, sample, type BenchResult, type BenchSection } from '../types.ts';

const FILE = '/work/shared/data/binance-hftbacktest/usdm_btcusdt_20240808.gz';

async function readAll(storage: Storage, ds: DatasetMeta, keep?: BookDeltaBatch[]): Promise<number> {
  let rows = 0;
  let acc = 0;
  for await (const b of readCanonical(storage, ds)) {
    const d = b as BookDeltaBatch;
    acc += d.price[0]! + d.size[d.length - 1]!;
    rows += d.length;
    keep?.push(d);
  }
  if (acc < 0) throw new Error('unreachable');
  return rows;
}

export const canonicalRead: BenchSection = {
  name: 'canonical-read',
  async run(): Promise<BenchResult[]> {
    const root = mkdtempSync(join(tmpdir(), 'chassis-bench-read-'));
    try {
      const storage = openStorage(root);
      await importCapture(storage, FILE);
      const [ds] = (await openCatalog(storage).find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind: 'book_delta' })).sort((a, b) => b.rows - a.rows);
      const batches: BookDeltaBatch[] = [];
      const rows = await readAll(storage, ds!, batches);
      let sink = 0;
      const scan = sample(
        () => {
          for (const b of batches) {
            for (let i = 0; i < b.length; i++) sink += b.price[i]! + b.size[i]! + b.side[i]! + b.isSnapshot[i]! + Number(b.tsEventNs[i]! & 1n) + Number(b.tsLocalNs[i]! & 1n) + Number(b.updateId[i]! & 1n) + Number(b.batchId[i]! & 1n);
          }
        },
        (ms) => rows / (ms / 1000),
      );
      const read: number[] = [];
      await readAll(storage, ds!);
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await readAll(storage, ds!);
        read.push(rows / ((performance.now() - t0) / 1000));
      }
      if (sink === -1) throw new Error('unreachable');
      return [result(`canonical-read book_delta ${rows} rows → typed arrays`, 'rows/s', read, median(scan)), result('raw-scan: same columns already in typed arrays', 'rows/s', scan)];
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};
