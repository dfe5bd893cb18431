/**
 * Comparisons across the runs of a sweep: a ranked table, the sensitivity of a metric to each
 * parameter (mean, min, max of the metric per parameter value) and a two-parameter heatmap
 * (mean metric per cell); across dataset windows, the stability of each parameter set (mean and
 * std of the metric over its windows). Backtest-vs-paper/live comparison needs the live and
 * paper runtimes' records, which do not exist yet.
 */
// @ts-nocheck

export type ParamValue = number | string | boolean;

export interface ComparedRun {
  readonly runId: string;
  readonly status: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly metrics: Readonly<Record<string, number | null>>;
}

/** Descending by `metric` (nulls last), ties by run id so the order is deterministic. */
export function rankRuns(runs: readonly ComparedRun[], metric: string, descending = true): ComparedRun[] {
  return [...runs].sort((a, b) => {
    const x = a.metrics[metric] ?? null;
    const y = b.metrics[metric] ?? null;
    if (x === null && y === null) return a.runId < b.runId ? -1 : 1;
    if (x === null) return 1;
    if (y === null) return -1;
    if (x !== y) return descending ? y - x : x - y;
    return a.runId < b.runId ? -1 : 1;
  });
}

function compareValues(a: ParamValue, b: ParamValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export interface SensitivityPoint {
  readonly value: ParamValue;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** The parameters that actually vary across the runs, in first-seen order (windows excluded). */
export function variedParams(runs: readonly ComparedRun[]): string[] {
  const values = new Map<string, Set<string>>();
  for (const r of runs) for (const [k, v] of Object.entries(r.params)) (values.get(k) ?? values.set(k, new Set()).get(k)!).add(JSON.stringify(v));
  return [...values].filter(([k, s]) => k !== 'window' && s.size > 1).map(([k]) => k);
}

export function sensitivity(runs: readonly ComparedRun[], param: string, metric: string): SensitivityPoint[] {
  const groups = new Map<string, { value: ParamValue; xs: number[] }>();
  for (const r of runs) {
    const v = r.params[param];
    const m = r.metrics[metric];
    if (v === undefined || m === null || m === undefined) continue;
    const key = JSON.stringify(v);
    (groups.get(key) ?? groups.set(key, { value: v, xs: [] }).get(key)!).xs.push(m);
  }
  return [...groups.values()]
    .sort((a, b) => compareValues(a.value, b.value))
    .map(({ value, xs }) => ({ value, mean: xs.reduce((s, x) => s + x, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs), runs: xs.length }));
}

export interface Heatmap {
  readonly xParam: string;
  readonly yParam: string;
  readonly xValues: readonly ParamValue[];
  readonly yValues: readonly ParamValue[];
  /** [xIndex, yIndex, mean metric | null] */
  readonly cells: readonly (readonly [number, number, number | null])[];
}

export function heatmap(runs: readonly ComparedRun[], xParam: string, yParam: string, metric: string): Heatmap {
  const uniq = (p: string) => {
    const m = new Map<string, ParamValue>();
    for (const r of runs) if (r.params[p] !== undefined) m.set(JSON.stringify(r.params[p]), r.params[p]!);
    return [...m.values()].sort(compareValues);
  };
  const xValues = uniq(xParam);
  const yValues = uniq(yParam);
  const xIdx = new Map(xValues.map((v, i) => [JSON.stringify(v), i]));
  const yIdx = new Map(yValues.map((v, i) => [JSON.stringify(v), i]));
  const acc = new Map<string, number[]>();
  for (const r of runs) {
    const m = r.metrics[metric];
    if (m === null || m === undefined || r.params[xParam] === undefined || r.params[yParam] === undefined) continue;
    const key = `${xIdx.get(JSON.stringify(r.params[xParam]))},${yIdx.get(JSON.stringify(r.params[yParam]))}`;
    (acc.get(key) ?? acc.set(key, []).get(key)!).push(m);
  }
  const cells: [number, number, number | null][] = [];
  for (let i = 0; i < xValues.length; i++) {
    for (let j = 0; j < yValues.length; j++) {
      const xs = acc.get(`${i},${j}`);
      cells.push([i, j, xs ? xs.reduce((s, x) => s + x, 0) / xs.length : null]);
    }
  }
  return { xParam, yParam, xValues, yValues, cells };
}

export interface StabilityRow {
  /** The parameter set, windows removed. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly windows: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/** Groups runs by their parameters minus `window`; mean/std (population) of the metric across windows. Sorted by mean descending. */
export function windowStability(runs: readonly ComparedRun[], metric: string): StabilityRow[] {
  const groups = new Map<string, { params: Record<string, ParamValue>; xs: number[] }>();
  for (const r of runs) {
    const m = r.metrics[metric];
    if (m === null || m === undefined) continue;
    const params = Object.fromEntries(Object.entries(r.params).filter(([k]) => k !== 'window').sort(([a], [b]) => (a < b ? -1 : 1)));
    const key = JSON.stringify(params);
    (groups.get(key) ?? groups.set(key, { params, xs: [] }).get(key)!).xs.push(m);
  }
  return [...groups.values()]
    .map(({ params, xs }) => {
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
      return { params, windows: xs.length, mean, std, min: Math.min(...xs), max: Math.max(...xs) };
    })
    .sort((a, b) => b.mean - a.mean || (JSON.stringify(a.params) < JSON.stringify(b.params) ? -1 : 1));
}
