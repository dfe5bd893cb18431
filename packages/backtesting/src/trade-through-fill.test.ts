import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from './run.ts';
import { importedDataRoot, REPO_ROOT } from './test-data.ts';

let root = '';
beforeAll(async () => {
  root = await importedDataRoot({ lines: 30_000 });
});

/** The market maker quoting 20 lots: large enough that a print through our price is often smaller than our order. */
const run = (tradeThroughFill: 'whole_order' | 'traded_qty') =>
  runBacktest({
    definition: {
      data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
      strategy: { module: 'examples/strategies/market-maker.ts', params: { qty: 20, maxInventoryLots: 200 } },
      venue: { tradeThroughFill },
    },
    baseDir: REPO_ROOT,
    dataRoot: root,
    codeVersion: 'test',
  });

describe("the run file's venue.tradeThroughFill reaches the simulated venue", () => {
  it('traded_qty splits the fills of 20-lot quotes that whole_order fills at once on the USD-M capture', async () => {
    const whole = await run('whole_order');
    const capped = await run('traded_qty');
    expect(whole.fills).toBeGreaterThan(0);
    expect(capped.fills).toBeGreaterThan(whole.fills);
  }, 120_000);
});
