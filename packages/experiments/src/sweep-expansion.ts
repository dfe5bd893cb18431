/**
 * Expansion of a sweep into member run definitions.
 *
 * Order (deterministic): grid points in file order (last axis varies fastest) × random samples
 * × windows. Parameter paths are dotted (`strategy.params.spreadTicks`). Rule for unknown
 * names: every swept path must already exist in the base run definition — the base carries the
 * default of each swept parameter, so a misspelt name is an error, never a silently ignored
 * field. Every expanded definition is then validated by the run backend (its schema rejects
 * wrong types and unknown fields). The experiment id is a hash of the sorted member run ids.
 */
import { createHash } from 'node:crypto';
import { ChassisError } from '@chassis/core';
import type { RunBackend, RunContext } from './run-backend.ts';
import type { Axis, DatasetWindow, LoadedSweep, RandomParam, Scalar } from './sweep-file.ts';

/** Where a dataset window is written in a run definition unless the backend says otherwise (`window: { from, to }`). */
export const WINDOW_PATH = 'window';

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[key];
  return cur;
}

export interface SweepMember {
  readonly runId: string;
  /** Swept values by dotted path (plus `window` for segment sweeps). */
  readonly params: Readonly<Record<string, Scalar>>;
  readonly window?: DatasetWindow;
  /** The validated run definition. */
  readonly definition: unknown;
}

export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly source: string;
  readonly baseDir: string;
  readonly members: readonly SweepMember[];
}

/** Values of one axis; a range includes `to` when it lies on the step grid (1e-9 tolerance). */
export function axisValues(ax: Axis): Scalar[] {
  if (Array.isArray(ax)) return ax;
  const n = Math.floor((ax.to - ax.from) / ax.step + 1e-9) + 1;
  const out: number[] = [];
  // Rounded to 12 significant digits so 0.1 + 2 × 0.1 prints as 0.3 and hashes stably.
  for (let i = 0; i < n; i++) out.push(Number((ax.from + i * ax.step).toPrecision(12)));
  return out;
}

/** Cartesian product in axis order, last axis fastest. */
export function gridPoints(grid: Readonly<Record<string, Axis>>): Record<string, Scalar>[] {
  let points: Record<string, Scalar>[] = [{}];
  for (const [path, ax] of Object.entries(grid)) {
    const values = axisValues(ax);
    const next: Record<string, Scalar>[] = [];
    for (const p of points) for (const v of values) next.push({ ...p, [path]: v });
    points = next;
  }
  return points;
}

/** mulberry32: a small seeded generator; the sweep's seed is configuration (SPEC L4). */
function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `samples` random points; parameters drawn in sorted path order so the file's key order does not matter. */
export function randomPoints(samples: number, seed: number, params: Readonly<Record<string, RandomParam>>): Record<string, Scalar>[] {
  const next = seededUniform(seed);
  const paths = Object.keys(params).sort();
  const out: Record<string, Scalar>[] = [];
  for (let s = 0; s < samples; s++) {
    const point: Record<string, Scalar> = {};
    for (const path of paths) {
      const p = params[path]!;
      const u = next();
      if (Array.isArray(p)) point[path] = p[Math.min(p.length - 1, Math.floor(u * p.length))]!;
      else if (p.integer) point[path] = Math.ceil(p.min) + Math.floor(u * (Math.floor(p.max) - Math.ceil(p.min) + 1));
      else point[path] = Number((p.min + u * (p.max - p.min)).toPrecision(12));
    }
    out.push(point);
  }
  return out;
}

function pathExists(obj: unknown, path: string): boolean {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}

function setPath(obj: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) cur = cur[key] as Record<string, unknown>;
  cur[keys[keys.length - 1]!] = value;
}

/** Number of members a sweep expands to, without expanding it. */
export function sweepSize(sweep: LoadedSweep): number {
  const f = sweep.file;
  let n = 1;
  for (const ax of Object.values(f.grid ?? {})) n *= axisValues(ax).length;
  if (f.random) n *= f.random.samples;
  if (f.windows) n *= f.windows.length;
  return n;
}

export interface ExpandOptions {
  /** Allows more members than the sweep's `limit`. */
  readonly yes?: boolean;
}

/** Expands and validates every member; throws before anything is written if any member is invalid. */
export async function expandSweep(sweep: LoadedSweep, backend: RunBackend, ctx: RunContext, options: ExpandOptions = {}): Promise<Experiment> {
  const f = sweep.file;
  const size = sweepSize(sweep);
  if (size > f.limit && !options.yes) {
    throw new ChassisError(
      'E_SWEEP_TOO_BIG',
      `${sweep.source}: the sweep expands to ${size} runs, more than its limit of ${f.limit}; pass --yes to run it anyway or raise "limit"`,
    );
  }
  const runCtx: RunContext = { dataRoot: ctx.dataRoot, baseDir: sweep.baseDir };
  const base = backend.parse(sweep.baseRaw, sweep.baseSource, runCtx);
  const swept = [...Object.keys(f.grid ?? {}), ...Object.keys(f.random?.params ?? {})];
  const seen = new Set<string>();
  for (const path of swept) {
    if (seen.has(path)) throw new ChassisError('E_SWEEP_PARAM', `${sweep.source}: parameter ${path} is swept by both grid and random`);
    seen.add(path);
    if (!pathExists(base, path)) {
      throw new ChassisError(
        'E_SWEEP_PARAM',
        `${sweep.source}: unknown parameter "${path}": it does not exist in the base run definition ${sweep.baseSource} (a swept parameter must have a default in the base)`,
      );
    }
  }
  const windowPath = backend.windowPath ?? WINDOW_PATH;
  if (f.windows && !pathExists(base, windowPath)) {
    throw new ChassisError('E_SWEEP_PARAM', `${sweep.source}: windows given but the base run definition has no "${windowPath}" field`);
  }
  const grid = f.grid ? gridPoints(f.grid) : [{}];
  const random = f.random ? randomPoints(f.random.samples, f.random.seed, f.random.params) : [{}];
  const windows: (DatasetWindow | undefined)[] = f.windows ?? [undefined];
  const members: SweepMember[] = [];
  const ids = new Set<string>();
  for (const g of grid) {
    for (const r of random) {
      for (const w of windows) {
        const params: Record<string, Scalar> = { ...g, ...r };
        const raw = structuredClone(base) as Record<string, unknown>;
        for (const [path, v] of Object.entries(params)) setPath(raw, path, v);
        if (w) setPath(raw, windowPath, { ...(getPath(raw, windowPath) as object), from: w.from, to: w.to });
        const where = `${sweep.source} member ${members.length + 1} (${JSON.stringify(params)}${w ? ` window ${w.from}..${w.to}` : ''})`;
        const definition = backend.parse(raw, where, runCtx);
        const runId = await backend.runId(definition, runCtx);
        // Two points giving the same run id (e.g. duplicate list values) are one run.
        if (ids.has(runId)) continue;
        ids.add(runId);
        members.push({ runId, params: w ? { ...params, window: `${w.from}..${w.to}` } : params, ...(w ? { window: w } : {}), definition });
      }
    }
  }
  const experimentId = `exp-${createHash('sha256').update([...ids].sort().join('\n')).digest('hex').slice(0, 16)}`;
  return { experimentId, name: f.name ?? experimentId, source: sweep.source, baseDir: sweep.baseDir, members };
}
