/** One measured quantity of a benchmark section. `value` is the median of `samples`. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The comparison measured in the same run (e.g. a plain loop over the same data), or null. */
  readonly baseline: number | null;
  /** value / baseline, or null without a baseline. */
  readonly ratio: number | null;
  /** Per-sample values after warm-up (at least 5). */
  readonly samples: readonly number[];
}

/** A benchmark section: a module in bench/sections/, listed in bench/sections/index.ts. */
export interface BenchSection {
  readonly name: string;
  run(): Promise<BenchResult[]>;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `fn` warmup + samples times; returns per-sample values of `toValue(elapsedMs)`. */
export function sample(fn: () => void, toValue: (elapsedMs: number) => number, opts: { warmup?: number; samples?: number } = {}): number[] {
  const warmup = opts.warmup ?? 2;
  const n = Math.max(5, opts.samples ?? 7);
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    out.push(toValue(performance.now() - t0));
  }
  return out;
}

export function result(name: string, unit: string, samples: number[], baseline: number | null = null): BenchResult {
  const value = median(samples);
  return { name, value, unit, baseline, ratio: baseline === null || baseline === 0 ? null : value / baseline, samples };
}
