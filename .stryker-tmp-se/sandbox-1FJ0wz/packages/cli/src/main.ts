// @ts-nocheck
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
    const io = describeFilesystemError(err);
    if (io) {
      process.stderr.write(`E_IO: ${io}\n`);
      if (process.env.CHASSIS_DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
      return 1;
    }
    const e = err as Error;
    process.stderr.write(`E_INTERNAL: ${e?.message ?? String(err)}\n`);
    if (process.env.CHASSIS_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    return 70;
  }
}

/** Why the operating system refused, in words a user acts on (the errno code stays in the message for searches). */
const FILESYSTEM_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path component is a file, not a directory',
  EISDIR: 'is a directory, expected a file',
  ENOENT: 'no such file or directory',
  EMFILE: 'too many open files',
};

/**
 * A Node filesystem error (an errno code and the path it concerns: an unwritable --data, a full
 * disk, a report written into a read-only folder) is bad input or environment, not a Chassis bug:
 * it is printed as `E_IO: <path>: <reason>` with exit code 1 instead of E_INTERNAL.
 */
export function describeFilesystemError(err: unknown): string | null {
  const e = err as (NodeJS.ErrnoException & { dest?: unknown }) | null;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || typeof e.path !== 'string') return null;
  const reason = FILESYSTEM_REASONS[e.code];
  if (!reason) return null;
  const target = typeof e.dest === 'string' ? `${e.path} → ${e.dest}` : e.path;
  return `${target}: ${reason} (${e.code}${e.syscall ? ` on ${e.syscall}` : ''})`;
}
