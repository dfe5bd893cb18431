/**
 * sweep-scaling: the same 8-run sweep (example market maker, spreadTicks 1..4 × qty 1..2) with
 * 1 local worker and with 2, on two inputs, all in this one run:
 * - long: a synthetic USD-M-like dataset (bench/synthetic-day.ts, 3 M market events by default,
 *   CHASSIS_BENCH_SWEEP_LONG_EVENTS overrides) sized so one run takes ≥ 5 s;
 * - capture: the bundled Binance USD-M BTCUSDT capture (~94 k messages, < 1 s a run).
 * Each sweep runs into a fresh copy of its data root, so nothing is reused; the copies carry the
 * columnar decode cache (written once here, as a data root has it after its first backtest or
 * sweep; without one, the sweep's coordinator writes it before its workers run).
 * Value: wall seconds; the 2-worker result's baseline is the 1-worker time, `ratio` their
 * quotient; the speed-up (1-worker / 2-worker time) is its own figure. Each sweep's CPU is
 * printed (parent, children, per run, child start-up) with the load average, so a poor ratio can
 * be told apart: CPU per run rising with 2 workers is contention, flat CPU with a poor ratio is
 * serial work or other load on the machine. On a shared Linux machine with autogroup scheduling
 * (/proc/sys/kernel/sched_autogroup_enabled) the cores are shared between sessions, so while other
 * sessions are busy a second worker gets the sweep no more CPU: the "cores on average" figure
 * shows it, and the CPU-bound speed-up says what a core per worker would give. Every run's outputHash must be the same with 1 and
 * 2 workers (the section fails otherwise).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCatalog, openStorage, readCanonical } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import type { SweepResult } from '@chassis/experiments';
import { buildDist } from '../../scripts/build-dist.mjs';
import { distIsCurrent } from '../../packages/cli/bin/dist-freshness.cjs';
import { syntheticDay } from '../synthetic-day.ts';
import { result, type BenchContext, type BenchResult, type BenchSection } from '../types.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CAPTURE = join(REPO, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');
/**
 * The sweep runs the way `chassis sweep` runs it: from the compiled packages (their pool workers
 * then run compiled too, with no transpiler), rebuilt first when a source is newer than the build
 * (as bench/backtest-process.ts does). CHASSIS_FROM_SOURCE=1 runs the TypeScript sources instead.
 */
const fromSource = process.env.CHASSIS_FROM_SOURCE === '1';
export const SWEEP_CODE = fromSource ? 'TypeScript sources (tsx)' : 'compiled packages (dist)';
const COMPILED_EXPERIMENTS: string = '../../packages/experiments/dist/index.js';
type Experiments = typeof import('@chassis/experiments');
let experiments: Promise<Experiments> | undefined;

export function sweepModules(): Promise<Experiments> {
  if (!fromSource && !experiments && !distIsCurrent(join(REPO, 'packages'), join(REPO, 'packages/cli/dist/.build.json'))) {
    const { files, ms } = buildDist();
    process.stderr.write(`bench: the compiled build was stale; rebuilt ${files} modules in ${(ms / 1000).toFixed(1)} s\n`);
  }
  // The parent loads the index writer's DuckDB before either arm: a sweep loads it on first use,
  // which would otherwise fall into the first arm only.
  experiments ??= ((fromSource ? import('@chassis/experiments') : import(COMPILED_EXPERIMENTS)) as Promise<Experiments>).then((m) => (m.loadIndexEngine(), m));
  return experiments;
}
const GRID = 'grid: { strategy.params.spreadTicks: [1, 2, 3, 4], strategy.params.qty: [1, 2] }';

/** One sweep input: a data root (never written to: each sweep runs in a copy) and what it holds. */
export interface SweepInput {
  readonly name: string;
  readonly root: string;
  readonly venue: string;
  readonly instrument: string;
  readonly describe: string;
}

