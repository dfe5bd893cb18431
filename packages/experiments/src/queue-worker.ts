/**
 * A BullMQ worker that pulls runs and executes them in long-lived child processes, one per
 * concurrency slot (a child that crashed or timed out is dropped and a fresh one takes its
 * place), so the fixed cost of starting a run process is paid once per slot. Crash safety
 * comes from BullMQ's job locks: a worker renews the lock of each active job every
 * lockDuration/2; if the worker dies, the lock expires, another worker's stalled-job check
 * moves the job back to waiting and it runs elsewhere (up to maxStalledCount times). A run
 * already completed under the data root (same run id) is returned without running again.
 */
import { loadRunBackend, type RunContext, type RunOutcome } from './run-backend.ts';
import { RunProcess } from './run-process.ts';
import { RUN_QUEUE, checkQueueReachable, redisConnection } from './queue-connection.ts';
import { parseMessage, runJobDataSchema, type RunJobData } from './messages.ts';

export interface QueueWorkerOptions {
  readonly queueUrl: string;
  readonly dataRoot: string;
  readonly backendModule: string;
  readonly concurrency?: number;
  /** How long a job stays owned by a silent worker, ms (default 30 000). */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs, ms (default 15 000). */
  readonly stalledIntervalMs?: number;
  readonly onEvent?: (e: { readonly kind: 'started' | 'completed' | 'reused' | 'retrying'; readonly runId: string; readonly detail?: string }) => void;
}

export interface QueueWorker {
  /** Finishes active runs and disconnects. */
  close(): Promise<void>;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  await checkQueueReachable(options.queueUrl);
  const backend = await loadRunBackend(options.backendModule);
  // Idle children ready for the next job; a busy one is owned by its job until it answers.
  const idle: RunProcess[] = [];
  const all = new Set<RunProcess>();
  const take = (): RunProcess => {
    while (idle.length > 0) {
      const p = idle.pop()!;
      if (p.alive) return p;
      all.delete(p);
    }
    const p = new RunProcess(options.backendModule);
    all.add(p);
    return p;
  };
  const { UnrecoverableError, Worker } = await import('bullmq');
  const worker = new Worker<RunJobData, RunOutcome>(
    RUN_QUEUE,
    async (job) => {
      let data: RunJobData;
      try {
        data = parseMessage(runJobDataSchema, job.data, `job ${job.id} of queue ${RUN_QUEUE}`);
      } catch (err) {
        // Malformed data stays malformed: fail the job at once instead of retrying it.
        throw new UnrecoverableError(`${(err as { code?: string }).code}: ${(err as Error).message}`);
      }
      const { runId, definition, baseDir, timeoutMs } = data;
      const ctx: RunContext = { dataRoot: options.dataRoot, baseDir };
      const done = await backend.findCompleted(runId, ctx);
      if (done?.status === 'completed') {
        options.onEvent?.({ kind: 'reused', runId });
        return done;
      }
      options.onEvent?.({ kind: 'started', runId });
      const proc = take();
      try {
        const reply = await proc.run({ runId, definition, backendModule: options.backendModule, ctx }, timeoutMs);
        // Infrastructure trouble (crash, timeout) throws so BullMQ retries; a run that failed on its own terms is a result.
        if (reply.type === 'error') {
          options.onEvent?.({ kind: 'retrying', runId, detail: reply.message });
          throw new Error(reply.message);
        }
        options.onEvent?.({ kind: 'completed', runId });
        return reply.outcome;
      } finally {
        if (proc.alive) idle.push(proc);
        else all.delete(proc);
      }
    },
    {
      connection: redisConnection(options.queueUrl),
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 15_000,
      maxStalledCount: 2,
    },
  );
  // Without a listener an error event would crash the process; connection trouble after start is retried by ioredis.
  worker.on('error', (err) => process.stderr.write(`worker: ${err.message}\n`));
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      await Promise.all([...all].map((p) => p.stop()));
    },
  };
}
