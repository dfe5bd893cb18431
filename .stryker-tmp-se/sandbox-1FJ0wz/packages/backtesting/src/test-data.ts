/**
 * Test fixture: real data imported through the quality gate into a temporary data root
 * (the bundled Binance USD-M capture, optionally cut to its first lines or with a hole).
 */
// @ts-nocheck

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const USDM_CAPTURE = join(REPO_ROOT, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');

/** Imports lines [0, lines) of the capture, minus the `drop` range, into a fresh data root. */
export async function importedDataRoot(options: { lines?: number; drop?: readonly [number, number] } = {}): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'chassis-bt-'));
  let file = USDM_CAPTURE;
  if (options.lines !== undefined || options.drop) {
    const all = gunzipSync(readFileSync(USDM_CAPTURE)).toString('utf8').split('\n');
    const [a, b] = options.drop ?? [-1, -1];
    const kept = all.slice(0, options.lines ?? all.length).filter((_, i) => i < a || i >= b);
    file = join(root, 'capture.txt');
    writeFileSync(file, kept.join('\n'));
  }
  await importCapture(openStorage(join(root, 'data')), file, { venue: 'binance-usdm' });
  return join(root, 'data');
}
