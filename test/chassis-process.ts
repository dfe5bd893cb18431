// Test support shared by every package: the `chassis` command as a user runs it, in a child
// process (bin/chassis.js), with its stdout and stderr collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const chassis = fileURLToPath(new URL('../packages/cli/bin/chassis.js', import.meta.url));

export interface ChassisRun {
  code: number | null;
  out: string;
  err: string;
}

/** Starts `chassis ...args` (env: added to this process's); `done` resolves when it exits; `out`/`err` read what it printed so far. */
export function startChassis(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; done: Promise<ChassisRun>; out: () => string; err: () => string } {
  const child = spawn(process.execPath, [chassis, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<ChassisRun>((res) => child.once('exit', (code) => res({ code, out, err })));
  return { child, done, out: () => out, err: () => err };
}

/** Runs `chassis ...args` (env: added to this process's) to its exit. */
export const runChassis = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ChassisRun> =>
  startChassis(args, env).done;
