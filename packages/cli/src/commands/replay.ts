// `chassis replay <dir>`: rebuild state from a backtest run's or a session's journal with the
// core alone and check it (state hashes at checkpoints, every RequestSent). A backtest journal
// references its market events: replay first proves the run's datasets (content hashes), then
// each journal block's market events (digest) as it regenerates them.
import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import { REPO_ROOT } from '../repo-root.ts';

export function register(program: Command): void {
  program
    .command('replay')
    .description(
      'Rebuild state from a run or session journal; verify state hashes at checkpoints and every RequestSent',
    )
    .argument('<dir>', 'a run directory (experiments/<run-id>) or a session directory (execution-records/<session>)')
    .option('--json', 'print the result as JSON')
    .option('--data <root>', "data root holding a backtest run's datasets (default: the one the run read)")
    .action(async (dir: string, flags: { json?: boolean; data?: string }) => {
      const { replayRecorded } = await import('@chassis/live');
      const r = await replayRecorded(dir, { baseDirs: [process.cwd(), REPO_ROOT], dataRoot: flags.data });
      if (flags.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      if (r.divergence) {
        const d = r.divergence;
        throw new ChassisError(
          'E_REPLAY_DIVERGED',
          `first divergence at seq ${d.seq} (${d.what}): expected ${d.expected}, got ${d.got}`,
          { exitCode: 2 },
        );
      }
      if (!flags.json) {
        process.stdout.write(
          `replay ok: ${r.events} events, ${r.checkpointsVerified} state-hash checkpoints and ${r.requestsVerified} RequestSent verified; final state ${r.finalStateHash}\n`,
        );
      }
    });
}
