/**
 * metrics-overhead: cost of monitoring on the hot loop. The real Binance USD-M capture is
 * stepped through createEngine twice in the same run — without a probe, and with a RunProbe
 * updated once per 256-event batch (recordBatch: events + step-duration histogram, request and
 * intent counts from the StepResults) while a MetricsRegistry has the probe attached — and
 * the ratio is reported. Scrape cost (text exposition of the whole registry) is measured
 * separately: it runs on the event loop between batches, never inside a step.
 * Then the real thing: `runBacktest` (Parquet read, feeder, timeline, core with the example
 * market maker, simulated venue, journal, artifacts) on the same imported capture, repeated
 * ×REPEAT, alternately without monitoring and with `onBatch` feeding a RunProbe attached to a
 * MetricsRegistry through feedRunProbe every 4096 market events plus EventLoopYielder yields —
 * exactly what `chassis backtest --metrics-port` does (minus the socket).
 */
// @ts-nocheck

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { runBacktest, type RunStats } from '@chassis/backtesting';
import { EventLoopYielder, feedRunProbe, type InstrumentProbe } from '@chassis/monitoring';
import { createEngine, type EngineConfig, type Intent, type Strategy } from '@chassis/core';
import { createRunProbe, instrumentProbe, MetricsRegistry, recordBatch, setRunState } from '@chassis/monitoring';
import { loadUsdmEvents, USDM_BTCUSDT } from '../binance-usdm-events.ts';
import { median, result, sample, type BenchResult, type BenchSection } from '../types.ts';

const NO_INTENTS: readonly Intent[] = Object.freeze([]);
const BATCH = 256;

class TouchMid implements Strategy {
  acc = 0;
  onEvent(view: Parameters<Strategy['onEvent']>[0]): readonly Intent[] {
    const book = view.market.book(USDM_BTCUSDT.id)!;
    this.acc += book.mid() - book.microprice();
    return NO_INTENTS;
  }
}

