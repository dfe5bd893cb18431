/**
 * Quick iteration on the synthetic day (not a bench section): one full backtest (example market
 * maker, probabilistic power-2 queue, as bench/backtest-child.ts runs it) of an already
 * generated synthetic day, on the COMPILED packages (run `npm run build` after a source change),
 * printing process-CPU seconds (steadier than wall on a loaded machine; includes DuckDB's
 * threads and the process start), market events and book rows per CPU second, and the run's
 * identity (orders, fills, PnL, outputHash). Generate a day first, e.g.
 * `CHASSIS_BENCH_SYNTHETIC_EVENTS=3000000 npm run -s bench -- synthetic-day`.
 *   node --import tsx bench/quick/synthetic-cpu.ts /tmp/chassis-bench-synthetic-<hash>
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/quick/synthetic-cpu.ts <dir> && node bench/quick/self-time.mjs /tmp/prof
 */
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { runBacktest as RunBacktest } from '@chassis/backtesting';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const dir = process.argv[2] ?? '/tmp/chassis-bench-synthetic-8970b1ea448d371d';
const day = JSON.parse(readFileSync(`${dir}/complete.json`, 'utf8')) as { dataRoot: string; venue: string; instrument: string; marketEvents: number; bookRows: number };
const c0 = process.cpuUsage();
const t0 = performance.now();
// The compiled build, as bench/backtest-child.ts runs it (a path in a variable: no declarations to check against).
const compiled: string = '../../packages/backtesting/dist/index.js';
const { runBacktest } = (await import(compiled)) as { runBacktest: typeof RunBacktest };
const out = `/tmp/chassis-quick/synth-run-${process.pid}`;
const r = await runBacktest({
  definition: {
    data: { venue: day.venue, instrument: day.instrument },
    strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
    venue: { queue: { model: 'probabilistic', family: 'power', parameter: 2 } },
    seed: 1,
    output: { dir: out },
  },
  baseDir: REPO,
  dataRoot: day.dataRoot,
  codeVersion: 'bench',
  repeat: 1,
});
const wall = (performance.now() - t0) / 1000;
const cu = process.cpuUsage(c0);
const cpu = (cu.user + cu.system) / 1e6;
const rows = day.marketEvents - Math.round(day.marketEvents * 0.07) + day.bookRows;
console.log(
  `${r.marketEvents} market events, ~${(rows / 1e6).toFixed(1)}M rows: CPU ${cpu.toFixed(2)} s (user ${(cu.user / 1e6).toFixed(2)}), wall ${wall.toFixed(2)} s; ` +
    `${(rows / cpu / 1e6).toFixed(2)}M rows/CPU-s; status ${r.status}; orders ${r.orders} fills ${r.fills} pnl ${r.pnl}; outputHash ${r.outputHash.slice(0, 16)}; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
);
rmSync(out, { recursive: true, force: true });
