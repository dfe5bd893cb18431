/**
 * metrics-overhead: cost of monitoring on the hot loop. The real Binance USD-M capture is
 * stepped through createEngine twice in the same run — without a probe, and with a RunProbe
 * updated once per 256-event batch (recordBatch: events + step-duration histogram, request and
 * intent counts from the StepResults) while a MetricsRegistry has the probe attached — and
 * the ratio is reported. Scrape cost (text exposition of the whole registry) is measured
 * separately: it runs on the event loop between batches, never inside a step.
 * TODO(backtesting): add `runBacktest` with the probe on vs off once it accepts a probe.
 */
import { createEngine, type EngineConfig, type Intent, type Strategy } from '@chassis/core';
import { createRunProbe, instrumentProbe, MetricsRegistry, recordBatch, setRunState } from '@chassis/monitoring';
import { loadUsdmEvents, USDM_BTCUSDT } from '../binance-usdm-events.ts';
import { result, sample, type BenchResult, type BenchSection } from '../types.ts';

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

export const metricsOverhead: BenchSection = {
  name: 'metrics-overhead',
  async run(): Promise<BenchResult[]> {
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
    return [
      result('metrics-overhead: engine.step, metrics off', 'events/s', off),
      result('metrics-overhead: engine.step + RunProbe per batch', 'events/s', on, offMedian),
      result('metrics-overhead: probe update per 256-event batch', 'ns/batch', perBatch),
      result('metrics-overhead: /metrics scrape (registry text)', 'ms', scrapes),
    ];
  },
};
