/**
 * Runs an experiment's members on this machine: a pool of child processes (default one per
 * core), each a long-lived child executing one run after another (a crashed child is replaced). Completed runs (in this index, or anywhere under
 * the data root with the same run id) are reused; a failing run is recorded and the others go
 * on; an abort (Ctrl-C) stops the children and leaves unfinished runs pending for the next call.
 */
import { availableParallelism } from 'node:os';
import type { RunBackend, RunContext, RunOutcome } from './run-backend.ts';
import { RunProcess } from './run-process.ts';
import type { Experiment, SweepMember } from './sweep-expansion.ts';
import { datasetLabel, loadIndexEngine, openExperiment, readMemberRecord, writeIndexParquet, writeMemberRecord, type MemberRecord } from './experiment-index.ts';
import type { HeadlineMetrics } from './run-backend.ts';
import type { Scalar } from './sweep-file.ts';

export type SweepRunStatus = 'completed' | 'reused' | 'failed';

export interface SweepRunResult {
  readonly runId: string;
  readonly status: SweepRunStatus;
  readonly params: Readonly<Record<string, Scalar>>;
  readonly outDir: string | null;
  readonly metrics: HeadlineMetrics;
  readonly error?: string;
}

export interface SweepResult {
  readonly experimentId: string;
  readonly dir: string;
  /** Members that reached an outcome, in member order; members not reached (after an abort) are absent. */
  readonly runs: readonly SweepRunResult[];
  readonly interrupted: boolean;
  /** Where the time went (local pool only): for measuring the pool, not part of any result. */
  readonly usage?: PoolUsage;
}

/**
 * Where the pool's time went: runs executed in child processes (their summed wall/CPU ms), each
 * child's start-up (wall ms from fork until its backend had loaded, and the CPU ms that took),
 * all CPU the children used (start-up, runs and anything between), and the CPU this process
 * (the parent) used while the sweep ran. CPU ms count user + system time.
 */
export interface PoolUsage {
  /** Each executed run in completion order: which child ran it (spawn index), its wall and CPU ms. */
  readonly perRun: readonly { readonly runId: string; readonly child: number; readonly wallMs: number; readonly cpuMs: number }[];
  readonly runs: number;
  readonly runWallMs: number;
  readonly runCpuMs: number;
  readonly childStartMs: readonly number[];
  readonly childStartCpuMs: readonly number[];
  /** Each child's CPU ms in spawn order: on a machine with a core per worker and nothing else running, the largest is about the sweep's wall time. */
  readonly childCpuMs: readonly number[];
  readonly parentCpuMs: number;
  /** The backend's `prepare` in this process before the first run was sent (wall and CPU ms; 0 without one). */
  readonly prepareMs: number;
  readonly prepareCpuMs: number;
}

export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  readonly last: SweepRunResult;
}

export interface LocalSweepOptions {
  readonly dataRoot: string;
  readonly backend: RunBackend;
  /** Module path of the same backend, loaded by the child processes. */
  readonly backendModule: string;
  readonly workers?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SweepProgress) => void;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/** Records an outcome for a member; returns the public result. */
export function recordOutcome(dir: string, member: SweepMember, outcome: RunOutcome | { error: string }, reused: boolean): SweepRunResult {
  const ok = 'status' in outcome && outcome.status === 'completed';
  const error = 'status' in outcome ? outcome.error : outcome.error;
  const record: MemberRecord = {
    runId: member.runId,
    status: ok ? 'completed' : 'failed',
    params: member.params,
    dataset: datasetLabel(member.definition),
    outDir: 'outDir' in outcome ? outcome.outDir : null,
    metrics: 'metrics' in outcome ? outcome.metrics : {},
    error: ok ? null : (error ?? 'failed without a message'),
  };
  writeMemberRecord(dir, record);
  return {
    runId: record.runId,
    status: ok ? (reused ? 'reused' : 'completed') : 'failed',
    params: record.params,
    outDir: record.outDir,
    metrics: record.metrics,
    ...(record.error ? { error: record.error } : {}),
  };
}

/** The result of a member already done: completed in this index or found by the backend. */
export async function findReusable(dir: string, member: SweepMember, backend: RunBackend, ctx: RunContext): Promise<SweepRunResult | undefined> {
  const rec = readMemberRecord(dir, member.runId);
  if (rec?.status === 'completed') {
    return { runId: rec.runId, status: 'reused', params: rec.params, outDir: rec.outDir, metrics: rec.metrics };
  }
  const found = await backend.findCompleted(member.runId, ctx);
  if (found?.status === 'completed') return recordOutcome(dir, member, found, true);
  return undefined;
}

/**
 * Runs the backend's `prepare` over the members still to run (once, here, instead of in every
 * worker) and times it. Its failure is no sweep failure: each run then meets the problem itself
 * and records it as that member's error.
 */
