/**
 * Order-entry and response latency models (hftbacktest's two-method contract).
 *
 * Units: every time is integer nanoseconds (bigint). `entry` is the delay from the local send
 * time of a request (`RequestSent.tsLocalNs`) to its arrival at the exchange; `response` is the
 * delay from the exchange-side time an answer is produced to its arrival back at the local
 * side. Both must be ≥ 0; a model returning a negative latency is a configuration error
 * (the venue throws E_SIM_LATENCY). Exchange times here are on the runtime's one time line (the
 * backtest maps the venue's clock onto the local one). Feed latency (market data exchange →
 * local) is not modelled here: it is what the data says (tsLocal − exchange time), within the
 * backtest's feed window.
 */
import { readFileSync } from 'node:fs';
import { ChassisError, type RequestSentEvent } from '@chassis/core';
import { SeededRandom } from './random.ts';

export interface LatencyModel {
  /** ns from local send (`tsLocalNs`) to exchange arrival of `request`. */
  entry(tsLocalNs: bigint, request: RequestSentEvent): bigint;
  /** ns from exchange time `tsExchangeNs` to local arrival of an answer concerning `request`. */
  response(tsExchangeNs: bigint, request: RequestSentEvent): bigint;
  /** Randomised models restart their generator from the venue's seed; deterministic ones omit it. */
  reseed?(seed: number): void;
}

/*
 * The models are classes, not object literals of closures: their methods are the same functions
 * in every run of a process, so the venue's call sites that a sweep worker's first run fed (and
 * the code V8 optimised on them) stay valid in its next runs instead of failing their call-target
 * checks and being compiled again.
 */

class ConstantLatency implements LatencyModel {
  constructor(
    private readonly entryNs: bigint,
    private readonly responseNs: bigint,
  ) {}

  entry(): bigint {
    return this.entryNs;
  }

  response(): bigint {
    return this.responseNs;
  }
}

/** Constant latency: every request takes `entryNs` to reach the exchange, every answer `responseNs` back. */
export function constantLatency(entryNs: bigint, responseNs: bigint): LatencyModel {
  if (entryNs < 0n || responseNs < 0n) throw new ChassisError('E_SIM_LATENCY', `constant latency must be ≥ 0 ns (entryNs=${entryNs}, responseNs=${responseNs})`);
  return new ConstantLatency(entryNs, responseNs);
}

class JitteredLatency implements LatencyModel {
  private readonly rng = new SeededRandom(0);
  private readonly bound: number;
  constructor(
    private readonly entryNs: bigint,
    private readonly responseNs: bigint,
    jitterNs: bigint,
  ) {
    this.bound = Number(jitterNs) + 1;
  }

  entry(): bigint {
    return this.entryNs + BigInt(this.rng.nextBelow(this.bound));
  }

  response(): bigint {
    return this.responseNs + BigInt(this.rng.nextBelow(this.bound));
  }

  reseed(seed: number): void {
    this.rng.reseed(seed);
  }
}

/**
 * Constant base plus a uniform jitter in [0, jitterNs] drawn from the venue's seeded generator
 * (one draw per call, in call order — deterministic for a given seed and request sequence).
 */
export function jitteredLatency(entryNs: bigint, responseNs: bigint, jitterNs: bigint): LatencyModel {
  if (entryNs < 0n || responseNs < 0n || jitterNs < 0n || jitterNs >= 0x1_0000_0000n) {
    throw new ChassisError('E_SIM_LATENCY', `jittered latency needs entryNs, responseNs ≥ 0 and 0 ≤ jitterNs < 2^32 ns (got ${entryNs}, ${responseNs}, ${jitterNs})`);
  }
  return new JitteredLatency(entryNs, responseNs, jitterNs);
}

/** One recorded observation: at time `tsNs`, a request took `entryNs` to arrive and its answer `responseNs` to come back. */
export interface LatencyRow {
  readonly tsNs: bigint;
  readonly entryNs: bigint;
  readonly responseNs: bigint;
}

/**
 * Latency drawn from a recorded per-request table (hftbacktest's IntpOrderLatency): rows sorted
 * by `tsNs`; `entry` interpolates `entryNs` linearly at the request's local send time,
 * `response` interpolates `responseNs` at the exchange time of the answer. Before the first
 * row / after the last the end rows apply (no extrapolation). Interpolation is exact bigint
 * arithmetic, truncating toward zero: e0 + (e1 - e0) × (t - t0) / (t1 - t0).
 */
export function recordedLatency(rows: readonly LatencyRow[]): LatencyModel {
  if (rows.length === 0) throw new ChassisError('E_SIM_LATENCY', 'recorded latency table is empty');
  const ts = new BigInt64Array(rows.length);
  const entry = new BigInt64Array(rows.length);
  const response = new BigInt64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.entryNs < 0n || row.responseNs < 0n) throw new ChassisError('E_SIM_LATENCY', `recorded latency row ${i} has a negative latency (entryNs=${row.entryNs}, responseNs=${row.responseNs})`);
    if (i > 0 && row.tsNs <= rows[i - 1]!.tsNs) throw new ChassisError('E_SIM_LATENCY', `recorded latency rows must be strictly increasing in tsNs: row ${i} (${row.tsNs}) after ${rows[i - 1]!.tsNs}`);
    ts[i] = row.tsNs;
    entry[i] = row.entryNs;
    response[i] = row.responseNs;
  }
  return new RecordedLatency(ts, entry, response);
}

