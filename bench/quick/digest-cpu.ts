/**
 * The journal's market digest alone (not a bench section): ns per MarketDigest.add over the
 * USD-M capture's events as the feeder builds them (built once, kept, digested P times).
 *   node --import tsx bench/quick/digest-cpu.ts [passes=20]
 */
import { readCanonical } from '@chassis/storage';
import { resolveRun, HistoricalFeeder, type FeedSource } from '@chassis/backtesting';
import type { MarketEvent } from '@chassis/core';
import { instrumentsOf } from '../../packages/backtesting/src/resolved-run.ts';
import { MarketDigest } from '../../packages/backtesting/src/journal/market-digest.ts';
import { REPO, QUICK_ROOT } from './quick-run.ts';

const passes = Number(process.argv[2] ?? 20);
const res = await resolveRun({
  definition: { data: { venue: 'binance-usdm', instrument: 'BTCUSDT' }, strategy: { module: 'examples/strategies/market-maker.ts', params: {} }, seed: 1 },
  baseDir: REPO,
  dataRoot: QUICK_ROOT,
  codeVersion: 'bench',
});
const instrument = instrumentsOf(res.resolved)[0]!.id;
const sources: FeedSource[] = (['book_delta', 'trade', 'bbo'] as const).map((kind) => {
  const ds = res.datasets.filter((d) => d.kind === kind);
  return { instrument, batches: (async function* () { for (const d of ds) yield* readCanonical(res.storage, d); })() };
});
const feeder = await HistoricalFeeder.open(sources);
const events: MarketEvent[] = [];
for (;;) {
  let e = feeder.next();
  if (e === null && feeder.needsRefill) {
    await feeder.refill();
    e = feeder.next();
  }
  if (e === null) break;
  (e as { seq: number }).seq = events.length + 1;
  events.push(e);
}
const rows = events.reduce((n, e) => n + (e.kind === 'book_delta' ? e.count : 1), 0);
// An alternative implementation (DIGEST_B=path exporting MarketDigest) is timed in the same
// process, passes alternating, so the machine's speed moves both alike.
const variants: [string, new () => MarketDigest][] = [['A', MarketDigest]];
if (process.env.DIGEST_B) variants.push(['B', ((await import(process.env.DIGEST_B)) as { MarketDigest: new () => MarketDigest }).MarketDigest]);
const best = variants.map(() => Infinity);
const hex = variants.map(() => '');
for (let p = 0; p < passes; p++)
  for (let v = 0; v < variants.length; v++) {
    const d = new variants[v]![1]();
    const t0 = process.cpuUsage();
    for (let i = 0; i < events.length; i++) d.add(events[i]!);
    const c = process.cpuUsage(t0);
    best[v] = Math.min(best[v]!, (c.user + c.system) / 1e3);
    hex[v] = d.hex();
  }
for (let v = 0; v < variants.length; v++)
  console.log(`${variants[v]![0]}: ${events.length} events, ${rows} rows: best ${best[v]!.toFixed(1)} CPU-ms a pass, ${((best[v]! * 1e6) / events.length).toFixed(1)} ns/event, digest ${hex[v]}`);