export interface SweepMeasurement {
  readonly workers: number;
  readonly wallSeconds: number;
  readonly result: SweepResult;
  /** outputHash of each run's manifest, by run id. */
  readonly outputHashes: ReadonlyMap<string, string>;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

/** Decodes every dataset of a data root once, so its columnar decode cache exists before any sweep. */
async function warmDecodeCache(root: string): Promise<void> {
  const storage = openStorage(root);
  for (const meta of await openCatalog(storage).list()) {
    for await (const batch of readCanonical(storage, meta)) void batch;
  }
}

/** The bundled capture imported through the quality gate into `dir`, its decode cache written. */
export async function captureInput(dir: string): Promise<SweepInput> {
  await importCapture(openStorage(dir), CAPTURE, { venue: 'binance-usdm' });
  await warmDecodeCache(dir);
  return { name: 'capture', root: dir, venue: 'binance-usdm', instrument: 'BTCUSDT', describe: 'bundled USD-M BTCUSDT capture (93,950 messages)' };
}

/** The synthetic dataset (cached under the tmp directory by synthetic-day.ts), its decode cache written. */
export async function longInput(events: number): Promise<SweepInput> {
  const day = await syntheticDay({ targetEvents: events });
  await warmDecodeCache(day.dataRoot);
  return { name: 'long', root: day.dataRoot, venue: day.venue, instrument: day.instrument, describe: `synthetic USD-M-like day, ${day.marketEvents} market events` };
}

/**
 * A fresh copy of `input.root` under `scratch` (without its experiments; without its decode cache
 * unless `decodeCache`), as `<dir>/data`.
 */
export function sweepCopy(input: SweepInput, prefix: string, scratch: string, decodeCache = true): { dir: string; root: string } {
  const dir = mkdtempSync(join(scratch, prefix));
  const root = join(dir, 'data');
  const skipped = decodeCache ? ['/experiments'] : ['/experiments', '/derived'];
  cpSync(input.root, root, { recursive: true, filter: (src) => !skipped.some((s) => src.endsWith(s)) });
  return { dir, root };
}

/** `<dir>/run.yaml` (market maker on the input, `seed`) and `<dir>/sweep.yaml` (the 8-member grid over it). */
export function writeSweepFiles(dir: string, input: SweepInput, seed: number): void {
  writeFileSync(
    join(dir, 'run.yaml'),
    `data: { venue: ${input.venue}, instrument: ${input.instrument} }\nstrategy:\n  module: ${join(REPO, 'examples/strategies/market-maker.ts')}\n  params: { spreadTicks: 2, qty: 1 }\nseed: ${seed}\n`,
  );
  writeFileSync(join(dir, 'sweep.yaml'), `base: run.yaml\n${GRID}\n`);
}

/**
 * Runs the 8-member sweep on a fresh copy of `input.root` with `workers` local workers. The copy
 * carries the input's decode cache unless `decodeCache` is false (a data root no backtest has
 * read yet: the sweep's preparation writes the cache).
 */
export async function measureSweep(input: SweepInput, workers: number, scratch: string, decodeCache = true): Promise<SweepMeasurement> {
  const { dir, root } = sweepCopy(input, `${input.name}-${workers}w-`, scratch, decodeCache);
  writeSweepFiles(dir, input, 1);
  const { BACKTEST_BACKEND_MODULE, backtestBackend, expandSweep, loadSweepFile, runSweepLocally } = await sweepModules();
  const sweep = loadSweepFile(join(dir, 'sweep.yaml'));
  const experiment = await expandSweep(sweep, backtestBackend, { dataRoot: root, baseDir: sweep.baseDir });
  const loadBefore = loadavg()[0]!;
  const t0 = performance.now();
  const r = await runSweepLocally(experiment, { dataRoot: root, backend: backtestBackend, backendModule: BACKTEST_BACKEND_MODULE, workers });
  const wallSeconds = (performance.now() - t0) / 1000;
  const loadAfter = loadavg()[0]!;
  const failed = r.runs.filter((x) => x.status !== 'completed');
  if (failed.length > 0 || r.runs.length !== 8) throw new Error(`sweep-scaling: ${r.runs.length - failed.length}/8 runs completed on ${input.name} with ${workers} worker(s): ${failed.map((x) => x.error).join('; ')}`);
  const outputHashes = new Map(r.runs.map((x) => [x.runId, (JSON.parse(readFileSync(join(x.outDir!, 'manifest.json'), 'utf8')) as { outputHash: string }).outputHash]));
  rmSync(dir, { recursive: true, force: true });
  return { workers, wallSeconds, result: r, outputHashes, loadBefore, loadAfter };
}

const s = (ms: number): string => (ms / 1000).toFixed(2);

/** One line per sweep: wall, CPU of parent and children, CPU and wall per run, child start-up, load. */
export function describeSweep(m: SweepMeasurement): string {
  const u = m.result.usage!;
  // Cores this sweep had on average: with other sessions busy, Linux's autogroup scheduler
  // shares the cores between sessions, so more workers do not get the sweep more cores.
  const cores = (u.parentCpuMs + u.childCpuMs.reduce((a, b) => a + b, 0)) / 1000 / m.wallSeconds;
  return (
    `${m.workers} worker(s): wall ${m.wallSeconds.toFixed(2)} s on ${cores.toFixed(2)} cores on average; CPU parent ${s(u.parentCpuMs)} s (preparing ${s(u.prepareCpuMs)} s CPU / ${s(u.prepareMs)} s wall) + children ${u.childCpuMs.map(s).join(' + ')} s ` +
    `(per run ${s(u.runCpuMs / u.runs)} s CPU / ${s(u.runWallMs / u.runs)} s wall; child start ${u.childStartMs.map(s).join('/')} s wall, ` +
    `${u.childStartCpuMs.map(s).join('/')} s CPU); load ${m.loadBefore.toFixed(2)} → ${m.loadAfter.toFixed(2)}\n` +
    `    CPU s per run, by child in run order: ${u.childCpuMs.map((_, c) => `[${u.perRun.filter((r) => r.child === c).map((r) => s(r.cpuMs)).join(' ')}]`).join(' ')}`
  );
}

/**
 * The speed-up the CPU figures allow on a machine where each worker has a core to itself: all
 * CPU of the 1-worker sweep over the busiest worker of the 2-worker sweep (plus the parent's CPU,
 * which runs in either case). Below the measured wall speed-up's ideal of 2 by the second
 * worker's own start-up and warm-up, and by contention if CPU per run rises with 2 workers.
 */
export function cpuBoundSpeedUp(one: SweepMeasurement, two: SweepMeasurement): number {
  const a = one.result.usage!;
  const b = two.result.usage!;
  return (a.parentCpuMs + a.childCpuMs.reduce((x, y) => x + y, 0)) / (b.parentCpuMs + Math.max(...b.childCpuMs));
}

/** Throws unless every run has the same outputHash in both sweeps. */
export function checkSameOutputs(a: SweepMeasurement, b: SweepMeasurement, input: string): void {
  for (const [runId, hash] of a.outputHashes) {
    const other = b.outputHashes.get(runId);
    if (other !== hash) throw new Error(`sweep-scaling: run ${runId} on ${input} has outputHash ${hash} with ${a.workers} worker(s) but ${other ?? 'no run'} with ${b.workers}`);
  }
}

async function scalingOf(input: SweepInput, scratch: string): Promise<BenchResult[]> {
  const one = await measureSweep(input, 1, scratch);
  const two = await measureSweep(input, 2, scratch);
  checkSameOutputs(one, two, input.name);
  const speedUp = one.wallSeconds / two.wallSeconds;
  const cpuBound = cpuBoundSpeedUp(one, two);
  process.stderr.write(
    `sweep-scaling ${input.name} (${input.describe}; ${SWEEP_CODE}): speed-up ${speedUp.toFixed(2)}x with 2 workers (CPU figures allow ${cpuBound.toFixed(2)}x with a core per worker)\n  ${describeSweep(one)}\n  ${describeSweep(two)}\n`,
  );
  const prefix = input.name === 'capture' ? 'sweep-scaling' : `sweep-scaling-${input.name}`;
  const what = `8-run sweep (market maker, spreadTicks 1..4 × qty 1..2) on the ${input.describe}`;
  return [
    result(`${prefix}-1-worker`, 's', [one.wallSeconds], null, `${what}, wall time with 1 worker`),
    result(`${prefix}-2-workers`, 's', [two.wallSeconds], one.wallSeconds, `${what}, wall time with 2 workers; ratio = 2-worker / 1-worker time (0.5 = perfect)`),
    result(`${prefix}-speedup`, 'x', [speedUp], null, `${what}: 1-worker time / 2-worker time (target ≥ ${input.name === 'capture' ? '1.5' : '1.8'})`),
    result(`${prefix}-cpu-bound-speedup`, 'x', [cpuBound], null, `${what}: all CPU of the 1-worker sweep / CPU of the busiest 2-worker child + parent (the speed-up with a core per worker and no other load)`),
  ];
}

export const sweepScaling: BenchSection = {
  name: 'sweep-scaling',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const scratch = mkdtempSync(join(tmpdir(), 'chassis-bench-sweep-'));
    try {
      const capture = await captureInput(join(scratch, 'capture-seed'));
      const out = await scalingOf(capture, scratch);
      if (!ctx.quick) {
        const events = Number(process.env.CHASSIS_BENCH_SWEEP_LONG_EVENTS ?? 3_000_000);
        out.unshift(...(await scalingOf(await longInput(events), scratch)));
      }
      return out;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
