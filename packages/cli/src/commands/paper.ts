// `chassis paper <live.yaml>`: live market data, orders filled by the simulated venue in real time.
import type { Command } from 'commander';
import { runSessionCommand, sessionOptions, type SessionFlags } from './trading-session.ts';

export function register(program: Command): void {
  sessionOptions(
    program
      .command('paper')
      .description('Paper-trade a strategy: live market data, simulated fills in real time (no credentials)'),
  ).action((file: string, flags: SessionFlags) => runSessionCommand('paper', file, flags));
}
