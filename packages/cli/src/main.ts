// The `chassis` command: one program, each capability registers its subcommands.
import { Command, CommanderError } from 'commander';
import { ChassisError } from '@chassis/core';
import { commands } from './commands/index.ts';
import { version } from './version.ts';

/**
 * The program with every command, or with only `commandName` when that names one: a command line
 * that names its command needs no other command's declaration (~0.2 ms each, 18 of them, at every
 * start). Help, an unknown command or anything else gets them all.
 */
export function buildProgram(commandName?: string): Command {
  const program = new Command('chassis')
    .description('Chassis — deterministic trading infrastructure: data, backtests, sweeps, monitoring.')
    .version(version, '-V, --version')
    // Parse errors are printed by main() as E_USAGE; subcommands inherit this when registered.
    .configureOutput({ outputError: () => {} })
    .exitOverride();
  const named = commands.filter((c) => c.name === commandName);
  for (const { register } of named.length === 1 ? named : commands) register(program);
  return program;
}

/** Runs the CLI and returns the process exit code. Errors are printed as `E_CODE: message`, never as a bare stack. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram(argv[2]);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return usageError(err, program, argv);
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

/** Commander outcomes that are not errors: help or the version was printed. */
const COMMANDER_DONE = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version', 'commander.executeSubCommandAsync']);

/**
 * A command line commander refused (unknown command or option, missing argument) is
 * `E_USAGE: message` with exit code 2, naming what was wrong and where to read the usage.
 */
function usageError(err: CommanderError, program: Command, argv: readonly string[]): number {
  if (COMMANDER_DONE.has(err.code)) return err.exitCode;
  const path = commandPath(program, argv);
  const owner = path.at(-1) ?? program;
  const help = `chassis ${path.map((c) => `${c.name()} `).join('')}--help`;
  let message = err.message.replace(/^error: /, '');
  if (err.code === 'commander.unknownCommand') {
    const name = /'([^']*)'/.exec(message)?.[1] ?? message;
    const known = owner.commands.map((c) => c.name()).filter((n) => n !== 'help');
    message = `unknown command "${name}" (commands: ${known.join(', ')}; see ${help})`;
  } else {
    message = `${message} (see ${help})`;
  }
  process.stderr.write(`E_USAGE: ${message}\n`);
  return 2;
}

/** The subcommands named on the command line, outermost first (`chassis data show x` → data, show). */
function commandPath(program: Command, argv: readonly string[]): Command[] {
  const path: Command[] = [];
  let current = program;
  for (const arg of argv.slice(2)) {
    const next = current.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!next) continue;
    path.push(next);
    current = next;
  }
  return path;
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
