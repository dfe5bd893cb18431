// The action of `chassis sweep` (its command line is sweep.ts, which imports this module only when it runs).
// `chassis sweep <file>`: expand a sweep file and run its members locally (child processes) or
// through a Redis queue (BullMQ) for `chassis worker` processes; writes the experiment index.
import { relative } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { createSweepProbe, recordSweepTransition, resolveMonitoringOptions, startMonitoring, type SweepProbe, type SweepRunStatus as ProbeStatus } from '@chassis/monitoring';
import { ChassisError } from '@chassis/core';
import { resolveDataRoot } from '@chassis/storage';
import {
  BACKTEST_BACKEND_MODULE,
  defaultWorkerCount,
  expandSweep,
  loadRunBackend,
  loadSweepFile,
  redisConnection,
  RUN_QUEUE,
  runSweepLocally,
  runSweepOnQueue,
  type SweepProgress,
  type SweepResult,
} from '@chassis/experiments';
import type { SweepFlags } from './sweep.ts';


/**
 * Runs by status for the sweep probe. The coordinator sees outcomes, not starts, so `running`
 * is inferred as min(workers, unfinished): a member leaves `queued` when a worker slot frees up.
 */
class SweepStatusTracker {
  private queued: number;
  private running = 0;

  constructor(
    private readonly probe: SweepProbe,
    total: number,
    private readonly slots: number,
  ) {
    this.queued = total;
    for (let i = 0; i < total; i++) recordSweepTransition(probe, null, 'queued');
    this.fill();
  }

  done(status: 'completed' | 'reused' | 'failed'): void {
    const to: ProbeStatus = status === 'failed' ? 'failed' : 'completed';
    if (this.running > 0) {
      this.running--;
      recordSweepTransition(this.probe, 'running', to);
    } else if (this.queued > 0) {
      this.queued--;
      recordSweepTransition(this.probe, 'queued', to);
    }
    this.fill();
  }

  private fill(): void {
    while (this.running < this.slots && this.queued > 0) {
      this.queued--;
      this.running++;
      recordSweepTransition(this.probe, 'queued', 'running');
    }
  }
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new ChassisError('E_USAGE', `${flag} expects a positive integer, got "${v}"`);
  return n;
}

