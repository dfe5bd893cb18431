/**
 * Retained bytes per MarketEvent as the feeder builds them (not a bench section): reads the USD-M
 * capture once (no repeat), keeps every event the feeder builds in an array, and divides the
 * heap growth (after a full GC, --expose-gc) by the count, per kind. Shows the object, its
 * BigInts and any boxed number fields together.
 *   node --expose-gc --import tsx bench/quick/event-bytes.ts
 */
import { readCanonical } from '@chassis/storage';
import { resolveRun, HistoricalFeeder, type FeedSource } from '@chassis/backtesting';
import type { MarketEvent } from '@chassis/core';
import { instrumentsOf } from '../../packages/backtesting/src/resolved-run.ts';
import { REPO, QUICK_ROOT } from './quick-run.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const res = await resolveRun({
  definition: { data: { venue: 'binance-usdm', instrument: 'BTCUSDT' }, strategy: { module: 'examples/strategies/market-maker.ts', params: {} }, seed: 1 },
  baseDir: REPO,
  dataRoot: QUICK_ROOT,
  codeVersion: 'bench',
});
const instrument = instrumentsOf(res.resolved)[0]!.id;
for (const kind of ['book_delta', 'trade', 'bbo'] as const) {
  const ds = res.datasets.filter((d) => d.kind === kind);
  const sources: FeedSource[] = [{ instrument, batches: (async function* () { for (const d of ds) yield* readCanonical(res.storage, d); })() }];
  const feeder = await HistoricalFeeder.open(sources);
  // Warm: build and drop once so the feeder's code is optimised as in a run.
  const kept: MarketEvent[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (;;) {
    let e = feeder.next();
    if (e === null && feeder.needsRefill) {
      await feeder.refill();
      e = feeder.next();
    }
    if (e === null) break;
    kept.push(e);
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(`${kind}: ${kept.length} events, ${((after - before - kept.length * 4) / kept.length).toFixed(1)} B retained per event (array slot excluded)`);
}
