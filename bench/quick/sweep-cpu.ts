/**
 * Quick iteration for the sweep pool (not a bench section): one 8-run sweep per worker count on
 * one input, printing wall and CPU (parent, children, per run, child start-up) with the load.
 * Inputs are prepared once under /tmp/chassis-quick-sweep (capture) or by synthetic-day.ts (long).
 *   node --import tsx bench/quick/sweep-cpu.ts capture 1 2
 *   CHASSIS_BENCH_SWEEP_LONG_EVENTS=2000000 node --import tsx bench/quick/sweep-cpu.ts long 1 2
 * CHASSIS_SWEEP_NO_DECODE_CACHE=1 runs each sweep on a copy without the decode cache (a data root
 * no backtest has read yet). SWEEP_WORKER_FLAGS="--a --b" adds Node/V8 flags to the pool's worker
 * processes (RUN_PROCESS_FLAGS of the compiled run-process.js), to try a flag without a rebuild.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { SWEEP_CODE, captureInput, checkSameOutputs, cpuBoundSpeedUp, describeSweep, longInput, measureSweep, type SweepInput, type SweepMeasurement } from '../sections/sweep-scaling.ts';

if (process.env.SWEEP_WORKER_FLAGS) {
  const runProcess = (await import(new URL('../../packages/experiments/dist/run-process.js', import.meta.url).href)) as { RUN_PROCESS_FLAGS: string[] };
  runProcess.RUN_PROCESS_FLAGS.push(...process.env.SWEEP_WORKER_FLAGS.split(' ').filter((f) => f !== ''));
  console.log(`worker flags: ${runProcess.RUN_PROCESS_FLAGS.join(' ')}`);
}
const [which = 'capture', ...counts] = process.argv.slice(2);
const workers = counts.length > 0 ? counts.map(Number) : [1, 2];
const SEED = '/tmp/chassis-quick-sweep/capture';
let input: SweepInput;
if (which === 'long') {
  input = await longInput(Number(process.env.CHASSIS_BENCH_SWEEP_LONG_EVENTS ?? 3_000_000));
} else if (existsSync(`${SEED}/complete`)) {
  input = { name: 'capture', root: SEED, venue: 'binance-usdm', instrument: 'BTCUSDT', describe: 'bundled USD-M BTCUSDT capture' };
} else {
  rmSync(SEED, { recursive: true, force: true });
  input = await captureInput(SEED);
  mkdirSync(`${SEED}/complete`);
}
const scratch = '/tmp/chassis-quick-sweep/scratch';
mkdirSync(scratch, { recursive: true });
const done: SweepMeasurement[] = [];
for (const w of workers) {
  const m = await measureSweep(input, w, scratch, process.env.CHASSIS_SWEEP_NO_DECODE_CACHE !== '1');
  console.log(`${input.name} (${SWEEP_CODE}) ${describeSweep(m)}`);
  if (done[0]) checkSameOutputs(done[0], m, input.name);
  done.push(m);
}
if (done.length > 1) console.log(`speed-up ${done.slice(1).map((m) => `${m.workers}w ${(done[0]!.wallSeconds / m.wallSeconds).toFixed(2)}x (CPU-bound ${cpuBoundSpeedUp(done[0]!, m).toFixed(2)}x)`).join(', ')} (vs ${done[0]!.workers}w)`);
