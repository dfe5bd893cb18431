/**
 * The quick-loop backtest shared by the bench/quick scripts: the market maker with the
 * probabilistic queue on the bundled USD-M capture (imported once into /tmp/chassis-quick/data),
 * fed `repeat` times, written to `out`; and the capture's market events as the feeder builds
 * them (captureFeeder + drainEvents), for scripts that time one stage on them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStorage, readCanonical, type CanonicalKind } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { resolveRun, runBacktest, HistoricalFeeder, type BacktestResult, type FeedSource } from '@chassis/backtesting';
import type { MarketEvent } from '@chassis/core';
import { instrumentsOf } from '../../packages/backtesting/src/resolved-run.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const QUICK_ROOT = '/tmp/chassis-quick/data';

async function ensureQuickData(): Promise<void> {
  if (!existsSync(QUICK_ROOT)) await importCapture(openStorage(QUICK_ROOT), `${REPO}examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz`, { venue: 'binance-usdm' });
}

/** A feeder over the capture's datasets of these kinds (one source per kind, merged in feed order), read once. */
export async function captureFeeder(kinds: readonly CanonicalKind[]): Promise<HistoricalFeeder> {
  await ensureQuickData();
  const res = await resolveRun({
    definition: { data: { venue: 'binance-usdm', instrument: 'BTCUSDT' }, strategy: { module: 'examples/strategies/market-maker.ts', params: {} }, seed: 1 },
    baseDir: REPO,
    dataRoot: QUICK_ROOT,
    codeVersion: 'bench',
  });
  const instrument = instrumentsOf(res.resolved)[0]!.id;
  const sources: FeedSource[] = kinds.map((kind) => {
    const ds = res.datasets.filter((d) => d.kind === kind);
    return { instrument, batches: (async function* () { for (const d of ds) yield* readCanonical(res.storage, d); })() };
  });
  return HistoricalFeeder.open(sources);
}

/** Every event the feeder builds, in order, numbered from seq 1. */
export async function drainEvents(feeder: HistoricalFeeder): Promise<MarketEvent[]> {
  const events: MarketEvent[] = [];
  for (;;) {
    let e = feeder.next();
    if (e === null && feeder.needsRefill) {
      await feeder.refill();
      e = feeder.next();
    }
    if (e === null) return events;
    (e as { seq: number }).seq = events.length + 1;
    events.push(e);
  }
}

export async function quickBacktest(repeat: number, out: string): Promise<BacktestResult> {
  await ensureQuickData();
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
