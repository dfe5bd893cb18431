// `chassis worker --queue redis://…`: pull sweep runs from the Redis (BullMQ) queue until stopped.
import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import { resolveDataRoot } from '@chassis/storage';
import { startQueueWorker } from '@chassis/experiments';
import { BACKTEST_BACKEND_MODULE } from '@chassis/experiments';

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new ChassisError('E_USAGE', `${flag} expects a positive integer, got "${v}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('Run sweep members from a Redis queue (start any number, on any machine sharing the data root)')
    .requiredOption('--queue <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--data <dir>', 'data root shared with the sweep (default: $CHASSIS_DATA or ./data)')
    .option('--concurrency <n>', 'runs at a time in this worker (each in its own process)', '1')
    .option('--lock-ms <ms>', 'job lock duration: a crashed worker\'s run is retried elsewhere after this', '30000')
    .option('--run-backend <module>', 'module exporting the run backend (default: the backtesting runtime)')
    .action(async (flags: { queue: string; data?: string; concurrency: string; lockMs: string; runBackend?: string }) => {
      const lockDurationMs = positiveInt('--lock-ms', flags.lockMs)!;
      const worker = await startQueueWorker({
        queueUrl: flags.queue,
        dataRoot: resolveDataRoot(flags.data),
        backendModule: flags.runBackend ?? BACKTEST_BACKEND_MODULE,
        concurrency: positiveInt('--concurrency', flags.concurrency)!,
        lockDurationMs,
        stalledIntervalMs: Math.max(500, Math.floor(lockDurationMs / 2)),
        onEvent: (e) => process.stdout.write(`${e.kind} ${e.runId}${e.detail ? `: ${e.detail}` : ''}\n`),
      });
      process.stdout.write(`worker ready on ${flags.queue}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stdout.write('worker stopping: finishing active runs\n');
      await worker.close();
    });
}
