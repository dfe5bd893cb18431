/**
 * Where a sweep's wall time goes outside its runs (not a bench section): the bench's capture sweep
 * with N workers, then wall time minus, for the busiest child, its start-up and its runs' wall —
 * what is left is serial work of the pool (fork, the parent's bookkeeping, stopping the children,
 * the index) that a second worker cannot share.
 *   node --import tsx bench/quick/sweep-timeline.ts [workers=2] [repeats=3]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { captureInput, measureSweep, type SweepInput } from '../sections/sweep-scaling.ts';

const workers = Number(process.argv[2] ?? 2);
const repeats = Number(process.argv[3] ?? 3);
const SEED = '/tmp/chassis-quick-sweep/capture';
const input: SweepInput = existsSync(`${SEED}/complete`)
  ? { name: 'capture', root: SEED, venue: 'binance-usdm', instrument: 'BTCUSDT', describe: 'bundled USD-M BTCUSDT capture' }
  : await captureInput(SEED).then((i) => (mkdirSync(`${SEED}/complete`), i));
const scratch = '/tmp/chassis-quick-sweep/scratch';
mkdirSync(scratch, { recursive: true });
for (let i = 0; i < repeats; i++) {
  const m = await measureSweep(input, workers, scratch);
  const u = m.result.usage!;
  const busy = u.childStartMs.map((_, c) => ({ c, start: u.childStartMs[c]!, runs: u.perRun.filter((r) => r.child === c).reduce((a, r) => a + r.wallMs, 0) }));
  const longest = Math.max(...busy.map((b) => b.start + b.runs));
  const f = (x: number) => (x / 1000).toFixed(3);
  console.log(
    `${workers} worker(s): wall ${m.wallSeconds.toFixed(3)} s; per child start + runs (wall) ${busy.map((b) => `${f(b.start)} + ${f(b.runs)}`).join(', ')} s; ` +
      `outside the busiest child ${(m.wallSeconds - longest / 1000).toFixed(3)} s; parent CPU ${f(u.parentCpuMs)} s (prepare ${f(u.prepareCpuMs)} CPU / ${f(u.prepareMs)} wall)`,
  );
}
