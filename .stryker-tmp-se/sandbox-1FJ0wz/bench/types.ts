/**
 * One measured quantity of a benchmark section. `value` is the median of `samples`.
 * `--json` prints exactly { name, value, unit, baseline, ratio, samples }; `inputs` (what was
 * measured on) goes to the table and to stderr.
 */
// @ts-nocheck

export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The comparison measured in the same run (e.g. a plain loop over the same data), or null. */
  readonly baseline: number | null;
  /** value / baseline, or null without a baseline. */
  readonly ratio: number | null;
  /** Per-sample values after warm-up (at least 5 for a throughput figure). */
  readonly samples: readonly number[];
  /** The input this figure was measured on, in words (sizes, files, seeds). */
  readonly inputs?: string;
}

/** How the runner was invoked; sections shrink their inputs under `quick` (CI smoke size). */
export interface BenchContext {
  readonly quick: boolean;
}

/** A benchmark section: a module in bench/sections/, listed in bench/sections/index.ts. */
export interface BenchSection {
  readonly name: string;
  /** Opt-in sections run only when named on the command line (e.g. minutes-long generators). */
  readonly optIn?: boolean;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

/** Minimum samples after warm-up for a figure to count (issue 7). */
export const MIN_SAMPLES = 5;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** (max - min) / median, in percent: the spread printed next to every median. */
export function spreadPercent(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const m = median(xs);
  return m === 0 ? 0 : ((Math.max(...xs) - Math.min(...xs)) / Math.abs(m)) * 100;
}

/**
 * What a sample's elapsed time is: 'wall' (performance.now) or 'cpu' (this process's user +
 * system CPU time, process.cpuUsage). On a shared, oversubscribed machine wall time includes
 * waiting for a core; CPU time of a single-threaded loop does not, so single-threaded
 * micro-benchmarks (raw-scan, book-build, matching) use 'cpu'. Work on other threads (DuckDB,
 * child processes) must use 'wall'.
 */
export type Clock = 'wall' | 'cpu';

export interface SampleOptions {
  readonly warmup?: number;
  readonly samples?: number;
  readonly clock?: Clock;
}

/** Current reading of `clock` in ms. */
export function now(clock: Clock = 'wall'): number {
  if (clock === 'wall') return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `fn` warmup + samples times; returns per-sample values of `toValue(elapsedMs)`. */
export function sample(fn: () => void, toValue: (elapsedMs: number) => number, opts: SampleOptions = {}): number[] {
  const warmup = opts.warmup ?? 2;
  const n = Math.max(MIN_SAMPLES, opts.samples ?? 7);
  const clock = opts.clock ?? 'wall';
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = now(clock);
    fn();
    out.push(toValue(now(clock) - t0));
  }
  return out;
}

/** `sample` for async work (reads, child processes). */
export async function sampleAsync(fn: () => Promise<unknown>, toValue: (elapsedMs: number) => number, opts: { warmup?: number; samples?: number } = {}): Promise<number[]> {
  const warmup = opts.warmup ?? 1;
  const n = Math.max(MIN_SAMPLES, opts.samples ?? 5);
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(toValue(performance.now() - t0));
  }
  return out;
}

/**
 * Interleaves two measurements (A, B, A, B, ...) after a shared warm-up, so drift of a shared
 * machine's load hits a figure and its baseline alike. Returns [samplesA, samplesB].
 */
export function samplePair(a: () => void, b: () => void, toValue: (elapsedMs: number) => number, opts: SampleOptions = {}): [number[], number[]] {
  const warmup = opts.warmup ?? 2;
  const clock = opts.clock ?? 'wall';
  const n = Math.max(MIN_SAMPLES, opts.samples ?? 7);
  for (let i = 0; i < warmup; i++) {
    a();
    b();
  }
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < n; i++) {
    let t0 = now(clock);
    a();
    sa.push(toValue(now(clock) - t0));
    t0 = now(clock);
    b();
    sb.push(toValue(now(clock) - t0));
  }
  return [sa, sb];
}

export function result(name: string, unit: string, samples: number[], baseline: number | null = null, inputs?: string): BenchResult {
  const value = median(samples);
  const r = { name, value, unit, baseline, ratio: baseline === null || baseline === 0 ? null : value / baseline, samples };
  return inputs === undefined ? r : { ...r, inputs };
}
