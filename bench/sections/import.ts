/**
 * import: the whole `chassis import` path over the real Binance USD-M capture (raw copy,
 * readCapture, quality gate checks, normalization to integer units, Parquet write, atomic
 * commit, catalog) into a fresh data root per sample, against plain gunzip + line split of the
 * same file in the same run. Unit: messages per second.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { median, result, type BenchResult, type BenchSection } from '../types.ts';
import { dataFixturesDir } from '../../examples/data/index.ts';

const FILE = `${dataFixturesDir}/binance-hftbacktest/usdm_btcusdt_20240808.gz`;
const MESSAGES = 93_954;

async function gunzipLines(): Promise<number> {
  let lines = 0;
  let rest = '';
  for await (const chunk of createReadStream(FILE).pipe(createGunzip())) {
    const parts = (rest + (chunk as Buffer).toString('utf8')).split('\n');
    rest = parts.pop()!;
    lines += parts.length;
  }
  return lines;
}

async function importOnce(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'chassis-bench-import-'));
  try {
    const r = await importCapture(openStorage(root), FILE);
    if (!r.datasets.every((d) => d.outcome === 'promoted')) throw new Error('import bench: capture was not promoted');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function samples(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(MESSAGES / ((performance.now() - t0) / 1000));
  }
  return out;
}

export const importSection: BenchSection = {
  name: 'import',
  async run(): Promise<BenchResult[]> {
    const baseline = await samples(gunzipLines, 5);
    const imported = await samples(importOnce, 5);
    return [result('import', 'msg/s', imported, median(baseline), 'binance-usdm through the quality gate into canonical Parquet; baseline = gunzip + line split'), result('import-baseline', 'msg/s', baseline, null, 'gunzip + line split')];
  },
};
