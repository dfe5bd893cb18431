// `chassis report <dir>`: one self-contained HTML report of a run or an experiment (what it does:
// report-action.ts, imported when the command runs).
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('report')
    .description('Write one self-contained HTML report (charts) for a run directory or an experiment directory')
    .argument('<dir>', 'a run directory (experiments/<run-id>) or an experiment directory (experiments/exp-…)')
    .option('--out <file>', 'also write the HTML here (default: report-<id>.html in the current directory when not stored under a data root)')
    .option('--metric <name>', 'metric to rank experiments by', 'pnl')
    .option('--data <dir>', "data root with the run's datasets, where the report is also stored (default: the one the run recorded, else the root of <root>/experiments/<run-id>, else $CHASSIS_DATA or ./data)")
    .option('--open', 'open the report in the default browser')
    .action(async (target: string, flags: { out?: string; metric: string; data?: string; open?: boolean }) => (await import('./report-action.ts')).reportCommand(target, flags));
}
