/**
 * scaling: full backtest events/s and peak RSS as the input grows 1×, 4×, 16× (the USD-M
 * capture fed `repeat` times with shifted timestamps by runBacktest), each size in its own child
 * process (bench/backtest-child.ts) so each peak RSS (VmHWM) belongs to one size. Memory must
 * stay flat: the RSS ratio of 16× to 1× is printed (≈ 1 when bounded by batch size).
 * Samples of events/s: throughput per tenth of each run (first tenth dropped as warm-up).
 * Then the sweep speed-up with 1 and 2 workers (sweep-scaling section: 8 runs of ≥ 5 s on a
 * synthetic dataset and 8 runs of the bundled capture; the capture only under --quick).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktestInChild, type ChildReport } from '../backtest-process.ts';
import { usdmCanonical } from '../usdm-canonical.ts';
import { sweepScaling } from './sweep-scaling.ts';
import { median, result, type BenchResult, type BenchSection } from '../types.ts';

export const scaling: BenchSection = {
  name: 'scaling',
  async run(ctx): Promise<BenchResult[]> {
    const data = await usdmCanonical();
    const base = ctx.quick ? 1 : 4; // capture passes at 1×
    const tmp = mkdtempSync(join(tmpdir(), 'chassis-bench-scaling-'));
    const out: BenchResult[] = [];
    try {
      const reports: { factor: number; r: ChildReport }[] = [];
      for (const factor of [1, 4, 16]) {
        const repeat = base * factor;
        const r = await runBacktestInChild({
          dataRoot: data.root, venue: 'binance-usdm', instrument: 'BTCUSDT', repeat, outDir: join(tmp, `run-${factor}`), expectedEvents: data.events * repeat,
        });
        rmSync(join(tmp, `run-${factor}`), { recursive: true, force: true });
        process.stderr.write(`scaling ${factor}×: ${r.marketEvents} market events in ${r.seconds.toFixed(1)} s, peak RSS ${(r.vmHwmBytes / 2 ** 20).toFixed(0)} MiB (maxRSS ${(r.maxRssBytes / 2 ** 20).toFixed(0)} MiB); RSS MiB per tenth ${r.rssPerTenthBytes.map((b) => (b / 2 ** 20).toFixed(0)).join(' → ')}\n`);
        reports.push({ factor, r });
      }
      const one = reports[0]!.r;
      for (const { factor, r } of reports) {
        const inputs = `USD-M capture × ${base * factor} (${r.marketEvents} market events, ${r.events} events, ${r.fills} fills), example market maker, probabilistic power-2 queue; child process; samples = per-tenth throughput`;
        out.push(result(`scaling-${factor}x`, 'events/s', r.perTenth, factor === 1 ? null : median(one.perTenth), `${inputs}${factor === 1 ? '' : '; baseline = 1× events/s'}`));
        // RSS sampled after each tenth (the processing loop) vs VmHWM (also covers start-up and finalisation).
        const loop = (x: ChildReport): number[] => x.rssPerTenthBytes.slice(1).map((b) => b / 2 ** 20);
        out.push(result(`scaling-${factor}x-loop-rss`, 'MiB', loop(r), factor === 1 ? null : median(loop(one)), `RSS of the child after each tenth of the run${factor === 1 ? '' : '; baseline = 1× median'}`));
        out.push(result(`scaling-${factor}x-peak-rss`, 'MiB', [r.vmHwmBytes / 2 ** 20], factor === 1 ? null : one.vmHwmBytes / 2 ** 20, `VmHWM of the child at ${factor}×${factor === 1 ? '' : '; baseline = 1× peak RSS (flat ⇒ ratio ≈ 1)'}`));
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    out.push(...(await sweepScaling.run(ctx)));
    return out;
  },
};