const config: EngineConfig = {
  instruments: [USDM_BTCUSDT],
  triggers: { kinds: ['bbo'] },
  risk: { maxOrderQtyUnits: 1000, priceBandPpm: 5000 },
  executionControl: {
    rateBuckets: [
      {
        scope: 'binance-usdm',
        capacity: 300,
        refillTokens: 300,
        refillIntervalNs: 60_000_000_000n,
        weights: { new: 1, replace: 1, cancel: 1 },
      },
    ],
  },
  maxConsecutiveStrategyFailures: 3,
  recordIntentDenials: false,
};

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CAPTURE = join(REPO, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');

/** Events/s of real backtests, monitoring off vs on, alternating; same definition and data each time. */
async function realBacktestOverhead(quick: boolean): Promise<{ off: number[]; on: number[]; events: number; repeat: number; sameOutput: boolean }> {
  const tmp = mkdtempSync(join(tmpdir(), 'chassis-bench-mon-'));
  try {
    const root = join(tmp, 'data');
    await importCapture(openStorage(root), CAPTURE, { venue: 'binance-usdm' });
    const repeat = quick ? 1 : 4;
    const samples = quick ? 2 : 5;
    const definition = (k: string) => ({
      data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
      strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
      seed: 1,
      output: { dir: join(tmp, 'runs', k) },
    });
    const metrics = new MetricsRegistry();
    let runs = 0;
    let events = 0;
    const hashes = new Set<string>();
    const once = async (monitored: boolean): Promise<number> => {
      const k = `${runs++}`;
      let onBatch: ((s: RunStats) => void | Promise<void>) | undefined;
      let detach = (): void => {};
      if (monitored) {
        const probe = createRunProbe({ component: 'backtest', runId: `bench-${k}`, strategy: 'market-maker' });
        const slots: InstrumentProbe[] = [];
        const yielder = new EventLoopYielder();
        detach = metrics.attachRun(probe);
        setRunState(probe, 'running');
        onBatch = (s) => {
          feedRunProbe(probe, s, slots);
          return yielder.due() ? yielder.yield() : undefined;
        };
      }
      const t0 = performance.now();
      const r = await runBacktest({ definition: definition(k), baseDir: REPO, dataRoot: root, codeVersion: 'bench', repeat, ...(onBatch ? { onBatch } : {}) });
      const ms = performance.now() - t0;
      detach();
      rmSync(r.outDir, { recursive: true, force: true });
      hashes.add(r.outputHash);
      events = r.events;
      return r.events / (ms / 1000);
    };
    await once(false);
    await once(true);
    const off: number[] = [];
    const on: number[] = [];
    for (let k = 0; k < samples; k++) {
      off.push(await once(false));
      on.push(await once(true));
    }
    return { off, on, events, repeat, sameOutput: hashes.size === 1 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export const metricsOverhead: BenchSection = {
  name: 'metrics-overhead',
  async run(ctx): Promise<BenchResult[]> {
    const { events } = loadUsdmEvents();
    const n = events.length;
    const runOff = (): void => {
      const engine = createEngine(config, new TouchMid());
      for (let i = 0; i < n; i++) engine.step(events[i]!);
    };
    const metrics = new MetricsRegistry();
    let probe = createRunProbe({ component: 'backtest', runId: 'bench', strategy: 'touch_mid' });
    const runOn = (): void => {
      metrics.registry.resetMetrics();
      probe = createRunProbe({ component: 'backtest', runId: 'bench', strategy: 'touch_mid' });
      const slot = instrumentProbe(probe, 'binance-usdm', USDM_BTCUSDT.id);
      const detach = metrics.attachRun(probe);
      setRunState(probe, 'running');
      const engine = createEngine(config, new TouchMid());
      let i = 0;
      while (i < n) {
        const t0 = performance.now();
        const start = i;
        const end = Math.min(n, i + BATCH);
        let requests = 0;
        let intents = 0;
        for (; i < end; i++) {
          const r = engine.step(events[i]!);
          requests += r.requestsSent.length;
          intents += r.intents.length;
        }
        recordBatch(probe, end - start, (performance.now() - t0) / 1000);
        probe.requestsNew += requests;
        probe.intentsAllowed += intents;
        probe.progressRatio = i / n;
        slot.ordersOpen = 0;
      }
      setRunState(probe, 'completed');
      detach();
    };
    // Alternate off/on samples after a shared warm-up so JIT state and machine noise hit both equally.
    const off: number[] = [];
    const on: number[] = [];
    for (let k = 0; k < 2; k++) {
      runOff();
      runOn();
    }
    for (let k = 0; k < 9; k++) {
      off.push(...sample(runOff, (ms) => n / (ms / 1000), { warmup: 0, samples: 1 }).slice(-1));
      on.push(...sample(runOn, (ms) => n / (ms / 1000), { warmup: 0, samples: 1 }).slice(-1));
    }
    if (probe.eventsProcessed !== n)
      throw new Error(`metrics-overhead: probe counted ${probe.eventsProcessed} of ${n} events`);
    metrics.attachRun(probe);
    let bytes = 0;
    const scrapes: number[] = [];
    for (let k = 0; k < 25; k++) {
      const t0 = performance.now();
      bytes = (await metrics.text()).length;
      if (k >= 5) scrapes.push(performance.now() - t0);
    }
    // The probe update alone, per batch: robust against machine noise, unlike the end-to-end ratio.
    const updates = 1_000_000;
    const isolated = createRunProbe({ component: 'backtest', runId: 'iso', strategy: 's' });
    const perBatch = sample(
      () => {
        for (let k = 0; k < updates; k++) {
          recordBatch(isolated, BATCH, 2.5e-4 + (k & 7) * 1e-5);
          isolated.requestsNew += k & 1;
          isolated.intentsAllowed += k & 3;
          isolated.progressRatio = k / updates;
        }
      },
      (ms) => (ms * 1e6) / updates,
    );
    process.stderr.write(`metrics-overhead: ${n} events, batch ${BATCH}, scrape ${bytes} bytes\n`);
    const offMedian = off.slice().sort((a, b) => a - b)[off.length >> 1]!;
    const bt = await realBacktestOverhead(ctx.quick);
    if (!bt.sameOutput) throw new Error('metrics-overhead: monitored and unmonitored backtests produced different output hashes');
    const btOffMedian = median(bt.off);
    const btInputs = `runBacktest, example market maker, USD-M capture ×${bt.repeat} (${bt.events} events), output hashes identical on/off`;
    process.stderr.write(
      `metrics-overhead: real backtest ${bt.events} events; off ${Math.round(btOffMedian)} ev/s, on ${Math.round(median(bt.on))} ev/s, overhead ${((1 - median(bt.on) / btOffMedian) * 100).toFixed(1)}%\n`,
    );
    return [
      { ...result('metrics-overhead-backtest-off', 'events/s', bt.off), inputs: btInputs },
      { ...result('metrics-overhead-backtest-on', 'events/s', bt.on, btOffMedian), inputs: btInputs },
      result('metrics-overhead-step-off', 'events/s', off, null, 'engine.step, metrics off'),
      result('metrics-overhead-step-on', 'events/s', on, offMedian, 'engine.step + RunProbe per batch'),
      result('metrics-overhead-probe-update', 'ns/batch', perBatch, null, 'probe update per 256-event batch'),
      result('metrics-overhead-scrape', 'ms', scrapes, null, '/metrics scrape (registry text)'),
    ];
  },
};
