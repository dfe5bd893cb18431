/**
 * The import benchmarks' shared input and baseline: the raw Binance USD-M capture (gzip,
 * `<ns> <json>` per line) and the cheapest thing any importer must do with it — gunzip and
 * split into lines.
 */
// @ts-nocheck

import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { dataFixturesDir } from '../examples/data/index.ts';

export const USDM_CAPTURE_FILE = `${dataFixturesDir}/binance-hftbacktest/usdm_btcusdt_20240808.gz`;
/** Lines (venue messages) in the capture. */
export const USDM_CAPTURE_MESSAGES = 93_954;

/** Gunzips the capture and counts its lines. */
export async function gunzipLines(): Promise<number> {
  let lines = 0;
  let rest = '';
  for await (const chunk of createReadStream(USDM_CAPTURE_FILE).pipe(createGunzip())) {
    const parts = (rest + (chunk as Buffer).toString('utf8')).split('\n');
    rest = parts.pop()!;
    lines += parts.length;
  }
  return lines + (rest.length > 0 ? 1 : 0);
}

/** Messages per second from a sample's elapsed milliseconds. */
export const messagesPerSecond = (elapsedMs: number): number => USDM_CAPTURE_MESSAGES / (elapsedMs / 1000);
