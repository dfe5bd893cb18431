/**
 * sweep-scaling: the same 8-run sweep (example market maker, spreadTicks 1..4 × qty 1..2, on
 * the bundled Binance USD-M BTCUSDT capture) with 1 local worker and with 2, each into a fresh
 * experiments directory so nothing is reused. Value: wall seconds; the 2-worker result's
 * baseline is the 1-worker time and `ratio` is their quotient (speed-up = 1 / ratio, printed).
 */
// @ts-nocheck

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { BACKTEST_BACKEND_MODULE, backtestBackend, expandSweep, loadSweepFile, runSweepLocally } from '@chassis/experiments';
import { result, type BenchResult, type BenchSection } from '../types.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CAPTURE = join(REPO, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');

export const sweepScaling: BenchSection = {
  name: 'sweep-scaling',
  async run(): Promise<BenchResult[]> {
    const tmp = mkdtempSync(join(tmpdir(), 'chassis-bench-sweep-'));
    try {
      const seed = join(tmp, 'seed');
      await importCapture(openStorage(seed), CAPTURE, { venue: 'binance-usdm' });
      writeFileSync(
        join(tmp, 'run.yaml'),
        `data: { venue: binance-usdm, instrument: BTCUSDT }\nstrategy:\n  module: ${join(REPO, 'examples/strategies/market-maker.ts')}\n  params: { spreadTicks: 2, qty: 1 }\nseed: 1\n`,
      );
      writeFileSync(join(tmp, 'sweep.yaml'), 'base: run.yaml\ngrid: { strategy.params.spreadTicks: [1, 2, 3, 4], strategy.params.qty: [1, 2] }\n');
      const seconds: Record<number, number> = {};
      const notes: string[] = [];
      for (const workers of [1, 2]) {
        const root = join(tmp, `root-${workers}`);
        cpSync(seed, root, { recursive: true });
        const sweep = loadSweepFile(join(tmp, 'sweep.yaml'));
        const experiment = await expandSweep(sweep, backtestBackend, { dataRoot: root, baseDir: sweep.baseDir });
        const t0 = performance.now();
        const r = await runSweepLocally(experiment, { dataRoot: root, backend: backtestBackend, backendModule: BACKTEST_BACKEND_MODULE, workers });
        seconds[workers] = (performance.now() - t0) / 1000;
        const done = r.runs.filter((x) => x.status === 'completed').length;
        if (done !== 8) throw new Error(`sweep-scaling: ${done}/8 runs completed with ${workers} worker(s)`);
        // The machine may be shared: CPU per run inside the children does not depend on load the way wall time does.
        const u = r.usage!;
        notes.push(
          `${workers} worker(s): run CPU ${(u.runCpuMs / u.runs / 1000).toFixed(2)} s, run wall ${(u.runWallMs / u.runs / 1000).toFixed(2)} s (mean of ${u.runs}), child start ${u.childStartMs.map((ms) => (ms / 1000).toFixed(2)).join('/')} s, load avg ${loadavg()[0]!.toFixed(2)}`,
        );
      }
      process.stderr.write(`sweep-scaling: 8 runs, 1 worker ${seconds[1]!.toFixed(2)} s, 2 workers ${seconds[2]!.toFixed(2)} s, speed-up ${(seconds[1]! / seconds[2]!).toFixed(2)}x\n  ${notes.join('\n  ')}\n`);
      return [result('sweep-scaling-1-worker', 's', [seconds[1]!], null, '8-run sweep wall time, 1 worker'), result('sweep-scaling-2-workers', 's', [seconds[2]!], seconds[1]!, '8-run sweep wall time, 2 workers; ratio = 2-worker time / 1-worker time (0.5 = perfect speed-up)')];
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
