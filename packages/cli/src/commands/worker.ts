// `chassis worker --queue <url>`: runs sweep members from a Redis queue (what it does:
// worker-action.ts, imported when the command runs).
import type { Command } from 'commander';
import { monitoringOptionSpecs } from '@chassis/monitoring';

export interface WorkerFlags {
  queue: string;
  data?: string;
  concurrency: string;
  lockMs: string;
  runBackend?: string;
  metricsPort?: number;
  metricsHost?: string;
  pushgateway?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('worker')
    .description('Run sweep members from a Redis queue (start any number, on any machine sharing the data root)')
    .requiredOption('--queue <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--data <dir>', 'data root shared with the sweep (default: $CHASSIS_DATA or ./data)')
    .option('--concurrency <n>', 'runs at a time in this worker (each in its own process)', '1')
    .option('--lock-ms <ms>', 'job lock duration: a crashed worker\'s run is retried elsewhere after this', '30000')
    .option('--run-backend <module>', 'module exporting the run backend (default: the backtesting runtime)');
  for (const o of monitoringOptionSpecs) cmd.option(o.flags, o.description, o.parse as (raw: string) => unknown);
  cmd.action(async (flags: WorkerFlags) => (await import('./worker-action.ts')).workerCommand(flags));
}
