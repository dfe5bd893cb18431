// @ts-nocheck
// Test support: free loopback ports and child processes that announce their metrics URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const busyRunScript = fileURLToPath(new URL('./busy-run.ts', import.meta.url));

export { freePort } from '../../../test/loopback-port.ts';

export interface SpawnedJob {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything written to stdout so far. */
  stdout(): string;
  stop(): Promise<void>;
}

/** Spawns `node --import tsx <script> args…` and waits for its `listening <url>` line. */
export async function spawnJob(script: string, args: readonly string[], timeoutMs = 20_000): Promise<SpawnedJob> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
    const onData = (): void => {
      const m = /listening (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`job exited with ${code} before listening; stderr: ${err}`));
    });
  });
  return {
    child,
    url,
    stdout: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
