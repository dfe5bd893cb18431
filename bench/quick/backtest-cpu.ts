/**
 * Quick iteration for the hot path (not a bench section): the full-backtest run (market maker,
 * probabilistic queue, USD-M capture repeated N times) reporting market events per wall second
 * and per process-CPU second (CPU time is steadier than wall time on a loaded machine; it
 * includes DuckDB's threads and the process start). Imports the capture once into
 * /tmp/chassis-quick/data.
 *   node --import tsx bench/quick/backtest-cpu.ts [repeat=20]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/quick/backtest-cpu.ts 20 && node bench/quick/self-time.mjs /tmp/prof
 */
import { rmSync } from 'node:fs';
import { quickBacktest } from './quick-run.ts';

const repeat = Number(process.argv[2] ?? 20);
const out = `/tmp/chassis-quick/run-${process.pid}`;
const t0 = performance.now();
const c0 = process.cpuUsage();
const r = await quickBacktest(repeat, out);
const wall = (performance.now() - t0) / 1000;
const cu = process.cpuUsage(c0);
const cpu = (cu.user + cu.system) / 1e6;
console.log(
  `${r.marketEvents} market events: ${(r.marketEvents / wall / 1e3).toFixed(0)}k/s wall (${wall.toFixed(2)} s; runner ${r.metrics.throughput.marketEventsPerSecond}/s), ` +
    `${(r.marketEvents / cpu / 1e3).toFixed(0)}k/CPU-s (${cpu.toFixed(2)} s); outputHash ${r.outputHash.slice(0, 16)}; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
);
rmSync(out, { recursive: true, force: true });
