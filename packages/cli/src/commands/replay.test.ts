import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runBacktest } from '@chassis/backtesting';
import { openCatalog, openStorage } from '@chassis/storage';
import { runChassis } from '../../../../test/chassis-process.ts';
import { importedDataRoot, REPO_ROOT } from '../../../backtesting/src/test-data.ts';

let root = '';
let runDir = '';

beforeAll(async () => {
  root = await importedDataRoot({ lines: 3000 });
  const r = await runBacktest({
    definition: {
      data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
      strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
      output: { dir: join(mkdtempSync(join(tmpdir(), 'replay-cli-')), 'run') },
    },
    baseDir: REPO_ROOT,
    dataRoot: root,
    codeVersion: 'test-replay-cli',
  });
  runDir = r.outDir;
}, 120_000);

describe('chassis replay <run>', () => {
  it('replays a backtest whose journal references its datasets, finding them in the data root the run read', async () => {
    const r = await runChassis(['replay', runDir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^replay ok: \d+ events, \d+ state-hash checkpoints and \d+ RequestSent verified/);
  });

  it('exits non-zero naming the data root when --data points at one without the datasets', async () => {
    const other = mkdtempSync(join(tmpdir(), 'replay-cli-empty-'));
    const r = await runChassis(['replay', runDir, '--data', other]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(new RegExp(`^E_RUN_DATASET_MISSING: dataset ds_[0-9a-f]+ \\(binance-usdm:BTCUSDT book_delta\\), which the run read, is not in the catalog of ${other}`));
  });

  it('exits non-zero naming the dataset when one of its files was removed', async () => {
    const storage = openStorage(root);
    const [trade] = await openCatalog(storage).find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind: 'trade' });
    rmSync(await storage.localPath(trade!.files[0]!.key));
    const r = await runChassis(['replay', runDir]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`E_RUN_DATASET_MISSING: dataset ${trade!.id} (binance-usdm:BTCUSDT trade): its file ${trade!.files[0]!.key} is missing`);
  });
});
