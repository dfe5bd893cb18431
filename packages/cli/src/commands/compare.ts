// `chassis compare`: runs side by side, or a paper session against a backtest of its window (what
// it does: compare-action.ts, imported when the command runs).
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('compare')
    .description(
      'Compare runs (headline metrics side by side, ranked), or a paper session with a backtest of its window (parity, differences attributed)',
    )
    .argument('<dirs...>', 'two or more run directories, or <session-dir> <run-dir>')
    .option('--metric <name>', 'rank by this metric', 'pnl')
    .option('--html <file>', 'also write the comparison as a self-contained HTML report (runs)')
    .option('--json', 'session parity: print the whole report as JSON')
    .option('--limit <n>', 'session parity: differences listed', '20')
    .option(
      '--match-window-ms <ms>',
      'session parity: orders of the same intent requested further apart are not paired',
      '1000',
    )
    .option(
      '--data <dir>',
      "session parity: data root whose catalog holds the backtest's datasets (default: the run's own root)",
    )
    .action(
      async (
        dirs: string[],
        flags: { metric: string; html?: string; json?: boolean; limit: string; matchWindowMs: string; data?: string },
      ) => (await import('./compare-action.ts')).compareCommand(dirs, flags),
    );
}
