/**
 * sweep-queue (opt-in): the capture sweep of sweep-scaling (same 8 members, same data) through the
 * queue backend on warm long-lived workers — issue 13's "warm long-lived workers, nothing compiled
 * or loaded twice, one core per run". Two setups, each with its own real redis-server (Debian
 * package; the section fails when it is missing) on a free loopback port, its own copy of the
 * capture data root and one `chassis worker` process (the compiled CLI): --concurrency 1, and
 * --concurrency 2 (how one runs 2 workers on one 2-core machine: one worker process, two
 * long-lived run children). Each is warmed by one sweep (seed 2: other run ids), then timed
 * sweeps alternate between the two setups, seeds 1, 3, 4 (seed 1 = the members of
 * sweep-scaling's capture sweep). Every timed run must be new to its setup and started and
 * completed by the worker (not reused) on a run child that ran the warm-up; every run's outputHash
 * must be the same with concurrency 1 and 2, and for seed 1 equal to a local 1-worker sweep's (run
 * here first). CPU: the coordinator (this process), the worker process and each run child, from
 * /proc (Linux), over each timed sweep. The coordinator polls job states every 50 ms
 * (`chassis sweep --queue` polls every 250 ms).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepResult } from '@chassis/experiments';
import { startRedis, type RedisServer } from '../../packages/experiments/test/redis-server.ts';
import { REPO, captureInput, measureSweep, sweepCopy, sweepModules, writeSweepFiles, type SweepInput } from './sweep-scaling.ts';
import { median, result, type BenchContext, type BenchResult, type BenchSection } from '../types.ts';

const CLI = join(REPO, 'packages/cli/bin/chassis.js');
const POLL_MS = 50;
const WARM_SEED = 2;
/** One timed sweep per seed and setup, interleaved; seed 1 = sweep-scaling's capture sweep. */
const TIMED_SEEDS = [1, 3, 4];
const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** utime + stime of a process, ms (/proc/<pid>/stat fields 14 and 15). */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

function childPids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}

/** CPU ms of the worker process and of each of its (run) children, by pid. */
function workerCpu(pid: number): { worker: number; children: Map<number, number> } {
  return { worker: procCpuMs(pid), children: new Map(childPids(pid).map((c) => [c, procCpuMs(c)])) };
}

interface Worker {
  readonly proc: ChildProcess;
  readonly lines: string[];
}

function startWorker(url: string, root: string, concurrency: number): Promise<Worker> {
  const proc = spawn(process.execPath, [CLI, 'worker', '--queue', url, '--data', root, '--concurrency', String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      for (const l of d.toString().split('\n')) if (l) lines.push(l);
      if (lines.some((l) => l.startsWith('worker ready'))) resolve({ proc, lines });
    });
    proc.once('exit', (code) => reject(new Error(`sweep-queue: chassis worker exited early with ${code}: ${lines.join(' | ')}`)));
  });
}

async function queueSweep(input: SweepInput, dir: string, root: string, url: string, seed: number): Promise<SweepResult> {
  writeSweepFiles(dir, input, seed);
  const { backtestBackend, expandSweep, loadSweepFile, runSweepOnQueue } = await sweepModules();
  const sweep = loadSweepFile(join(dir, 'sweep.yaml'));
  const experiment = await expandSweep(sweep, backtestBackend, { dataRoot: root, baseDir: sweep.baseDir });
  // Polls job states every 50 ms (default 250): at most 50 ms of idle tail per sweep; the polling's
  // CPU in this process grows with the wall time (see the CPU-bound figure).
  return runSweepOnQueue(experiment, { queueUrl: url, dataRoot: root, backend: backtestBackend, pollMs: POLL_MS });
}

