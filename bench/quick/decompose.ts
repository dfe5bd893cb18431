/**
 * Quick iteration (not a bench section): where the full backtest's per-event time goes,
 * measured by adding one stage at a time over the same input (USD-M capture × N, the
 * market maker's run definition) — feeder alone, + venue, + core step, + journal encoding.
 * CPU seconds of the main thread's process, best of 3 passes.
 *   node --import tsx bench/quick/decompose.ts [repeat=10]
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStorage, readCanonical } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { resolveRun, HistoricalFeeder, repeatFeed, engineConfigOf, type FeedSource } from '@chassis/backtesting';
import { createEngine, type Event, type MarketEvent } from '@chassis/core';
import { createSimulatedVenue, constantLatency, powerProbQueue } from '@chassis/venues';
import { instrumentsOf } from '../../packages/backtesting/src/resolved-run.ts';
import { instantiate } from '../../packages/backtesting/src/strategy-loader.ts';
import { EventEncoder } from '../../packages/backtesting/src/journal/codec.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ROOT = '/tmp/chassis-quick/data';
if (!existsSync(ROOT)) await importCapture(openStorage(ROOT), `${REPO}examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz`, { venue: 'binance-usdm' });
const repeat = Number(process.argv[2] ?? 10);
const res = await resolveRun({
  definition: { data: { venue: 'binance-usdm', instrument: 'BTCUSDT' }, strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } }, seed: 1 },
  baseDir: REPO,
  dataRoot: ROOT,
  codeVersion: 'bench',
});
const instruments = instrumentsOf(res.resolved);
const span = res.datasets.reduce((m, d) => (d.endNs > m ? d.endNs : m), 0n) - res.datasets.reduce((m, d) => (d.startNs < m ? d.startNs : m), res.datasets[0]!.startNs) + 1_000_000_000n;

async function feeder(): Promise<HistoricalFeeder> {
  const sources: FeedSource[] = [];
  for (const kind of ['book_delta', 'trade', 'bbo'] as const) {
    const ds = res.datasets.filter((d) => d.kind === kind);
    sources.push({ instrument: instruments[0]!.id, batches: repeatFeed(async function* () { for (const d of ds) yield* readCanonical(res.storage, d); }, repeat, span) });
  }
  return HistoricalFeeder.open(sources);
}

async function stage(name: string, per: (e: MarketEvent, i: number) => void, setup: () => void = () => {}): Promise<void> {
  let best = Infinity;
  let n = 0;
  for (let pass = 0; pass < 3; pass++) {
    setup();
    const f = await feeder();
    const c0 = process.cpuUsage();
    n = 0;
    for (;;) {
      const e = f.next();
      if (e === null) {
        if (f.needsRefill) { await f.refill(); continue; }
        break;
      }
      per(e, ++n);
    }
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  console.log(`${name.padEnd(34)} ${(best / n * 1e9).toFixed(0).padStart(6)} ns/event  ${(n / best / 1e3).toFixed(0).padStart(6)}k events/CPU-s  (${n} events)`);
}

await stage('feeder', () => {});
if (process.argv[3] === 'feeder') process.exit(0);
let venue = createSimulatedVenue({ instruments, queueModel: powerProbQueue(2), latency: constantLatency(1_000_000n, 1_000_000n), seed: 1 });
await stage('feeder + venue', (e) => venue.onMarketEvent(e, e.tsEventNs < e.tsLocalNs ? e.tsEventNs : e.tsLocalNs), () => {
  venue = createSimulatedVenue({ instruments, queueModel: powerProbQueue(2), latency: constantLatency(1_000_000n, 1_000_000n), seed: 1 });
});
const noStrategy = { onEvent: () => undefined };
let engine = createEngine(engineConfigOf(res.resolved), noStrategy);
await stage('feeder + core (no strategy)', (e, i) => { (e as { seq: number }).seq = i; engine.step(e as Event); }, () => { engine = createEngine(engineConfigOf(res.resolved), noStrategy); });
await stage('feeder + core (market maker, no venue)', (e, i) => { (e as { seq: number }).seq = i; engine.step(e as Event); }, () => {
  engine = createEngine(engineConfigOf(res.resolved), instantiate(res.strategy, res.definition.strategy.params));
});
const enc = new EventEncoder();
await stage('feeder + journal encoding', (e, i) => { (e as { seq: number }).seq = i; enc.write(e as Event); if (enc.pos > 1 << 16) enc.reset(); });
