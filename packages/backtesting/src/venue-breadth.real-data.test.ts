/**
 * Backtests on the venues added with issue 14, each from its real capture imported through the
 * quality gate: Hyperliquid BTC (linear USDC perp), Deribit BTC-24SEP21-8000-P (a BTC option,
 * premium-linear in BTC) and BitMEX XBTUSD (inverse, 1 USD contracts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { cryptofeedDir, hftbacktestDir } from '../../../examples/data/index.ts';
import { runBacktest } from './run.ts';
import { REPO_ROOT } from './test-data.ts';

let root = '';

beforeAll(async () => {
  root = join(mkdtempSync(join(tmpdir(), 'chassis-venues-')), 'data');
  const storage = openStorage(root);
  for (const file of [join(hftbacktestDir, 'hyperliquid_btcusd_20250126.gz'), join(cryptofeedDir, 'DERIBIT.ws.1.0'), join(cryptofeedDir, 'BITMEX.ws.1.0')]) {
    const r = await importCapture(storage, file);
    expect(r.datasets.every((d) => d.outcome === 'promoted')).toBe(true);
  }
}, 120_000);

describe('backtest on one instrument of each venue imported from a real capture', () => {
  it.each([
    ['hyperliquid', 'BTC', 'linear', 'USDC'],
    ['deribit', 'BTC-24SEP21-8000-P', 'linear', 'BTC'],
    ['bitmex', 'XBTUSD', 'inverse', 'XBT'],
  ])('%s %s completes on its canonical data as a %s contract settled in %s', async (venue, instrument, contractType, settlement) => {
    const r = await runBacktest({
      definition: { data: { venue, instrument }, strategy: { module: 'examples/strategies/market-maker.ts' }, seed: 1 },
      baseDir: REPO_ROOT,
      dataRoot: root,
      codeVersion: `test-venue-breadth-${venue}`,
    });
    expect(r.diagnostic).toBeNull();
    expect(r.status).toBe('completed');
    expect(r.marketEvents).toBeGreaterThan(20);
    const run = JSON.parse(readFileSync(join(r.outDir, 'run.json'), 'utf8')) as { instruments: { id: string; contractType: string }[] };
    expect(run.instruments).toMatchObject([{ id: `${venue}:${instrument}`, contractType }]);
    expect(r.metrics.pnl.currency).toBe(settlement);
  });
});
