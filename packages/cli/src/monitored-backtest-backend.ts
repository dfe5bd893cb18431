/**
 * The run backend `chassis worker --metrics-port` hands its run children: the shipped backtest
 * backend of @chassis/experiments, plus live run statistics over the worker's stats socket
 * (run-stats-channel.ts). Same run ids, outcomes and artifacts as the plain backend; only the
 * observation differs. Loaded by module path in the child process.
 */
import { join } from 'node:path';
import { ChassisError } from '@chassis/core';
import { runBacktest, type RunDefinition } from '@chassis/backtesting';
import { backtestBackend, backtestHeadline, backtestRunId, CODE_VERSION, type RunBackend } from '@chassis/experiments';
import { runStatsReporter } from './run-stats-channel.ts';

export const backend: RunBackend = {
  ...backtestBackend,
  async run(definition, ctx) {
    const reporter = runStatsReporter();
    if (!reporter) return backtestBackend.run(definition, ctx);
    const def = definition as RunDefinition;
    try {
      const r = await runBacktest({ definition: def as unknown as Record<string, unknown>, baseDir: ctx.baseDir, dataRoot: ctx.dataRoot, codeVersion: CODE_VERSION, where: 'sweep member', onBatch: reporter.onBatch });
      return { runId: r.runId, status: 'completed', outDir: r.outDir, metrics: backtestHeadline(r.metrics) };
    } catch (err) {
      if (!(err instanceof ChassisError)) throw err;
      // As the plain backend: input problems fail this member, not the worker.
      const runId = await backtestRunId(def, ctx).catch(() => 'unresolved');
      return { runId, status: 'failed', outDir: join(ctx.dataRoot, 'experiments', runId), metrics: {}, error: `${err.code}: ${err.message}` };
    } finally {
      await reporter.close();
    }
  },
};

/** Module path of this backend, for the worker's run children. */
export const MONITORED_BACKTEST_BACKEND_MODULE = import.meta.url;
