/**
 * Distributed sweep through BullMQ: each member becomes a job whose id is its run id, so
 * enqueueing the same run twice (a re-run, another experiment sharing it) adds nothing. The
 * coordinator waits on job states and is the only writer of this experiment's index, so every
 * run appears there exactly once however many workers tried it. Workers: queue-worker.ts.
 */
import type { Job } from 'bullmq';
import type { RunBackend, RunContext, RunOutcome } from './run-backend.ts';
import type { Experiment, SweepMember } from './sweep-expansion.ts';
import { openExperiment, writeIndexParquet } from './experiment-index.ts';
import { findReusable, prepareMembers, recordOutcome, type SweepProgress, type SweepResult, type SweepRunResult } from './local-sweep.ts';
import { RUN_QUEUE, checkQueueReachable, redisConnection } from './queue-connection.ts';
import { parseMessage, runOutcomeSchema, type RunJobData } from './messages.ts';


export interface QueueSweepOptions {
  readonly queueUrl: string;
  readonly dataRoot: string;
  readonly backend: RunBackend;
  /** Attempts per run (crash, timeout, lost worker); a run failing on its own terms is not retried. */
  readonly attempts?: number;
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SweepProgress) => void;
}

export async function runSweepOnQueue(experiment: Experiment, options: QueueSweepOptions): Promise<SweepResult> {
  // Before the experiment directory exists: an unreachable queue leaves nothing behind.
  await checkQueueReachable(options.queueUrl);
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
  const outstanding = new Map<string, SweepMember>();
  for (const m of experiment.members) {
    const reused = await findReusable(dir, m, options.backend, ctx);
    if (reused) report(reused);
    else outstanding.set(m.runId, m);
  }
  // Done once here for every worker on the shared data root, before any can take a job.
  await prepareMembers(options.backend, [...outstanding.values()], ctx);
  const { Queue } = await import('bullmq');
  const queue = new Queue<RunJobData, RunOutcome>(RUN_QUEUE, { connection: redisConnection(options.queueUrl) });
  try {
    for (const m of outstanding.values()) {
      const existing = await queue.getJob(m.runId);
      // A job that failed for good in an earlier sweep gets a fresh set of attempts.
      if (existing && (await existing.getState()) === 'failed') await existing.retry('failed');
      if (existing) continue;
      await queue.add(
        m.runId,
        { runId: m.runId, definition: m.definition, baseDir: experiment.baseDir, timeoutMs: options.timeoutMs ?? 3_600_000 },
        { jobId: m.runId, attempts: options.attempts ?? 3, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: false, removeOnFail: false },
      );
    }
    const pollMs = options.pollMs ?? 250;
    while (outstanding.size > 0 && !options.signal?.aborted) {
      for (const [runId, m] of outstanding) {
        const job: Job<RunJobData, RunOutcome> | undefined = await queue.getJob(runId);
        if (!job) continue;
        const state = await job.getState();
        if (state === 'completed') {
          // The job may have completed between getJob and getState: then this snapshot has no
          // return value yet and the job is read again.
          const returned: unknown = job.returnvalue ?? (await queue.getJob(runId))?.returnvalue;
          if (!returned) continue;
          let outcome: RunOutcome | { error: string };
          try {
            outcome = parseMessage(runOutcomeSchema, returned, `result of job ${runId}`);
          } catch (err) {
            outcome = { error: `${(err as { code?: string }).code}: ${(err as Error).message}` };
          }
          report(recordOutcome(dir, m, outcome, false));
          outstanding.delete(runId);
        } else if (state === 'failed') {
          report(recordOutcome(dir, m, { error: `failed after ${job.attemptsMade} attempt(s): ${job.failedReason}` }, false));
          outstanding.delete(runId);
        }
      }
      if (outstanding.size > 0) await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    await queue.close();
    await writeIndexParquet(dir);
  }
  const runs = experiment.members.flatMap((m) => results.get(m.runId) ?? []);
  return { experimentId: experiment.experimentId, dir, runs, interrupted: options.signal?.aborted ?? false };
}
