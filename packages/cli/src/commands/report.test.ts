import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalWriter, readJournal, runBacktest } from '@chassis/backtesting';
import { importedDataRoot, REPO_ROOT } from '../../../backtesting/src/test-data.ts';
import { runChassis } from '../../../../test/chassis-process.ts';

let root = '';
let work = '';
let runDir = '';
/** The same run with a journal of its own events only, outside any data root. */
let ownOnly = '';

beforeAll(async () => {
  root = await importedDataRoot({ lines: 20_000 });
  work = mkdtempSync(join(tmpdir(), 'chassis-report-cli-'));
  const r = await runBacktest({
    definition: { data: { venue: 'binance-usdm', instrument: 'BTCUSDT' }, strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } }, seed: 1 },
    baseDir: REPO_ROOT,
    dataRoot: root,
    codeVersion: 'test',
  });
  runDir = r.outDir;
  ownOnly = join(work, 'own-only');
  cpSync(runDir, ownOnly, { recursive: true });
  const w = new JournalWriter(join(ownOnly, 'journal.bin'));
  for (const e of readJournal(join(runDir, 'journal.bin'))) if (e.kind !== 'bbo' && e.kind !== 'trade' && e.kind !== 'book_delta') w.append(e);
  w.close();
}, 120_000);

describe('chassis report of a run whose journal holds no market events', () => {
  it('draws the same page as for the journal with them, reading the mids from the datasets under --data', async () => {
    const full = await runChassis(['report', runDir, '--out', join(work, 'full.html')]);
    expect(full.code, full.err).toBe(0);
    const own = await runChassis(['report', ownOnly, '--data', root, '--out', join(work, 'own.html')]);
    expect(own.code, own.err).toBe(0);
    expect(own.out).toMatch(/run report: .*own\.html/);
    expect(readFileSync(join(work, 'own.html'), 'utf8')).toBe(readFileSync(join(work, 'full.html'), 'utf8'));
  }, 120_000);

  it('names the dataset it needs when the data root does not hold it', async () => {
    const empty = join(work, 'empty-root');
    const r = await runChassis(['report', ownOnly, '--data', empty, '--out', join(work, 'never.html')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/E_RUN_DATASET\w*: .*dataset ds_\w+.* is not in the catalog of .*empty-root/);
  }, 60_000);
});
