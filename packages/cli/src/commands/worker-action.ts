// The action of `chassis worker` (its command line is worker.ts, which imports this module only when it runs).
// `chassis worker --queue redis://…`: pull sweep runs from the Redis (BullMQ) queue until stopped.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChassisError } from '@chassis/core';
import { resolveDataRoot } from '@chassis/storage';
import { startQueueWorker } from '@chassis/experiments';
import { BACKTEST_BACKEND_MODULE } from '@chassis/experiments';
import { createRunProbe, feedRunProbe, resolveMonitoringOptions, setRunState, startMonitoring, type InstrumentProbe, type MetricsRegistry, type RunProbe } from '@chassis/monitoring';
import { listenForRunStats, RUN_STATS_SOCKET_ENV, type RunStatsMessage } from '../run-stats-channel.ts';
import { MONITORED_BACKTEST_BACKEND_MODULE } from '../monitored-backtest-backend.ts';
import type { WorkerFlags } from './worker.ts';

/** Finished runs whose series stay exported (so a scrape after the end sees the final state); older ones are dropped to bound cardinality. */
const KEEP_FINISHED_RUNS = 16;

/** One RunProbe (component "worker") per run this worker executes, fed from its run children's stats lines. */
class WorkerRunProbes {
  private readonly runs = new Map<string, { probe: RunProbe; slots: InstrumentProbe[]; detach: () => void; finished: boolean }>();

  constructor(private readonly metrics: MetricsRegistry) {}

  onStats(m: RunStatsMessage): void {
    let run = this.runs.get(m.runId);
    if (!run) {
      const probe = createRunProbe({ component: 'worker', runId: m.runId, strategy: m.strategy });
      setRunState(probe, 'running');
      run = { probe, slots: [], detach: this.metrics.attachRun(probe), finished: false };
      this.runs.set(m.runId, run);
    }
    feedRunProbe(run.probe, m, run.slots);
  }

  onEvent(kind: string, runId: string): void {
    const run = this.runs.get(runId);
    if (!run || (kind !== 'completed' && kind !== 'retrying')) return;
    if (kind === 'completed') run.probe.progressRatio = 1;
    setRunState(run.probe, kind === 'completed' ? 'completed' : 'failed');
    run.finished = true;
    const finished = [...this.runs.entries()].filter(([, r]) => r.finished);
    for (const [id, r] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED_RUNS))) {
      r.detach();
      this.runs.delete(id);
    }
  }
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new ChassisError('E_USAGE', `${flag} expects a positive integer, got "${v}"`);
  return n;
}

/** Runs queued sweep members until SIGINT/SIGTERM, then finishes the active ones. */
export async function workerCommand(flags: WorkerFlags): Promise<void> {
  const lockDurationMs = positiveInt('--lock-ms', flags.lockMs)!;
  const dataRoot = resolveDataRoot(flags.data);
  // A worker never ends on its own, so there is no final push: --pushgateway is accepted and ignored.
  const monitoring = resolveMonitoringOptions({ ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}), ...(flags.metricsHost ? { metricsHost: flags.metricsHost } : {}) });
  const mon = monitoring.metricsPort !== undefined ? await startMonitoring({ component: 'worker', dataRoot, ...monitoring }) : null;
  const queueReady = mon?.readiness.flag('queue_connected', `connecting to ${flags.queue}`);
  const probes = mon ? new WorkerRunProbes(mon.metrics) : null;
  let backendModule = flags.runBackend ?? BACKTEST_BACKEND_MODULE;
  const listener = probes
    ? await listenForRunStats(join(tmpdir(), `chassis-worker-${process.pid}.sock`), (m) => probes.onStats(m))
    : null;
  if (listener) {
    // Run children inherit the environment and report live stats on this socket.
    process.env[RUN_STATS_SOCKET_ENV] = listener.socketPath;
    if (!flags.runBackend) backendModule = MONITORED_BACKTEST_BACKEND_MODULE;
    process.stdout.write(`metrics on ${mon!.server!.url}/metrics\n`);
  }
  const worker = await startQueueWorker({
    queueUrl: flags.queue,
    dataRoot,
    backendModule,
    concurrency: positiveInt('--concurrency', flags.concurrency)!,
    lockDurationMs,
    stalledIntervalMs: Math.max(500, Math.floor(lockDurationMs / 2)),
    onEvent: (e) => {
      probes?.onEvent(e.kind, e.runId);
      process.stdout.write(`${e.kind} ${e.runId}${e.detail ? `: ${e.detail}` : ''}\n`);
    },
  });
  queueReady?.pass();
  process.stdout.write(`worker ready on ${flags.queue}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('worker stopping: finishing active runs\n');
  await worker.close();
  await listener?.close();
  await mon?.finish();
}