export async function prepareMembers(backend: RunBackend, todo: readonly SweepMember[], ctx: RunContext): Promise<{ prepareMs: number; prepareCpuMs: number }> {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  if (backend.prepare && todo.length > 0) await backend.prepare(todo.map((m) => m.definition), ctx).catch(() => undefined);
  const cpu = process.cpuUsage(cpu0);
  return { prepareMs: performance.now() - wall0, prepareCpuMs: (cpu.user + cpu.system) / 1000 };
}

export async function runSweepLocally(experiment: Experiment, options: LocalSweepOptions): Promise<SweepResult> {
  const parentCpu0 = process.cpuUsage();
  const ctx: RunContext = { dataRoot: options.dataRoot, baseDir: experiment.baseDir };
  const dir = openExperiment(options.dataRoot, experiment);
  const total = experiment.members.length;
  const results = new Map<string, SweepRunResult>();
  let done = 0;
  const report = (r: SweepRunResult) => {
    results.set(r.runId, r);
    done++;
    options.onProgress?.({ done, total, last: r });
  };
  const todo: SweepMember[] = [];
  for (const m of experiment.members) {
    const reused = await findReusable(dir, m, options.backend, ctx);
    if (reused) report(reused);
    else todo.push(m);
  }
  const signal = options.signal;
  const poolSize = Math.min(todo.length, Math.max(1, options.workers ?? defaultWorkerCount()));
  const processes: RunProcess[] = [];
  const usage = { runs: 0, runWallMs: 0, runCpuMs: 0, childStartMs: [] as number[] };
  const perRun: PoolUsage['perRun'][number][] = [];
  const childStartCpuMs: number[] = [];
  const spawn = () => {
    // Long-lived: the child loads the backend now and then executes run after run.
    const p = new RunProcess(options.backendModule);
    processes.push(p);
    void p.ready.then((ms) => {
      usage.childStartMs.push(ms);
      if (p.startCpuMs !== undefined) childStartCpuMs.push(p.startCpuMs);
    });
    return p;
  };
  const onAbort = () => void Promise.all(processes.map((p) => p.stop()));
  signal?.addEventListener('abort', onAbort, { once: true });
  // The whole pool starts first, so its start-up overlaps the backend's preparation.
  const lanes = Array.from({ length: poolSize }, spawn);
  let prepared = { prepareMs: 0, prepareCpuMs: 0 };
  let next = 0;
  const lane = async (first: RunProcess) => {
    let proc = first;
    while (next < todo.length && !signal?.aborted) {
      const member = todo[next++]!;
      // A crashed or timed-out child is replaced; its run was recorded failed below.
      if (!proc.alive) proc = spawn();
      const reply = await proc.run({ runId: member.runId, definition: member.definition, backendModule: options.backendModule, ctx }, options.timeoutMs);
      // A run cut short by the abort is not a failure: it stays pending and runs next time.
      if (signal?.aborted) break;
      if (reply.usage) {
        perRun.push({ runId: member.runId, child: processes.indexOf(proc), wallMs: reply.usage.wallMs, cpuMs: reply.usage.cpuMs });
        usage.runs++;
        usage.runWallMs += reply.usage.wallMs;
        usage.runCpuMs += reply.usage.cpuMs;
      }
      report(recordOutcome(dir, member, reply.type === 'result' ? reply.outcome : { error: reply.message }, false));
    }
    // No run left for this lane: its child exits now, while other lanes still run, instead of
    // after the last run of the sweep (a child's exit took 80-130 ms of wall at load 8).
    void proc.stop();
  };
  try {
    prepared = await prepareMembers(options.backend, todo, ctx);
    const running = Promise.all(lanes.map(lane));
    // The index writer's engine loads while the first runs execute, not after the last one (a
    // failure to load is writeIndexParquet's to report).
    setImmediate(() => {
      try {
        loadIndexEngine();
      } catch {
        // reported when the index is written
      }
    });
    await running;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // The index is written while the last children exit: it reads only the member records.
    const stopped = Promise.all(processes.map((p) => p.stop()));
    try {
      await writeIndexParquet(dir);
    } finally {
      await stopped;
    }
  }
  const runs = experiment.members.flatMap((m) => results.get(m.runId) ?? []);
  const parentCpu = process.cpuUsage(parentCpu0);
  const pool: PoolUsage = {
    ...usage,
    perRun,
    childStartCpuMs,
    childCpuMs: processes.map((p) => p.cpuMs),
    parentCpuMs: (parentCpu.user + parentCpu.system) / 1000,
    ...prepared,
  };
  return { experimentId: experiment.experimentId, dir, runs, interrupted: signal?.aborted ?? false, usage: pool };
}
