/**
 * Child process of the scaling and synthetic-day benchmarks: one full backtest (example market
 * maker, probabilistic power-2 queue model, constant latency defaults of the run definition),
 * then one JSON line on stdout: throughput per tenth of the market events, wall seconds, and
 * peak RSS of THIS process (VmHWM from /proc/self/status and resourceUsage().maxRSS), which is
 * why each measured size runs in its own process. Invoked by runBacktestInChild
 * (bench/backtest-process.ts): `node --import tsx bench/backtest-child.ts '<json>'`.
 */
import { readFileSync } from 'node:fs';

import { fileURLToPath } from 'node:url';
import type { runBacktest as RunBacktest } from '@chassis/backtesting';

export interface ChildRequest {
  readonly dataRoot: string;
  readonly venue: string;
  readonly instrument: string;
  readonly repeat: number;
  readonly outDir: string;
  /** Expected market events (for the tenths); 0 = unknown, one sample. */
  readonly expectedEvents: number;
  /** Resolve (status 'error', diagnostic) instead of rejecting when runBacktest throws after starting. */
  readonly allowFailure?: boolean;
  /** Run the compiled packages (default) or, when false, the sources through tsx. */
  readonly compiled?: boolean;
}

export interface ChildReport {
  readonly marketEvents: number;
  readonly events: number;
  readonly fills: number;
  readonly status: string;
  /** Why a run halted (invariant violation), or null. */
  readonly diagnostic: string | null;
  readonly seconds: number;
  /** Market events/s per tenth of the run, the first tenth (warm-up) dropped. */
  readonly perTenth: number[];
  /** RSS at the start and after each tenth (shows whether memory grows with input length). */
  readonly rssPerTenthBytes: number[];
  readonly vmHwmBytes: number;
  readonly maxRssBytes: number;
}

const REPO = fileURLToPath(new URL('../', import.meta.url));

function vmHwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

const req = JSON.parse(process.argv[2]!) as ChildRequest;
const { runBacktest } = (await import(req.compiled === false ? '@chassis/backtesting' : '../packages/backtesting/dist/index.js')) as { runBacktest: typeof RunBacktest };
const tenth = Math.max(1, Math.floor(req.expectedEvents / 10));
const marks: { t: number; n: number; rss: number }[] = [];
const t0 = performance.now();
marks.push({ t: t0, n: 0, rss: process.memoryUsage().rss });
// A failure after processing (e.g. writing outputs) still leaves the measured throughput and
// peak RSS worth reporting: the report then carries status 'error' and the message.
let failure: string | null = null;
const r = await runBacktest({
  definition: {
    data: { venue: req.venue, instrument: req.instrument },
    strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
    venue: { queue: { model: 'probabilistic', family: 'power', parameter: 2 } },
    seed: 1,
    output: { dir: req.outDir },
  },
  baseDir: REPO,
  dataRoot: req.dataRoot,
  codeVersion: 'bench',
  repeat: req.repeat,
  // onBatch fires every `batchEvents` events (all kinds) with cumulative figures.
  batchEvents: tenth,
  onBatch: (stats) => {
    const n = stats.marketEvents;
    if (n - marks[marks.length - 1]!.n >= tenth * 0.9) marks.push({ t: performance.now(), n, rss: process.memoryUsage().rss });
  },
}).catch((err: unknown) => {
  failure = err instanceof Error ? (err.stack ?? err.message) : String(err);
  const n = marks[marks.length - 1]!.n;
  return { marketEvents: n, events: n, fills: NaN, status: 'error', diagnostic: failure };
});
const seconds = (performance.now() - t0) / 1000;
const perTenth = marks.slice(1).map((m, i) => (m.n - marks[i]!.n) / ((m.t - marks[i]!.t) / 1000));
const report: ChildReport = {
  marketEvents: r.marketEvents,
  events: r.events,
  fills: r.fills,
  status: r.status,
  diagnostic: r.diagnostic,
  seconds,
  perTenth: perTenth.length > 1 ? perTenth.slice(1) : [r.marketEvents / seconds],
  rssPerTenthBytes: marks.map((m) => m.rss),
  vmHwmBytes: vmHwm(),
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