class RecordedLatency implements LatencyModel {
  constructor(
    private readonly ts: BigInt64Array,
    private readonly entryNs: BigInt64Array,
    private readonly responseNs: BigInt64Array,
  ) {}

  entry(tsLocalNs: bigint): bigint {
    return interpolate(this.ts, this.entryNs, tsLocalNs);
  }

  response(tsExchangeNs: bigint): bigint {
    return interpolate(this.ts, this.responseNs, tsExchangeNs);
  }
}

function interpolate(ts: BigInt64Array, values: BigInt64Array, t: bigint): bigint {
  const n = ts.length;
  if (t <= ts[0]!) return values[0]!;
  if (t >= ts[n - 1]!) return values[n - 1]!;
  // Largest i with ts[i] <= t (binary search; 0 < i < n - 1 here).
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= t) lo = mid;
    else hi = mid;
  }
  const t0 = ts[lo]!;
  const v0 = values[lo]!;
  return v0 + ((values[hi]! - v0) * (t - t0)) / (ts[hi]! - t0);
}

const INTEGER = /^-?\d+$/;

function parseNs(text: string, field: string, where: string): bigint {
  const trimmed = text.trim();
  if (!INTEGER.test(trimmed)) throw new ChassisError('E_SIM_LATENCY_TABLE', `${where}: field ${field} must be an integer number of nanoseconds, got "${text}"`);
  return BigInt(trimmed);
}

/** Parses CSV with the header `tsNs,entryNs,responseNs` (any column order, integer ns). `source` names the file in errors. */
export function parseLatencyTableCsv(text: string, source: string): LatencyRow[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new ChassisError('E_SIM_LATENCY_TABLE', `${source} line 1: missing column ${name} (header must name tsNs, entryNs, responseNs)`);
    return i;
  };
  const iTs = col('tsNs');
  const iEntry = col('entryNs');
  const iResponse = col('responseNs');
  const rows: LatencyRow[] = [];
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l]!;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (cells.length !== header.length) throw new ChassisError('E_SIM_LATENCY_TABLE', `${source} line ${l + 1}: expected ${header.length} columns, got ${cells.length}`);
    const where = `${source} line ${l + 1}`;
    rows.push({ tsNs: parseNs(cells[iTs]!, 'tsNs', where), entryNs: parseNs(cells[iEntry]!, 'entryNs', where), responseNs: parseNs(cells[iResponse]!, 'responseNs', where) });
  }
  checkRows(rows, source);
  return rows;
}

/** Parses a JSON array of `{ tsNs, entryNs, responseNs }` (integers, or integer strings for values beyond 2^53). */
export function parseLatencyTableJson(text: string, source: string): LatencyRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ChassisError('E_SIM_LATENCY_TABLE', `${source}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(data)) throw new ChassisError('E_SIM_LATENCY_TABLE', `${source}: expected a JSON array of {tsNs, entryNs, responseNs}`);
  const rows: LatencyRow[] = data.map((item: unknown, i: number) => {
    const where = `${source}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ChassisError('E_SIM_LATENCY_TABLE', `${where}: expected an object`);
    const obj = item as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (key !== 'tsNs' && key !== 'entryNs' && key !== 'responseNs') throw new ChassisError('E_SIM_LATENCY_TABLE', `${where}: unknown field ${key}`);
    }
    const field = (name: string): bigint => {
      const v = obj[name];
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      if (typeof v === 'string') return parseNs(v, name, where);
      throw new ChassisError('E_SIM_LATENCY_TABLE', `${where}: field ${name} must be an integer (ns), got ${JSON.stringify(v)}`);
    };
    return { tsNs: field('tsNs'), entryNs: field('entryNs'), responseNs: field('responseNs') };
  });
  checkRows(rows, source);
  return rows;
}

function checkRows(rows: readonly LatencyRow[], source: string): void {
  if (rows.length === 0) throw new ChassisError('E_SIM_LATENCY_TABLE', `${source}: latency table has no rows`);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.entryNs < 0n || r.responseNs < 0n) throw new ChassisError('E_SIM_LATENCY_TABLE', `${source} row ${i + 1}: latencies must be ≥ 0 ns`);
    if (i > 0 && r.tsNs <= rows[i - 1]!.tsNs) throw new ChassisError('E_SIM_LATENCY_TABLE', `${source} row ${i + 1}: tsNs ${r.tsNs} is not after the previous row's ${rows[i - 1]!.tsNs} (rows must be sorted by time)`);
  }
}

/** Reads a latency table file (`.csv` or `.json`). */
export function readLatencyTable(path: string): LatencyRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ChassisError('E_SIM_LATENCY_TABLE', `cannot read latency table ${path}: ${(err as Error).message}`);
  }
  if (path.endsWith('.json')) return parseLatencyTableJson(text, path);
  if (path.endsWith('.csv')) return parseLatencyTableCsv(text, path);
  throw new ChassisError('E_SIM_LATENCY_TABLE', `latency table ${path}: unknown extension (expected .csv or .json)`);
}
