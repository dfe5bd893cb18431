/**
 * A long-lived child process that executes many runs, one at a time. The child loads the run
 * backend by module path once (sources are TypeScript, so it starts with the tsx loader) and
 * then answers run requests over IPC, so the fixed cost of a process — Node start, tsx, DuckDB,
 * compiling the runtime — is paid once per worker, not once per run. It exits as soon as its
 * parent goes away — a killed worker leaves no orphan still writing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChassisError } from '@chassis/core';
import type { z } from 'zod';
import { childMessageSchema, parseMessage, type runRequestSchema } from './messages.ts';

/** Parent → child (messages.ts). */
export type RunRequest = z.output<typeof runRequestSchema>;

/** Child → parent (messages.ts): 'ready' once its backend loaded (or failed to), then one reply per run with the run's wall and CPU ms. */
export type ChildMessage = z.output<typeof childMessageSchema>;
export type RunReply = Exclude<ChildMessage, { type: 'ready' }>;
export type ReadyMessage = Extract<ChildMessage, { type: 'ready' }>;

const here = dirname(fileURLToPath(import.meta.url));
// Compiled (packages/experiments/dist, .js) the child needs no transpiler; from the TypeScript
// sources it starts with the tsx loader. Compiled, a child for the backtest backend starts from the
// build's bundle of the entry and that backend (scripts/build-dist.mjs bundleRunProcess), one file
// instead of ~300 modules: ~0.15 CPU-s less per worker. For another backend (it would load its
// own modules beside the bundle's), or without the bundle, from the per-file entry.
const compiled = import.meta.url.endsWith('.js');
const bundle = join(here, 'bundle', 'run-process.mjs');
const bundledBackend = pathToFileURL(join(here, 'backtest-backend.js')).href;
const childEntry = (backendModule: string | undefined): string =>
  !compiled ? join(here, 'run-process-entry.ts') : backendModule === bundledBackend && existsSync(bundle) ? bundle : join(here, 'run-process-entry.js');
const loaderArgs = compiled ? [] : ['--import', pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs')).href];

/**
 * How a pool child runs. A pool runs one child per core, so a run must stay on one core: V8 runs
 * its garbage collector and optimising compiler on the run's own thread (--single-threaded)
 * instead of helper threads that would take the other core, and libuv keeps one thread for file
 * and DuckDB work (DuckDB itself runs with one thread: @chassis/storage duckdb-engine.ts).
 * A fixed 32 MiB semi-space (V8's default starts at 1 MiB and grows) makes the young-generation
 * collections of a run's short-lived event objects rarer: ~15-20 % less CPU over a worker's
 * first five capture runs (sums 3.2-4.0 s vs 4.0-4.4 s, interleaved, load 11-13), most of it in
 * the first runs, before the default heap has grown. Garbage collection never changes a result.
 *
 * --always-sparkplug compiles each function to V8's baseline code on its first call instead of
 * interpreting its bytecode until it is warm: a worker spends its first runs mostly below the
 * optimising tier (a first capture run ~1.1-1.3 CPU-s against ~0.3 warm), and code that never
 * gets hot enough for the optimising compiler runs as baseline code in every run. One worker's 8
 * capture runs (bench/quick/sweep-first-run.mjs, 5 interleaved rounds, load ~8): runs 1-4 2.69
 * CPU-s against 2.80 without it, runs 5-8 1.47 against 1.59.
 *
 * Not --initial-old-space-size=128: it saved a worker's first runs ~10 % CPU alone (one full
 * collection in 8 capture runs instead of three), but on the idle machine the default 2-worker
 * sweeps were no faster (capture 2.10-2.23 s against 1.91-2.25) and the long one slower (21.1-22.0 s
 * against 19.1-20.3; `npm run -s bench -- --json sweep-scaling`, 3 runs with, 2 without).
 */
export const RUN_PROCESS_FLAGS: readonly string[] = ['--single-threaded', '--min-semi-space-size=32', '--max-semi-space-size=32', '--always-sparkplug'];
export const RUN_PROCESS_ENV: Readonly<Record<string, string>> = { UV_THREADPOOL_SIZE: '1' };

export class RunProcess {
  private readonly child: ChildProcess;
  private pending: { resolve: (r: RunReply) => void } | undefined;
  private exited = false;
  private exitNote = '';
  private stopping: Promise<void> | undefined;
  private readonly forkedAt = performance.now();
  /** Resolves with the wall ms from fork until the child had loaded its backend (or died trying). */
  readonly ready: Promise<number>;
  /** Runs this child has answered. */
  runs = 0;
  /** The child's own CPU ms when its backend had loaded (undefined until then, or if it never said). */
  startCpuMs: number | undefined;
  /** The child's own CPU ms as of its latest message: start-up plus every run so far. */
  cpuMs = 0;

  /** `backendModule`, when given, is loaded right away so startup overlaps the caller's other work. */
  constructor(backendModule?: string) {
    this.child = fork(childEntry(backendModule), backendModule ? [backendModule] : [], {
      execArgv: [...RUN_PROCESS_FLAGS, ...loaderArgs],
      env: { ...process.env, ...RUN_PROCESS_ENV },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markReady: (ms: number) => void = () => {};
    this.ready = new Promise((resolve) => (markReady = resolve));
    this.child.on('message', (raw: unknown) => {
      let msg: ChildMessage;
      try {
        msg = parseMessage(childMessageSchema, raw, `a message of run process ${this.child.pid}`);
      } catch (err) {
        // A child that says something malformed is broken: its run fails naming the field, and it is replaced.
        const p = this.pending;
        this.pending = undefined;
        this.child.kill('SIGKILL');
        p?.resolve({ type: 'error', message: `${(err as ChassisError).code}: ${(err as Error).message}` });
        return;
      }
      if (msg.type === 'ready') {
        this.startCpuMs = msg.processCpuMs;
        this.cpuMs = msg.processCpuMs ?? 0;
        markReady(performance.now() - this.forkedAt);
        return;
      }
      this.runs++;
      if (msg.usage) this.cpuMs = msg.usage.processCpuMs;
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(msg);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.exitNote = signal ? `signal ${signal}` : `code ${code}`;
      markReady(performance.now() - this.forkedAt);
      const p = this.pending;
      this.pending = undefined;
      p?.resolve({ type: 'error', message: `run process exited with ${this.exitNote} before reporting a result` });
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Runs one definition; resolves with the child's reply, or an error reply if the child dies or `timeoutMs` passes (the child is then killed). */
  run(request: Omit<RunRequest, 'type'>, timeoutMs?: number): Promise<RunReply> {
    if (this.exited) return Promise.resolve({ type: 'error', message: `run process already exited with ${this.exitNote}` });
    if (this.pending) return Promise.resolve({ type: 'error', message: `run process is busy; run ${request.runId} was not started` });
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

  /** Stops the child (an unfinished run is abandoned; its id stays pending in the index). Calling it again waits for the same exit. */
  stop(): Promise<void> {
    if (this.exited) return Promise.resolve();
    this.stopping ??= new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
    return this.stopping;
  }
}
