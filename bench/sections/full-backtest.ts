/**
 * full-backtest: end-to-end backtest throughput — canonical read (the columnar decode cache
 * under derived/), feeder merge, timeline, core (market maker strategy, risk, execution
 * control), simulated venue with the probabilistic (power 2) queue model, journal and
 * artifacts — on the Binance USD-M BTCUSDT capture repeated with shifted timestamps to at least
 * 10 million market events (the feeder repeats the canonical batches; no giant file).
 * The run happens in a fresh child process (bench/backtest-child.ts), as `chassis backtest`
 * does: not in this runner, whose heap and inline caches the other sections have filled. The
 * samples are the throughput of each tenth of it, so memory flatness shows as RSS per tenth.
 * The replay check then runs on that run's journal here.
 * Baselines measured in the same run over one copy of the same events: core-step (engine.step
 * with a strategy that only reads the book) and the physical limit, raw-scan (bench/raw-scan.ts:
 * the same canonical columns in typed arrays) — the efficiency denominator of issue 7.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, type Event, type Intent, type Strategy } from '@chassis/core';
import { readCanonical } from '@chassis/storage';
import { HistoricalFeeder, engineConfigOf, instrumentFromMeta, replayRun, type FeedSource, type ResolvedRun } from '@chassis/backtesting';
import { median, result, sample, type BenchResult, type BenchSection } from '../types.ts';
import { usdmCanonical } from '../usdm-canonical.ts';
import { measureRawScan } from '../raw-scan.ts';
import { runBacktestInChild } from '../backtest-process.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TARGET_EVENTS = 10_000_000;
const NO_INTENTS: readonly Intent[] = Object.freeze([]);

export const fullBacktest: BenchSection = {
  name: 'full-backtest',
  async run(): Promise<BenchResult[]> {
    const data = await usdmCanonical();
    const tmp = mkdtempSync(join(tmpdir(), 'chassis-bench-bt-'));
    try {
      const storage = data.storage;
      const datasets = [...data.datasets.book_delta, ...data.datasets.trade, ...data.datasets.bbo];
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
      // Rows, the unit of NautilusTrader's and hftbacktest's figures: one level update, trade or quote.
      let rows = 0;
      for (const e of events) rows += e.kind === 'book_delta' ? e.count : 1;
      const rowsPerEvent = rows / n;
      const repeat = Math.ceil(TARGET_EVENTS / n);

      let sink = 0;
      // A plain loop over the same event objects: what touching the events costs at all.
      const eventLoop = sample(
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
      const raw = measureRawScan(data).eventsPerSecond;
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

      // The full run, in a fresh child process; samples = throughput per tenth of the market events.
      const outDir = join(tmp, 'run');
      const r = await runBacktestInChild({ dataRoot: data.root, venue: 'binance-usdm', instrument: 'BTCUSDT', repeat, outDir, expectedEvents: n * repeat });
      const perTenth = r.perTenth;
      const rss = r.rssPerTenthBytes.map((b) => Math.round(b / 2 ** 20));
      // The determinism proof on the benchmark run itself: replay rebuilds state from the journal
      // with the core alone and compares every checkpoint's state hash and every dispatch.
      const replayStart = performance.now();
      const rep = await replayRun(outDir, { baseDirs: [REPO] });
      const replaySeconds = (performance.now() - replayStart) / 1000;
      if (!rep.ok) throw new Error(`full-backtest: replay diverged at seq ${rep.divergence?.seq}: ${rep.divergence?.what}`);
      process.stderr.write(
        `full-backtest: replay ok — ${rep.events} events, ${rep.checkpointsVerified} checkpoints, ${rep.requestsVerified} requests verified in ${replaySeconds.toFixed(1)} s\n` +
          'full-backtest: a market event = one venue message (a book_delta batch of level rows), one trade or one bbo; rates are market events per wall-clock second of the whole run (read, merge, venue, core, journal)\n',
      );
      process.stderr.write(
        `full-backtest: ${r.marketEvents} market events (${repeat} × ${n}), ${r.events} events, ${r.fills} fills, status ${r.status}; ` +
          `${r.seconds.toFixed(1)} s in the child; peak RSS ${(r.vmHwmBytes / 2 ** 20).toFixed(0)} MiB; RSS MiB per tenth ${rss.join(' → ')}\n`,
      );
      const coreMedian = median(core);
      const rawMedian = median(raw);
      const inRows = (xs: readonly number[]) => xs.map((x) => x * rowsPerEvent);
      return [
        result(
          'full-backtest-rows',
          'rows/s',
          inRows(perTenth),
          rawMedian * rowsPerEvent,
          `the full-backtest run counted in rows (${rows} rows in ${n} market events, ${rowsPerEvent.toFixed(2)} rows each; the copies are identical); baseline = raw-scan in rows/s (efficiency)`,
        ),
        result(
          'full-backtest-rows-end-to-end',
          'rows/s',
          [(r.marketEvents * rowsPerEvent) / r.seconds],
          rawMedian * rowsPerEvent,
          'the same run end to end in rows: its rows over the whole runBacktest call in the child (resolution, strategy load, read, run, journal, series and manifest; not Node start-up); baseline = raw-scan in rows/s',
        ),
        result('full-backtest', 'events/s', perTenth, coreMedian, `market maker, probabilistic queue, ${(r.marketEvents / 1e6).toFixed(1)}M market events, fresh child process; baseline = core-step on the same events`),
        result('full-backtest-vs-raw-scan', 'events/s', perTenth, rawMedian, 'the same figure against the physical limit: raw-scan of the same canonical columns in typed arrays (efficiency)'),
        result('full-backtest-peak-rss', 'MiB', [r.vmHwmBytes / 2 ** 20], null, 'VmHWM of the child running the full backtest'),
        result('full-backtest-core-step', 'events/s', core, rawMedian, 'core-step on the same events with a book-reading strategy; baseline = raw scan'),
        result('full-backtest-event-loop', 'events/s', eventLoop, rawMedian, 'a plain loop touching the same event objects; baseline = raw scan'),
      ];
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
