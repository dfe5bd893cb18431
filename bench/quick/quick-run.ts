/**
 * The quick-loop backtest shared by the bench/quick scripts: the market maker with the
 * probabilistic queue on the bundled USD-M capture (imported once into /tmp/chassis-quick/data),
 * fed `repeat` times, written to `out`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { runBacktest, type BacktestResult } from '@chassis/backtesting';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const QUICK_ROOT = '/tmp/chassis-quick/data';

export async function quickBacktest(repeat: number, out: string): Promise<BacktestResult> {
  if (!existsSync(QUICK_ROOT)) await importCapture(openStorage(QUICK_ROOT), `${REPO}examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz`, { venue: 'binance-usdm' });
  return runBacktest({
    definition: {
      data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
      strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
      venue: { queue: { model: 'probabilistic', family: 'power', parameter: 2 } },
      seed: 1,
      output: { dir: out },
    },
    baseDir: REPO,
    dataRoot: QUICK_ROOT,
    codeVersion: 'bench',
    repeat,
  });
}
