// The `chassis` command: one program, each capability registers its subcommands.
import { Command, CommanderError } from 'commander';
import { ChassisError } from '@chassis/core';
import { commands } from './commands/index.ts';
import { version } from './version.ts';

export function buildProgram(): Command {
  const program = new Command('chassis')
    .description('Chassis — deterministic trading infrastructure: data, backtests, sweeps, monitoring.')
    .version(version, '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI and returns the process exit code. Errors are printed as `E_CODE: message`, never as a bare stack. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ChassisError) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    process.stderr.write(`E_INTERNAL: ${e?.message ?? String(err)}\n`);
    if (process.env.CHASSIS_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    return 70;
  }
}
