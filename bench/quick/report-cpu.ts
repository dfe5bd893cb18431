/**
 * `chassis report` of one run, phase by phase (not a bench section): load the columns as the
 * report does (auto: the journal's market events if it stores them, else the datasets) and with
 * the mids forced from the datasets, metrics, equity curve, HTML; CPU seconds
 * (user + sys) and wall per phase, best of N passes.
 *   node --import tsx bench/quick/report-cpu.ts <run-dir> [data-root] [passes=3]
 * Make a run of USD-M × 100 (~9.4 M messages) with `chassis backtest … --repeat 100 --out <dir>`.
 */
import { computeRunMetrics, equityCurve, instrumentsReportHtml, loadInstrumentSeries, openRunDir, type MarketSource, type RunSeries } from '@chassis/analysis';

const [dir, dataRoot, passesArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: report-cpu.ts <run-dir> [data-root] [passes]');
const passes = Number(passesArg ?? 3);
const best = new Map<string, { cpu: number; wall: number }>();

async function phase<T>(name: string, f: () => T | Promise<T>): Promise<T> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await f();
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  const wall = (performance.now() - t0) / 1000;
  const b = best.get(name);
  if (!b || cpu < b.cpu) best.set(name, { cpu, wall });
  return r;
}

const load = (market: MarketSource) => loadInstrumentSeries(openRunDir(dir), { market, ...(dataRoot ? { dataRoot } : {}) });
for (let i = 0; i < passes; i++) {
  await phase('load, mids from the datasets', () => load('datasets'));
  const series: RunSeries[] = await phase('load (auto, as the report)', () => load('auto'));
  const metrics = await phase('metrics', () => series.map((s) => computeRunMetrics(s)));
  const curves = await phase('equity curve', () => series.map((s, k) => equityCurve(s, metrics[k]!.sampleMs)));
  await phase('html', () => instrumentsReportHtml(series.map((s, k) => ({ series: s, metrics: metrics[k]!, curve: curves[k]! }))));
  if (i === 0) console.log(`${series[0]!.counters.events} events, ${series[0]!.mid.tsMs.length} mids, ${series[0]!.fills.tsMs.length} fills`);
}
for (const [name, b] of best) console.log(`${name.padEnd(32)} ${b.cpu.toFixed(2)} CPU-s  ${b.wall.toFixed(2)} s wall`);
