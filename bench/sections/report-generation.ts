/**
 * report-generation: `chassis report` work (journal → analysis columns → metrics → downsampled
 * self-contained HTML) for a backtest of at least 10 million venue messages (the Binance USD-M
 * capture replayed with shifted timestamps through runBacktest's `repeat`, example market maker).
 * Values: seconds to load + analyse (the run's own events from its journal, which references its
 * market events; the mids from its canonical datasets), seconds to render the HTML, and its size
 * in MB (must stay a few MB: the charts embed downsampled series, not millions of points).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { runBacktest } from '@chassis/backtesting';
import { computeRunMetrics, equityCurve, loadRunSeries, openRunDir, runReportHtml } from '@chassis/analysis';
import { result, type BenchResult, type BenchSection } from '../types.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CAPTURE = join(REPO, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');
const TARGET_MESSAGES = Number(process.env.CHASSIS_BENCH_REPORT_MESSAGES ?? 10_000_000);
const CAPTURE_MESSAGES = 93_950; // venue messages (market events) of one pass over the capture

export const reportGeneration: BenchSection = {
  name: 'report-generation',
  async run(): Promise<BenchResult[]> {
    const tmp = mkdtempSync(join(tmpdir(), 'chassis-bench-report-'));
    try {
      const root = join(tmp, 'data');
      await importCapture(openStorage(root), CAPTURE, { venue: 'binance-usdm' });
      const bt = await runBacktest({
        definition: { data: { venue: 'binance-usdm', instrument: 'BTCUSDT' }, strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } }, seed: 1 },
        baseDir: REPO,
        dataRoot: root,
        codeVersion: 'bench',
        repeat: Math.max(1, Math.ceil(TARGET_MESSAGES / CAPTURE_MESSAGES)),
      });
      const load: number[] = [];
      const loadCpu: number[] = [];
      const render: number[] = [];
      let size = 0;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const series = await loadRunSeries(openRunDir(bt.outDir));
        const metrics = computeRunMetrics(series);
        const t1 = performance.now();
        const c = process.cpuUsage(c0);
        // CPU seconds too: on a shared machine wall time also measures the neighbours.
        loadCpu.push((c.user + c.system) / 1e6);
        const html = runReportHtml({ series, metrics, curve: equityCurve(series, metrics.sampleMs) });
        render.push((performance.now() - t1) / 1000);
        load.push((t1 - t0) / 1000);
        size = html.length / 1e6;
      }
      process.stderr.write(
        `report-generation: ${bt.marketEvents} messages, ${bt.events} events, load+analyse ${load[0]!.toFixed(2)} s (CPU ${loadCpu[0]!.toFixed(2)} s; load avg ${loadavg()[0]!.toFixed(2)}), render ${render[0]!.toFixed(3)} s, ${size.toFixed(2)} MB\n`,
      );
      return [
        result('report-generation-load', 's', load, null, `load + analyse ${bt.events} events, ${bt.marketEvents} messages (wall)`),
        result('report-generation-load-cpu', 's', loadCpu, null, `load + analyse ${bt.events} events, mids from the datasets (CPU)`),
        result('report-generation-render', 's', render, null, 'render the HTML'),
        result('report-generation-html-size', 'MB', [size], null, 'self-contained HTML file size'),
      ];
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
