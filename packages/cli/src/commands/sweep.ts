// `chassis sweep <file>`: a parameter sweep, locally or through Redis workers (what it does:
// sweep-action.ts, imported when the command runs).
import type { Command } from 'commander';
import { monitoringOptionSpecs } from '@chassis/monitoring';

export interface SweepFlags {
  data?: string;
  workers?: string;
  json?: boolean;
  yes?: boolean;
  queue?: string;
  timeoutMs?: string;
  runBackend?: string;
  metricsPort?: number;
  metricsHost?: string;
  pushgateway?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('Run a parameter sweep (grid/random/windows) in parallel, locally or through Redis workers')
    .argument('<sweep-file>', 'YAML/JSON sweep file: base run + grid/random/windows')
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data)')
    .option('--workers <n>', 'local worker processes (default: one per core)')
    .option('--queue <url>', 'enqueue on a Redis queue (redis://host:port) for `chassis worker` processes instead of running locally')
    .option('--timeout-ms <ms>', 'kill and fail (locally) or retry (queue) a run taking longer than this')
    .option('--yes', 'run even if the sweep is larger than its limit')
    .option('--json', 'print { experimentId, runs: [...] } as JSON')
    .option('--run-backend <module>', 'module exporting the run backend (default: the backtesting runtime)');
  for (const o of monitoringOptionSpecs) cmd.option(o.flags, o.description, o.parse as (raw: string) => unknown);
  cmd.action(async (file: string, flags: SweepFlags) => (await import('./sweep-action.ts')).sweepAndPrint(file, flags));
}
