/**
 * import: the whole `chassis import` path over the real Binance USD-M capture (raw copy,
 * readCapture, quality gate checks, normalization to integer units, Parquet write, atomic
 * commit, catalog) into a fresh data root per sample, against plain gunzip + line split of the
 * same file in the same run. Unit: messages per second.
 */
// @ts-nocheck

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { median, result, sampleAsync, type BenchResult, type BenchSection } from '../types.ts';
import { gunzipLines, messagesPerSecond, USDM_CAPTURE_FILE } from '../capture-baseline.ts';

async function importOnce(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'chassis-bench-import-'));
  try {
    const r = await importCapture(openStorage(root), USDM_CAPTURE_FILE);
    if (!r.datasets.every((d) => d.outcome === 'promoted')) throw new Error('import bench: capture was not promoted');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export const importSection: BenchSection = {
  name: 'import',
  async run(): Promise<BenchResult[]> {
    const baseline = await sampleAsync(gunzipLines, messagesPerSecond);
    const imported = await sampleAsync(importOnce, messagesPerSecond);
    return [
      result(
        'import',
        'msg/s',
        imported,
        median(baseline),
        'binance-usdm through the quality gate into canonical Parquet; baseline = gunzip + line split',
      ),
      result('import-baseline', 'msg/s', baseline, null, 'gunzip + line split'),
    ];
  },
};
