/**
 * sweep-queue (opt-in): the capture sweep of sweep-scaling (same 8 members, same data) through the
 * queue backend on warm long-lived workers — issue 13's "warm long-lived workers, nothing compiled
 * or loaded twice, one core per run". A real redis-server (Debian package; the section fails when
 * it is missing) on a free loopback port, one per measurement so no job of another measurement is
 * found in it. Per measurement: a fresh copy of the capture data root; one `chassis worker`
 * process (the compiled CLI) with --concurrency 1, then with --concurrency 2 (how one runs 2
 * workers on one 2-core machine: one worker process, two long-lived run children); a warm-up sweep
 * (seed 2: other run ids) so every run child has run before; then the timed sweep (seed 1, the
 * members of sweep-scaling's capture sweep). Every timed run must have been started and completed
 * by the worker (not reused), and every run's outputHash must be the same with 1 and 2 workers and
 * equal to a local 1-worker sweep's (run here first). CPU: the coordinator (this process), the
 * worker process and each run child, from /proc (Linux), over the timed sweep only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepResult } from '@chassis/experiments';
import { startRedis, type RedisServer } from '../../packages/experiments/test/redis-server.ts';
import { REPO, captureInput, measureSweep, sweepCopy, sweepModules, writeSweepFiles, type SweepInput } from './sweep-scaling.ts';
import { result, type BenchContext, type BenchResult, type BenchSection } from '../types.ts';

const CLI = join(REPO, 'packages/cli/bin/chassis.js');
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
  return runSweepOnQueue(experiment, { queueUrl: url, dataRoot: root, backend: backtestBackend, pollMs: 20 });
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

async function measureQueue(input: SweepInput, concurrency: number, scratch: string): Promise<QueueMeasurement> {
  const { dir, root } = sweepCopy(input, `queue-${concurrency}c-`, scratch);
  const redis: RedisServer = await startRedis();
  let worker: Worker | undefined;
  try {
    worker = await startWorker(redis.url, root, concurrency);
    const warm = await queueSweep(input, dir, root, redis.url, 2);
    if (warm.runs.some((r) => r.status !== 'completed')) throw new Error(`sweep-queue: warm-up sweep failed with concurrency ${concurrency}`);
    const pid = worker.proc.pid!;
    const before = workerCpu(pid);
    if (before.children.size !== concurrency) throw new Error(`sweep-queue: ${before.children.size} run children after the warm-up, expected ${concurrency}`);
    const linesBefore = worker.lines.length;
    const loadBefore = loadavg()[0]!;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await queueSweep(input, dir, root, redis.url, 1);
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const loadAfter = loadavg()[0]!;
    const after = workerCpu(pid);
    const failed = r.runs.filter((x) => x.status !== 'completed');
    if (failed.length > 0 || r.runs.length !== 8) throw new Error(`sweep-queue: ${r.runs.length - failed.length}/8 runs completed with concurrency ${concurrency}: ${failed.map((x) => x.error).join('; ')}`);
    // Every timed run executed on a warm child: started and completed by the worker, none reused, no new child.
    const timed = worker.lines.slice(linesBefore);
    for (const run of r.runs) {
      if (!timed.includes(`started ${run.runId}`) || !timed.includes(`completed ${run.runId}`)) throw new Error(`sweep-queue: run ${run.runId} was not executed by the worker in the timed sweep: ${timed.join(' | ')}`);
    }
    if (warm.runs.some((w) => r.runs.some((x) => x.runId === w.runId))) throw new Error('sweep-queue: the warm-up and timed sweeps share run ids');
    if ([...after.children.keys()].some((c) => !before.children.has(c))) throw new Error('sweep-queue: a run child was replaced during the timed sweep (not warm)');
    const outputHashes = new Map(r.runs.map((x) => [x.runId, (JSON.parse(readFileSync(join(x.outDir!, 'manifest.json'), 'utf8')) as { outputHash: string }).outputHash]));
    return {
      concurrency,
      wallSeconds,
      coordinatorCpuMs: (cpu.user + cpu.system) / 1000,
      workerCpuMs: after.worker - before.worker,
      childCpuMs: [...after.children].map(([c, ms]) => ms - before.children.get(c)!),
      outputHashes,
      loadBefore,
      loadAfter,
    };
  } finally {
    if (worker && worker.proc.exitCode === null) {
      const exited = new Promise((resolve) => worker!.proc.once('exit', resolve));
      worker.proc.kill('SIGTERM');
      await exited;
    }
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const s = (ms: number): string => (ms / 1000).toFixed(2);
const total = (m: QueueMeasurement): number => m.coordinatorCpuMs + m.workerCpuMs + m.childCpuMs.reduce((a, b) => a + b, 0);

function describe(m: QueueMeasurement): string {
  return (
    `concurrency ${m.concurrency}: wall ${m.wallSeconds.toFixed(2)} s on ${(total(m) / 1000 / m.wallSeconds).toFixed(2)} cores on average; CPU coordinator ${s(m.coordinatorCpuMs)} s + worker process ${s(m.workerCpuMs)} s ` +
    `+ run children ${m.childCpuMs.map(s).join(' + ')} s (${s(m.childCpuMs.reduce((a, b) => a + b, 0) / 8)} s per run); load ${m.loadBefore.toFixed(2)} → ${m.loadAfter.toFixed(2)}`
  );
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
      const one = await measureQueue(capture, 1, scratch);
      const two = await measureQueue(capture, 2, scratch);
      checkSame(one.outputHashes, two.outputHashes, 'queue, concurrency 1 vs 2');
      checkSame(one.outputHashes, local.outputHashes, 'queue vs local sweep');
      const speedUp = one.wallSeconds / two.wallSeconds;
      const cpuBound = total(one) / (two.coordinatorCpuMs + two.workerCpuMs + Math.max(...two.childCpuMs));
      process.stderr.write(
        `sweep-queue (${capture.describe}; chassis worker, compiled): speed-up ${speedUp.toFixed(2)}x with concurrency 2 (CPU figures allow ${cpuBound.toFixed(2)}x with a core per run child); local 1-worker sweep ${local.wallSeconds.toFixed(2)} s\n  ${describe(one)}\n  ${describe(two)}\n`,
      );
      const what = '8-run sweep (market maker, spreadTicks 1..4 × qty 1..2) on the bundled USD-M BTCUSDT capture through the queue, one warm `chassis worker` process';
      return [
        result('sweep-queue-1-worker', 's', [one.wallSeconds], null, `${what}, --concurrency 1, wall time`),
        result('sweep-queue-2-workers', 's', [two.wallSeconds], one.wallSeconds, `${what}, --concurrency 2, wall time; ratio = 2 / 1 (0.5 = perfect)`),
        result('sweep-queue-speedup', 'x', [speedUp], null, `${what}: concurrency-1 time / concurrency-2 time (target ≥ 1.5)`),
        result('sweep-queue-cpu-bound-speedup', 'x', [cpuBound], null, `${what}: all CPU with concurrency 1 / (coordinator + worker process + busiest run child) with concurrency 2`),
      ];
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
