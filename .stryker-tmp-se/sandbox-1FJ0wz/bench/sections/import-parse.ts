/**
 * Import parse throughput: readCapture over the real Binance USD-M capture (93,954 messages:
 * gunzip, line split, JSON parse, book sync, normalized records), against a baseline of plain
 * gunzip + line split of the same file in the same run. Unit: messages per second.
 */
// @ts-nocheck

import { readCapture } from '@chassis/venues';
import { median, result, sampleAsync, type BenchResult, type BenchSection } from '../types.ts';
import { gunzipLines, messagesPerSecond, USDM_CAPTURE_FILE } from '../capture-baseline.ts';

async function parseAll(): Promise<number> {
  let n = 0;
  for await (const _ of readCapture(USDM_CAPTURE_FILE)) n++;
  return n;
}

export const importParse: BenchSection = {
  name: 'import-parse',
  async run(): Promise<BenchResult[]> {
    const baseline = await sampleAsync(gunzipLines, messagesPerSecond);
    const parsed = await sampleAsync(parseAll, messagesPerSecond);
    return [
      result(
        'import-parse',
        'msg/s',
        parsed,
        median(baseline),
        'binance-usdm readCapture → records; baseline = gunzip + line split',
      ),
      result('import-parse-baseline', 'msg/s', baseline, null, 'gunzip + line split'),
    ];
  },
};