export interface QueueMeasurement {
  readonly concurrency: number;
  readonly wallSeconds: number;
  readonly coordinatorCpuMs: number;
  readonly workerCpuMs: number;
  /** CPU of each run child over the timed sweep. */
  readonly childCpuMs: readonly number[];
  readonly outputHashes: ReadonlyMap<string, string>;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

/** A warm queue setup: its own redis-server, data root copy and `chassis worker` process, warmed by one sweep. */
interface WarmQueue {
  readonly concurrency: number;
  readonly dir: string;
  readonly root: string;
  readonly redis: RedisServer;
  readonly worker: Worker;
  /** Run ids this setup has run, so a timed sweep can never be one answered from earlier runs. */
  readonly ran: Set<string>;
}

async function warmQueue(input: SweepInput, concurrency: number, scratch: string, opened: (() => Promise<void>)[]): Promise<WarmQueue> {
  const { dir, root } = sweepCopy(input, `queue-${concurrency}c-`, scratch);
  const redis = await startRedis();
  opened.push(() => redis.stop());
  const worker = await startWorker(redis.url, root, concurrency);
  opened.push(async () => {
    if (worker.proc.exitCode !== null) return;
    const exited = new Promise((resolve) => worker.proc.once('exit', resolve));
    worker.proc.kill('SIGTERM');
    await exited;
  });
  const warm = await queueSweep(input, dir, root, redis.url, WARM_SEED);
  if (warm.runs.length !== 8 || warm.runs.some((r) => r.status !== 'completed')) throw new Error(`sweep-queue: warm-up sweep failed with concurrency ${concurrency}`);
  const children = childPids(worker.proc.pid!).length;
  if (children !== concurrency) throw new Error(`sweep-queue: ${children} run children after the warm-up, expected ${concurrency}`);
  return { concurrency, dir, root, redis, worker, ran: new Set(warm.runs.map((r) => r.runId)) };
}

async function timedSweep(input: SweepInput, q: WarmQueue, seed: number): Promise<QueueMeasurement> {
  const pid = q.worker.proc.pid!;
  const before = workerCpu(pid);
  const linesBefore = q.worker.lines.length;
  const loadBefore = loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await queueSweep(input, q.dir, q.root, q.redis.url, seed);
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const loadAfter = loadavg()[0]!;
  const after = workerCpu(pid);
  const failed = r.runs.filter((x) => x.status !== 'completed');
  if (failed.length > 0 || r.runs.length !== 8) throw new Error(`sweep-queue: ${r.runs.length - failed.length}/8 runs completed with concurrency ${q.concurrency}: ${failed.map((x) => x.error).join('; ')}`);
  // Every timed run executed on a warm child: new to this setup, started and completed by the worker, no child replaced.
  const timed = q.worker.lines.slice(linesBefore);
  for (const run of r.runs) {
    if (q.ran.has(run.runId)) throw new Error(`sweep-queue: run ${run.runId} already ran on this setup`);
    if (!timed.includes(`started ${run.runId}`) || !timed.includes(`completed ${run.runId}`)) throw new Error(`sweep-queue: run ${run.runId} was not executed by the worker in the timed sweep: ${timed.join(' | ')}`);
    q.ran.add(run.runId);
  }
  if (after.children.size !== q.concurrency || [...after.children.keys()].some((c) => !before.children.has(c))) throw new Error('sweep-queue: a run child was replaced during the timed sweep (not warm)');
  const outputHashes = new Map(r.runs.map((x) => [x.runId, (JSON.parse(readFileSync(join(x.outDir!, 'manifest.json'), 'utf8')) as { outputHash: string }).outputHash]));
  return {
    concurrency: q.concurrency,
    wallSeconds,
    coordinatorCpuMs: (cpu.user + cpu.system) / 1000,
    workerCpuMs: after.worker - before.worker,
    childCpuMs: [...after.children].map(([c, ms]) => ms - before.children.get(c)!),
    outputHashes,
    loadBefore,
    loadAfter,
  };
}

const s = (ms: number): string => (ms / 1000).toFixed(2);
const total = (m: QueueMeasurement): number => m.coordinatorCpuMs + m.workerCpuMs + m.childCpuMs.reduce((a, b) => a + b, 0);

function describe(m: QueueMeasurement): string {
  return (
    `concurrency ${m.concurrency}: wall ${m.wallSeconds.toFixed(2)} s on ${(total(m) / 1000 / m.wallSeconds).toFixed(2)} cores on average; CPU coordinator ${s(m.coordinatorCpuMs)} s + worker process ${s(m.workerCpuMs)} s ` +
    `+ run children ${m.childCpuMs.map(s).join(' + ')} s (${s(m.childCpuMs.reduce((a, b) => a + b, 0) / 8)} s per run); load ${m.loadBefore.toFixed(2)} → ${m.loadAfter.toFixed(2)}`
  );
}

/**
 * The speed-up the CPU figures allow with a core per run child. The coordinator's polling CPU
 * grows with wall time, so a sweep slowed by other load would inflate it: both sides count the
 * lesser of the two coordinators' CPU.
 */
function cpuBoundSpeedUp(one: QueueMeasurement, two: QueueMeasurement): number {
  const coordinator = Math.min(one.coordinatorCpuMs, two.coordinatorCpuMs);
  return (coordinator + one.workerCpuMs + one.childCpuMs.reduce((a, b) => a + b, 0)) / (coordinator + two.workerCpuMs + Math.max(...two.childCpuMs));
}

function checkSame(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>, what: string): void {
  if (a.size !== b.size) throw new Error(`sweep-queue: ${a.size} runs vs ${b.size} (${what})`);
  for (const [runId, hash] of a) if (b.get(runId) !== hash) throw new Error(`sweep-queue: run ${runId} has outputHash ${hash} vs ${b.get(runId) ?? 'no run'} (${what})`);
}

export const sweepQueue: BenchSection = {
  name: 'sweep-queue',
  async run(_ctx: BenchContext): Promise<BenchResult[]> {
    if (spawnSync('redis-server', ['--version']).error) throw new Error('sweep-queue: needs redis-server on PATH (scripts/ensure-services.sh installs it); not found');
    const scratch = mkdtempSync(join(tmpdir(), 'chassis-bench-sweep-queue-'));
    try {
      const capture = await captureInput(join(scratch, 'capture-seed'));
      const local = await measureSweep(capture, 1, scratch);
      const opened: (() => Promise<void>)[] = [];
      const ones: QueueMeasurement[] = [];
      const twos: QueueMeasurement[] = [];
      try {
        const q1 = await warmQueue(capture, 1, scratch, opened);
        const q2 = await warmQueue(capture, 2, scratch, opened);
        // Interleaved so load drift hits both; seed 1 is sweep-scaling's capture sweep.
        for (const seed of TIMED_SEEDS) {
          const one = await timedSweep(capture, q1, seed);
          const two = await timedSweep(capture, q2, seed);
          checkSame(one.outputHashes, two.outputHashes, `queue, concurrency 1 vs 2, seed ${seed}`);
          if (seed === 1) checkSame(one.outputHashes, local.outputHashes, 'queue vs local sweep');
          ones.push(one);
          twos.push(two);
        }
      } finally {
        for (const close of opened.reverse()) await close();
      }
      const speedUps = ones.map((one, i) => one.wallSeconds / twos[i]!.wallSeconds);
      const cpuBounds = ones.map((one, i) => cpuBoundSpeedUp(one, twos[i]!));
      process.stderr.write(
        `sweep-queue (${capture.describe}; chassis worker, compiled; seeds ${TIMED_SEEDS.join(', ')} interleaved): speed-up ${speedUps.map((x) => x.toFixed(2)).join(' / ')}x with concurrency 2 ` +
          `(CPU figures allow ${cpuBounds.map((x) => x.toFixed(2)).join(' / ')}x with a core per run child); local 1-worker sweep ${local.wallSeconds.toFixed(2)} s\n` +
          ones.map((one, i) => `  ${describe(one)}\n  ${describe(twos[i]!)}\n`).join(''),
      );
      const what = '8-run sweep (market maker, spreadTicks 1..4 × qty 1..2) on the bundled USD-M BTCUSDT capture through the queue, one warm `chassis worker` process';
      return [
        result('sweep-queue-1-worker', 's', ones.map((m) => m.wallSeconds), null, `${what}, --concurrency 1, wall time`),
        result('sweep-queue-2-workers', 's', twos.map((m) => m.wallSeconds), median(ones.map((m) => m.wallSeconds)), `${what}, --concurrency 2, wall time; ratio = 2 / 1 (0.5 = perfect)`),
        result('sweep-queue-speedup', 'x', speedUps, null, `${what}: concurrency-1 time / concurrency-2 time (target ≥ 1.5)`),
        result('sweep-queue-cpu-bound-speedup', 'x', cpuBounds, null, `${what}: CPU with concurrency 1 (coordinator + worker process + run children) / (coordinator + worker process + busiest run child) with concurrency 2; coordinator = the lesser of the two measurements' (its polling grows with wall)`),
      ];
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
