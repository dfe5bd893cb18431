/**
 * A stand-in long-running Chassis job for the integration tests: a synchronous CPU-bound loop
 * in batches that updates a RunProbe per batch and serves /metrics via startMonitoring.
 * Usage: node --import tsx busy-run.ts --metrics-port P --seconds S [--no-yield] [--run-id ID]
 * Prints `listening <url>` once the endpoint is up, `done <events>` at the end.
 * The Prometheus scrape test uses the real commands (prometheus-scrape.test.ts); this stand-in
 * remains for metrics-server.test.ts, which compares yielding with a loop that never yields.
 */
// @ts-nocheck

import { performance } from 'node:perf_hooks';
import { createRunProbe, instrumentProbe, recordBatch, setRunState, startMonitoring } from '../src/index.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const port = Number(arg('--metrics-port', '0'));
const seconds = Number(arg('--seconds', '5'));
const yieldToLoop = !args.includes('--no-yield');
const runId = arg('--run-id', 'busy-run');

const mon = await startMonitoring({ component: 'backtest', metricsPort: port, dataRoot: process.cwd() });
const probe = createRunProbe({ component: 'backtest', runId, strategy: 'busy_loop' });
const slot = instrumentProbe(probe, 'binance', 'BTCUSDT');
mon.metrics.attachRun(probe);
const data = mon.readiness.flag('data_loaded');
process.stdout.write(`listening ${mon.server!.url}\n`);

setRunState(probe, 'running');
data.pass();
const work = new Float64Array(4096);
const batchEvents = 512;
const endAt = performance.now() + seconds * 1000;
let acc = 0;
for (;;) {
  const t0 = performance.now();
  if (t0 >= endAt) break;
  // One "batch": deterministic CPU work standing in for derive + strategy + risk per event.
  for (let e = 0; e < batchEvents; e++) {
    const k = e & 4095;
    work[k] = work[k]! * 0.5 + Math.sqrt(e + acc);
    acc = (acc + work[k]!) % 1e6;
  }
  recordBatch(probe, batchEvents, (performance.now() - t0) / 1000);
  probe.strategyEvaluations += batchEvents >> 3;
  probe.intentsAllowed += 2;
  probe.requestsNew += 1;
  probe.queueDepth = (probe.eventsProcessed >> 9) % 5;
  slot.fills += 1;
  slot.position = Math.sin(probe.eventsProcessed / 1e5);
  slot.realizedPnl += 0.01;
  probe.progressRatio = Math.min(1, 1 - (endAt - performance.now()) / (seconds * 1000));
  if (yieldToLoop && mon.yielder.due()) await mon.yielder.yield();
}
probe.progressRatio = 1;
setRunState(probe, 'completed');
process.stdout.write(`done ${probe.eventsProcessed}\n`);
// Stay scrapeable briefly after completion so a final scrape sees the completed state.
await new Promise((r) => setTimeout(r, Number(arg('--linger-ms', '0'))));
await mon.finish();
