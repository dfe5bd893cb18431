/**
 * The contract between experiments and whatever executes one run. Sweeps never run a backtest
 * themselves: they hand a validated run definition to a RunBackend, in a child process, and
 * record its outcome. The shipped backend (backtest-backend.ts) is @chassis/backtesting; a
 * backend is addressed by module path so a child process or a remote worker can load it.
 */
import type { z } from 'zod';
import type { runContextSchema, runOutcomeSchema } from './messages.ts';

export type RunStatus = RunOutcome['status'];

/** Headline metrics of a run: flat numbers (or null when undefined, e.g. Sharpe of a flat run). */
export type HeadlineMetrics = Readonly<Record<string, number | null>>;

/** A run's outcome (messages.ts runOutcomeSchema): `outDir` holds its artifacts; `error` is a human message when status is 'failed'. */
export type RunOutcome = z.output<typeof runOutcomeSchema>;

/** Where a run's paths resolve (messages.ts runContextSchema): the data root, and the folder relative paths in the definition resolve against. */
export type RunContext = z.output<typeof runContextSchema>;

export interface RunBackend {
  /** Dotted path of the object holding a run's dataset window (`from`, `to`); default 'window'. */
  readonly windowPath?: string;
  /** Validates a raw run definition; throws ChassisError naming the bad field. Returns the canonical form. */
  parse(raw: unknown, source: string, ctx: RunContext): unknown;
  /** Stable id of a validated definition (hash of canonical definition + dataset hashes + code version). */
  runId(definition: unknown, ctx: RunContext): Promise<string>;
  /** The outcome of an already completed run with this id, without running it; undefined if none. */
  findCompleted(runId: string, ctx: RunContext): Promise<RunOutcome | undefined>;
  /** Executes the run. Returns a failed outcome for a run that failed on its own terms; throws for infrastructure trouble. */
  run(definition: unknown, ctx: RunContext): Promise<RunOutcome>;
  /**
   * Optional: work that every run of these (validated) definitions would otherwise do for itself,
   * done once by the coordinator before any run starts — so parallel workers do not each repeat
   * it (the backtest backend: each dataset's columnar decode cache). Must not change any result:
   * a run that finds nothing prepared does the work itself. A failure here is not a sweep
   * failure: the runs report their own errors.
   */
  prepare?(definitions: readonly unknown[], ctx: RunContext): Promise<void>;
}

/** Backends already in this process, by the module URL a parent names them with (providePreloadedBackend). */
const preloaded = new Map<string, RunBackend>();

/**
 * Makes `backend` the answer of loadRunBackend(`modulePath`) in this process. The run child's
 * bundle (scripts/build-dist.mjs bundleRunProcess) holds its own copy of the backtest backend and
 * registers it under the URL of the per-file module the parent names, so the child never loads the
 * ~300 per-file modules of that backend.
 */
export function providePreloadedBackend(modulePath: string, backend: RunBackend): void {
  preloaded.set(modulePath, backend);
}

/** Loads `export const backend: RunBackend` from a module path or URL (or the backend provided for it, providePreloadedBackend). */
export async function loadRunBackend(modulePath: string): Promise<RunBackend> {
  const provided = preloaded.get(modulePath);
  if (provided) return provided;
  const mod = (await import(modulePath)) as { backend?: RunBackend };
  if (!mod.backend || typeof mod.backend.run !== 'function') {
    throw new Error(`run backend module ${modulePath} does not export "backend"`);
  }
  return mod.backend;
}
