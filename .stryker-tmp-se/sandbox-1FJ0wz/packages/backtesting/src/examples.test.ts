// @ts-nocheck
import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from './run.ts';
import { importedDataRoot, REPO_ROOT } from './test-data.ts';

let root = '';
beforeAll(async () => {
  root = await importedDataRoot();
});

describe('example market maker on the bundled USD-M capture', () => {
  it('trades and exercises replace, cancel and the rate limiter with the default run definition', async () => {
    const r = await runBacktest({
      definition: { data: { venue: 'binance-usdm', instrument: 'BTCUSDT' }, strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } }, seed: 1 },
      baseDir: REPO_ROOT,
      dataRoot: root,
      codeVersion: 'test',
    });
    expect(r.status).toBe('completed');
    expect(r.fills).toBeGreaterThan(0);
    expect(r.metrics.orders.replaceRequests).toBeGreaterThan(0);
    expect(r.metrics.orders.cancelRequests).toBeGreaterThan(0);
    expect(r.metrics.rateLimit.deferrals).toBeGreaterThan(0);
    expect(r.metrics.rateLimit.controlTimeEvents).toBeGreaterThan(0);
  });
});
