// `chassis events <dir>`: a run's or session's journal as readable events (what it does:
// events-action.ts, imported when the command runs).
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('events')
    .description('Print the journal of a backtest run or a session as readable events')
    .argument('<dir>', 'a run directory (experiments/<run-id>) or a session directory (execution-records/<session>)')
    .option('--kind <kind...>', 'only these event kinds (repeat or comma-separate)')
    .option('--from-seq <n>', 'start at this seq')
    .option(
      '--json',
      'one JSON object a line (bigints as decimal strings, book levels as [side, priceUnits, qtyUnits])',
    )
    .option('--data <root>', "data root holding a backtest run's datasets (default: the one the run read)")
    .action(async (dir: string, flags: { kind?: string[]; fromSeq?: string; json?: boolean; data?: string }) => {
      const { parseEventsFlags, printEvents } = await import('./events-action.ts');
      const options = parseEventsFlags(flags);
      // A reader that stops early (`| head`) closes the pipe: that ends the listing, not an error.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      await printEvents(dir, options, (text) => process.stdout.write(text), flags.data);
    });
}
