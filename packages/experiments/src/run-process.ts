/**
 * One run in one child process. The child loads the run backend by module path (sources are
 * TypeScript, so it starts with the tsx loader), runs one definition at a time on request and
 * exits as soon as its parent goes away — a killed worker leaves no orphan still writing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunContext, RunOutcome } from './run-backend.ts';

export interface RunRequest {
  readonly type: 'run';
  readonly runId: string;
  readonly definition: unknown;
  readonly backendModule: string;
  readonly ctx: RunContext;
}

export type RunReply = { readonly type: 'result'; readonly outcome: RunOutcome } | { readonly type: 'error'; readonly message: string };

const here = dirname(fileURLToPath(import.meta.url));
const childEntry = join(here, 'run-process-entry.ts');
const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;

/** A long-lived child that executes runs sequentially. */
export class RunProcess {
  private readonly child: ChildProcess;
  private pending: { resolve: (r: RunReply) => void } | undefined;
  private exited = false;
  private exitNote = '';

  constructor() {
    this.child = fork(childEntry, [], {
      execArgv: ['--import', tsxLoader],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (msg: RunReply) => {
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(msg);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.exitNote = signal ? `signal ${signal}` : `code ${code}`;
      const p = this.pending;
      this.pending = undefined;
      p?.resolve({ type: 'error', message: `run process exited with ${this.exitNote} before reporting a result` });
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Runs one definition; resolves with the child's reply, or an error reply if the child dies or `timeoutMs` passes (the child is then killed). */
  run(request: Omit<RunRequest, 'type'>, timeoutMs?: number): Promise<RunReply> {
    if (this.exited) return Promise.resolve({ type: 'error', message: `run process already exited with ${this.exitNote}` });
    return new Promise<RunReply>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.pending = {
        resolve: (r) => {
          if (timer) clearTimeout(timer);
          resolve(r);
        },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const p = this.pending;
          this.pending = undefined;
          this.child.kill('SIGKILL');
          p?.resolve({ type: 'error', message: `run ${request.runId} timed out after ${timeoutMs} ms` });
        }, timeoutMs);
      }
      this.child.send({ type: 'run', ...request } satisfies RunRequest);
    });
  }

  /** Stops the child (an unfinished run is abandoned; its id stays pending in the index). */
  stop(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}
