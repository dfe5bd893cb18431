/**
 * Quick iteration for the market path alone (part "feed", not a bench section): canonical read →
 * repeat → feeder → feed window → timeline merge → simulated venue book, with an engine that
 * does nothing (no state, no strategy) and a sink that records nothing, so what is timed is the
 * path from the files to `engine.step`. USD-M capture × N; CPU seconds per pass, best of P.
 *   node --import tsx bench/quick/feed-cpu.ts [repeat=10] [passes=3]
 * Needs /tmp/chassis-quick/data (run backtest-cpu.ts once).
 */
import { fileURLToPath } from 'node:url';
import { readCanonical } from '@chassis/storage';
import { resolveRun, HistoricalFeeder, repeatFeed, runTimeline, type FeedSource } from '@chassis/backtesting';
import type { Engine, StepResult } from '@chassis/core';
import { createSimulatedVenue, constantLatency, powerProbQueue } from '@chassis/venues';
import { instrumentsOf } from '../../packages/backtesting/src/resolved-run.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const repeat = Number(process.argv[2] ?? 10);
const passes = Number(process.argv[3] ?? 3);
const res = await resolveRun({
  definition: { data: { venue: 'binance-usdm', instrument: 'BTCUSDT' }, strategy: { module: 'examples/strategies/market-maker.ts', params: {} }, seed: 1 },
  baseDir: REPO,
  dataRoot: '/tmp/chassis-quick/data',
  codeVersion: 'bench',
});
const instruments = instrumentsOf(res.resolved);
const start = res.datasets.reduce((m, d) => (d.startNs < m ? d.startNs : m), res.datasets[0]!.startNs);
const span = res.datasets.reduce((m, d) => (d.endNs > m ? d.endNs : m), 0n) - start + 1_000_000_000n;

const idle: StepResult = { requestsSent: [], controlEvents: [], obligation: null, violation: null } as unknown as StepResult;
const engine = { step: () => idle, stateHash: () => '', view: { execution: { pending: () => [] } } } as unknown as Engine;

let best = Infinity;
let messages = 0;
let rows = 0;
for (let p = 0; p < passes; p++) {
  const sources: FeedSource[] = [];
  for (const kind of ['book_delta', 'trade', 'bbo'] as const) {
    const ds = res.datasets.filter((d) => d.kind === kind);
    if (ds.length > 0) sources.push({ instrument: instruments[0]!.id, batches: repeatFeed(async function* () { for (const d of ds) yield* readCanonical(res.storage, d); }, repeat, span) });
  }
  rows = res.datasets.reduce((n, d) => n + d.rows, 0) * repeat;
  const c0 = process.cpuUsage();
  const out = await runTimeline({
    engine,
    venue: createSimulatedVenue({ instruments, queueModel: powerProbQueue(2), latency: constantLatency(1_000_000n, 1_000_000n), seed: 1 }),
    feeder: await HistoricalFeeder.open(sources),
    sink: { append: () => {} },
    checkpointInterval: 1e12,
    sessionId: 'feed-cpu',
  });
  const c = process.cpuUsage(c0);
  messages = out.marketEvents;
  best = Math.min(best, (c.user + c.system) / 1e6);
}
console.log(`feed path: ${messages} messages, ${rows} rows: best ${best.toFixed(3)} CPU-s = ${((best / messages) * 1e9).toFixed(0)} ns/message, ${(rows / best / 1e6).toFixed(1)}M rows/CPU-s`);
