// `chassis live <live.yaml> --i-understand-this-trades-real-money`: real orders on the venue.
import type { Command } from 'commander';
import { runSessionCommand, sessionOptions, type SessionFlags } from './trading-session.ts';

export function register(program: Command): void {
  sessionOptions(
    program
      .command('live')
      .description('Trade a strategy with real orders (needs the flag, and credentials in the environment)'),
  )
    .option('--i-understand-this-trades-real-money', 'required: this command sends real orders')
    .action((file: string, flags: SessionFlags) => runSessionCommand('live', file, flags));
}