export async function sweepCommand(file: string, flags: SweepFlags): Promise<SweepResult> {
  const workers = positiveInt('--workers', flags.workers) ?? defaultWorkerCount();
  const timeoutMs = positiveInt('--timeout-ms', flags.timeoutMs);
  const dataRoot = resolveDataRoot(flags.data);
  if (dataRoot.startsWith('s3://')) throw new ChassisError('E_USAGE', 'sweeps need a filesystem data root (shared filesystem for workers); got an s3:// root');
  const backendModule = flags.runBackend ?? BACKTEST_BACKEND_MODULE;
  const backend = await loadRunBackend(backendModule);
  const sweep = loadSweepFile(file);
  const monitoringOptions = resolveMonitoringOptions(
    { ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}), ...(flags.metricsHost ? { metricsHost: flags.metricsHost } : {}), ...(flags.pushgateway ? { pushgateway: flags.pushgateway } : {}) },
    sweep.file,
    file,
  );
  // Before anything is expanded or written: a port already in use fails fast.
  const mon =
    monitoringOptions.metricsPort !== undefined || monitoringOptions.pushgateway !== undefined ? await startMonitoring({ component: 'sweep', dataRoot, ...monitoringOptions }) : null;
  const expanded = mon?.readiness.flag('sweep_expanded', 'expanding the sweep');
  if (mon?.server && !flags.json) process.stderr.write(`metrics on ${mon.server.url}/metrics\n`);
  // Everything is validated and every run id resolved before anything is written.
  let experiment: Awaited<ReturnType<typeof expandSweep>>;
  try {
    experiment = await expandSweep(sweep, backend, { dataRoot, baseDir: sweep.baseDir }, { yes: flags.yes === true });
  } catch (err) {
    await mon?.finish();
    throw err;
  }
  const probe = mon ? createSweepProbe({ component: 'sweep', sweepId: experiment.experimentId }) : null;
  if (mon && probe) mon.metrics.attachSweep(probe);
  const slots = flags.queue ? 0 : Math.min(workers, experiment.members.length);
  const statuses = probe ? new SweepStatusTracker(probe, experiment.members.length, slots) : null;
  if (probe) {
    probe.workersExpected = slots;
    probe.workersAlive = slots;
  }
  // Queue sweeps: workers are separate processes; count those BullMQ sees connected, twice a
  // second and whenever a run finishes (a warm worker runs a short member in well under a second,
  // so a sweep can be over between two slower counts).
  const workerQueue = probe && flags.queue ? new (await import('bullmq')).Queue(RUN_QUEUE, { connection: redisConnection(flags.queue) }) : null;
  const countWorkers = async () => {
    if (!workerQueue || !probe) return;
    try {
      probe.workersAlive = await workerQueue.getWorkersCount();
      if (probe.workersAlive > probe.workersExpected) probe.workersExpected = probe.workersAlive;
    } catch {
      probe.workersAlive = 0;
    }
  };
  await countWorkers();
  const workerTimer = workerQueue ? setInterval(() => void countWorkers(), 500) : null;
  expanded?.pass();
  const controller = new AbortController();
  const onSigint = () => {
    if (!flags.json) process.stderr.write('\nstopping: unfinished runs stay pending; run the same command again to continue\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const showBar = !flags.json && process.stderr.isTTY === true;
  const bar = showBar
    ? new SingleBar({ format: 'sweep [{bar}] {value}/{total} runs | {failed} failed | {last}', stream: process.stderr, hideCursor: true }, Presets.shades_classic)
    : null;
  let failed = 0;
  bar?.start(experiment.members.length, 0, { failed: 0, last: '' });
  const onProgress = (p: SweepProgress) => {
    statuses?.done(p.last.status);
    void countWorkers();
    if (p.last.status === 'failed') failed++;
    bar?.update(p.done, { failed, last: `${p.last.runId} ${p.last.status}` });
    if (!bar && !flags.json) process.stderr.write(`[${p.done}/${p.total}] ${p.last.runId} ${p.last.status}${p.last.error ? `: ${p.last.error}` : ''}\n`);
  };
  try {
    return flags.queue
      ? await runSweepOnQueue(experiment, { queueUrl: flags.queue, dataRoot, backend, signal: controller.signal, onProgress, ...(timeoutMs ? { timeoutMs } : {}) })
      : await runSweepLocally(experiment, { dataRoot, backend, backendModule, workers, signal: controller.signal, onProgress, ...(timeoutMs ? { timeoutMs } : {}) });
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
    if (workerTimer) clearInterval(workerTimer);
    await workerQueue?.close();
    if (probe) probe.workersAlive = 0;
    await mon?.finish({ job: 'chassis_sweep', groupings: { sweep_id: experiment.experimentId } });
  }
}

function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

/** Runs the sweep and prints its outcome; the exit code says whether every run completed. */
export async function sweepAndPrint(file: string, flags: SweepFlags): Promise<void> {
  const r = await sweepCommand(file, flags);
  const failed = r.runs.filter((x) => x.status === 'failed').length;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ experimentId: r.experimentId, runs: r.runs.map(({ runId, status, params, outDir, metrics, error }) => ({ runId, status, params, outDir, metrics, ...(error ? { error } : {}) })) })}\n`);
  } else {
    const count = (s: string) => r.runs.filter((x) => x.status === s).length;
    process.stdout.write(
      `experiment ${r.experimentId}: ${count('completed')} completed, ${count('reused')} reused, ${failed} failed${r.interrupted ? ', interrupted' : ''}\n` +
        `index       ${displayPath(r.dir)}/index.parquet\n` +
        `next        chassis report ${displayPath(r.dir)}\n`,
    );
  }
  if (r.interrupted) process.exitCode = 130;
  else if (failed > 0) process.exitCode = 1;
}
