/**
 * full-backtest: end-to-end backtest throughput — canonical read (the columnar decode cache
 * under derived/, built by the baselines' first read of the Parquet), feeder merge,
 * timeline, core (market maker strategy, risk, execution control), simulated venue with the
 * probabilistic (power 2) queue model, journal and artifacts — on the Binance USD-M BTCUSDT
 * capture repeated with shifted timestamps to at least 10 million market events (the feeder
 * repeats the canonical batches; no giant file). One run; the samples are the throughput of
 * each tenth of it (progress callbacks), so memory flatness shows as RSS per tenth.
 * Baselines measured in the same run over one copy of the same events: core-step (engine.step
 * with a strategy that only reads the book) and raw-scan (a plain loop over the same columns).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, type Event, type Intent, type Strategy } from '@chassis/core';
import { openCatalog, openStorage, readCanonical, type DatasetMeta } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { HistoricalFeeder, engineConfigOf, instrumentFromMeta, replayRun, runBacktest, type FeedSource, type ResolvedRun } from '@chassis/backtesting';
import { median, result, sample, type BenchResult, type BenchSection } from '../types.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CAPTURE = join(REPO, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');
const TARGET_EVENTS = 10_000_000;
const NO_INTENTS: readonly Intent[] = Object.freeze([]);

export const fullBacktest: BenchSection = {
  name: 'full-backtest',
  async run(): Promise<BenchResult[]> {
    const tmp = mkdtempSync(join(tmpdir(), 'chassis-bench-bt-'));
    try {
      const root = join(tmp, 'data');
      const storage = openStorage(root);
      await importCapture(storage, CAPTURE, { venue: 'binance-usdm' });
      const datasets: DatasetMeta[] = [];
      for (const kind of ['book_delta', 'trade', 'bbo'] as const) datasets.push(...(await openCatalog(storage).find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind })));
      const inst = instrumentFromMeta(datasets[0]!.instrument);

      // One copy of the events, materialised, for the same-run baselines.
      const sources: FeedSource[] = ['book_delta', 'trade', 'bbo'].map((kind) => ({
        instrument: inst.id,
        batches: (async function* () {
          for (const d of datasets.filter((x) => x.kind === kind)) yield* readCanonical(storage, d);
        })(),
      }));
      const feeder = await HistoricalFeeder.open(sources);
      const events: Event[] = [];
      for (;;) {
        const e = feeder.next();
        if (e) {
          (e as { seq: number }).seq = events.length + 1;
          events.push(e);
        } else if (feeder.needsRefill) await feeder.refill();
        else break;
      }
      const n = events.length;
      const repeat = Math.ceil(TARGET_EVENTS / n);

      let sink = 0;
      const raw = sample(
        () => {
          for (let i = 0; i < n; i++) {
            const e = events[i]!;
            if (e.kind === 'book_delta') {
              for (let j = e.offset, end = e.offset + e.count; j < end; j++) sink += e.prices[j]! * e.sizes[j]! + e.sides[j]!;
            } else if (e.kind === 'bbo') sink += e.bidPriceUnits + e.askPriceUnits;
            else if (e.kind === 'trade') sink += e.priceUnits * e.qtyUnits;
          }
        },
        (ms) => n / (ms / 1000),
      );
      const resolvedLike = {
        definition: {
          triggers: { kinds: ['bbo', 'trade'] },
          risk: { recordDenials: false },
          executionControl: { rateBuckets: [{ capacity: 10, refillTokens: 2, refillIntervalMs: 100, weights: { new: 1, replace: 1, cancel: 1 } }] },
          balances: { USDT: '100000' },
          maxConsecutiveStrategyFailures: 3,
          venue: { fees: {} },
        },
        instruments: [{ ...inst, minNotionalUnits: '0' }],
      } as unknown as ResolvedRun;
      const readsBook: Strategy = {
        onEvent(view) {
          const b = view.market.book(inst.id);
          if (b) sink += b.microprice();
          return NO_INTENTS;
        },
      };
      const core = sample(
        () => {
          const engine = createEngine(engineConfigOf(resolvedLike), readsBook);
          for (let i = 0; i < n; i++) engine.step(events[i]!);
        },
        (ms) => n / (ms / 1000),
        { warmup: 1, samples: 5 },
      );
      if (sink === -1) throw new Error('unreachable');

      // The full run: samples = throughput per tenth of the market events.
      const tenth = Math.floor((n * repeat) / 10);
      const marks: { t: number; events: number; rss: number }[] = [{ t: performance.now(), events: 0, rss: process.memoryUsage().rss }];
      const r = await runBacktest({
        definition: {
          data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
          strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
          venue: { queue: { model: 'probabilistic', family: 'power', parameter: 2 } },
          seed: 1,
          output: { dir: join(tmp, 'run') },
        },
        baseDir: REPO,
        dataRoot: root,
        codeVersion: 'bench',
        repeat,
        onProgress: (events) => {
          const last = marks[marks.length - 1]!;
          if (events - last.events >= tenth) marks.push({ t: performance.now(), events, rss: process.memoryUsage().rss });
        },
      });
      const perTenth = marks.slice(1).map((m, i) => (m.events - marks[i]!.events) / ((m.t - marks[i]!.t) / 1000));
      const rss = marks.map((m) => Math.round(m.rss / 1e6));
      // The determinism proof on the benchmark run itself: replay rebuilds state from the journal
      // with the core alone and compares every checkpoint's state hash and every dispatch.
      const replayStart = performance.now();
      const rep = await replayRun(r.outDir, { baseDirs: [REPO] });
      const replaySeconds = (performance.now() - replayStart) / 1000;
      if (!rep.ok) throw new Error(`full-backtest: replay diverged at seq ${rep.divergence?.seq}: ${rep.divergence?.what}`);
      process.stderr.write(
        `full-backtest: replay ok — ${rep.events} events, ${rep.checkpointsVerified} checkpoints, ${rep.requestsVerified} requests verified in ${replaySeconds.toFixed(1)} s\n` +
          'full-backtest: a market event = one venue message (a book_delta batch of level rows), one trade or one bbo; rates are market events per wall-clock second of the whole run (read, merge, venue, core, journal)\n',
      );
      process.stderr.write(
        `full-backtest: ${r.marketEvents} market events (${repeat} × ${n}), ${r.events} events, ${r.fills} fills, status ${r.status}; ` +
          `overall ${r.metrics.throughput.marketEventsPerSecond} market events/s; RSS MB per tenth ${rss.join(' → ')}\n`,
      );
      const coreMedian = median(core);
      const rawMedian = median(raw);
      return [
        result('full-backtest', 'events/s', perTenth, coreMedian, `market maker, probabilistic queue, ${(r.marketEvents / 1e6).toFixed(1)}M market events; baseline = core-step on the same events`),
        result('full-backtest-vs-raw-scan', 'events/s', perTenth, rawMedian, 'the same figure against a raw scan of the same columns'),
        result('full-backtest-core-step', 'events/s', core, rawMedian, 'core-step on the same events with a book-reading strategy; baseline = raw scan'),
        result('full-backtest-raw-scan', 'events/s', raw, null, 'raw scan of the same events, plain loop'),
      ];
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
