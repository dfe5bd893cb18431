/**
 * Backtests on Coinbase, Kraken and KuCoin, one instrument each, imported through the quality
 * gate from examples/data/venue-docs: Coinbase BTC-USD (Advanced Trade messages written from the
 * documentation), Kraken XBT-USD (v1 book-10, checksums verified) and KuCoin BCHSV-USDT (a real
 * cryptofeed excerpt with its REST snapshot). All spot, settled in the quote currency.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { venueDocsDir } from '../../../examples/data/index.ts';
import { runBacktest } from './run.ts';
import { REPO_ROOT } from './test-data.ts';

let root = '';

beforeAll(async () => {
  root = join(mkdtempSync(join(tmpdir(), 'chassis-venue-docs-')), 'data');
  const storage = openStorage(root);
  for (const name of ['coinbase-advanced-btcusd.raw.jsonl', 'kraken-v1-xbtusd.txt', 'KUCOIN.ws.1.0']) {
    const r = await importCapture(storage, join(venueDocsDir, name));
    expect(r.datasets.every((d) => d.outcome === 'promoted')).toBe(true);
  }
}, 120_000);

describe('backtest on one instrument of Coinbase, Kraken and KuCoin', () => {
  // KuCoin's snapshot holds a size with 11 decimals ("0.00019434546" at a 0.121 bid), so BCHSV-USDT
  // is stored with 3 + 11 money decimals and the default 100,000 USDT balance exceeds the exact
  // integer range at that scale: the run starts with 50 USDT.
  it.each([
    ['coinbase', 'BTC-USD', 'USD', undefined],
    ['kraken', 'XBT-USD', 'USD', undefined],
    ['kucoin', 'BCHSV-USDT', 'USDT', { USDT: '50' }],
  ])('%s %s completes on its canonical data as a spot pair settled in %s', async (venue, instrument, settlement, balances) => {
    const r = await runBacktest({
      definition: { data: { venue, instrument }, strategy: { module: 'examples/strategies/market-maker.ts' }, seed: 1, ...(balances ? { balances } : {}) },
      baseDir: REPO_ROOT,
      dataRoot: root,
      codeVersion: `test-venue-docs-${venue}`,
    });
    expect(r.diagnostic).toBeNull();
    expect(r.status).toBe('completed');
    expect(r.marketEvents).toBeGreaterThan(20);
    const run = JSON.parse(readFileSync(join(r.outDir, 'run.json'), 'utf8')) as { instruments: { id: string; contractType: string }[] };
    expect(run.instruments).toMatchObject([{ id: `${venue}:${instrument}`, contractType: 'spot' }]);
    expect(r.metrics.pnl.currency).toBe(settlement);
  });
});
