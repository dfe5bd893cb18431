// @ts-nocheck
// `chassis replay <run-dir>`: rebuild state from the journal with the core alone and check it.
import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import { replayRun } from '@chassis/backtesting';
import { REPO_ROOT } from './demo.ts';

export function register(program: Command): void {
  program
    .command('replay')
    .description('Rebuild state from a run journal; verify state hashes at checkpoints and every RequestSent')
    .argument('<run-dir>', 'a run directory (experiments/<run-id>)')
    .option('--json', 'print the result as JSON')
    .action(async (runDir: string, flags: { json?: boolean }) => {
      const r = await replayRun(runDir, { baseDirs: [process.cwd(), REPO_ROOT] });
      if (flags.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      if (r.divergence) {
        const d = r.divergence;
        throw new ChassisError('E_REPLAY_DIVERGED', `first divergence at seq ${d.seq} (${d.what}): expected ${d.expected}, got ${d.got}`, { exitCode: 2 });
      }
      if (!flags.json) {
        process.stdout.write(
          `replay ok: ${r.events} events, ${r.checkpointsVerified} state-hash checkpoints and ${r.requestsVerified} RequestSent verified; final state ${r.finalStateHash}\n`,
        );
      }
    });
}
