/**
 * Import parse throughput: readCapture over the real Binance USD-M capture (93,954 messages:
 * gunzip, line split, JSON parse, book sync, normalized records), against a baseline of plain
 * gunzip + line split of the same file in the same run. Unit: messages per second.
 */
import { readCapture } from '@chassis/venues';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
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
  return lines + (rest.length > 0 ? 1 : 0);
}

async function parseAll(): Promise<number> {
  let n = 0;
  for await (const _ of readCapture(FILE)) n++;
  return n;
}

async function samples(fn: () => Promise<number>, n: number): Promise<number[]> {
  await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(MESSAGES / ((performance.now() - t0) / 1000));
  }
  return out;
}

export const importParse: BenchSection = {
  name: 'import-parse',
  async run(): Promise<BenchResult[]> {
    const baseline = await samples(gunzipLines, 5);
    const parsed = await samples(parseAll, 5);
    return [result('import-parse', 'msg/s', parsed, median(baseline), 'binance-usdm readCapture → records; baseline = gunzip + line split'), result('import-parse-baseline', 'msg/s', baseline, null, 'gunzip + line split')];
  },
};
