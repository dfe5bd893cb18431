// @ts-nocheck
import type { CanonicalKind } from './batches.ts';

/** Instrument metadata stored with every dataset (dataset.json and the catalog). */
export interface InstrumentMeta {
  readonly venue: string;
  /** Venue symbol as used in paths, e.g. BTCUSDT. */
  readonly symbol: string;
  readonly contractType: 'spot' | 'linear' | 'inverse';
  readonly baseCurrency: string;
  readonly quoteCurrency: string;
  /** Decimal places of the stored price DECIMAL (1 price unit = 10^-priceDecimals). */
  readonly priceDecimals: number;
  /** Decimal places of the stored size DECIMAL. */
  readonly sizeDecimals: number;
  /** Minimum price increment as a decimal string, e.g. "0.10". */
  readonly tickSize: string;
  /** Minimum quantity increment as a decimal string, e.g. "0.001". */
  readonly lotSize: string;
  /** Contract multiplier as a decimal string ("1" for spot/linear, USD face value for inverse). */
  readonly multiplier: string;
  readonly makerFeeRate?: string;
  readonly takerFeeRate?: string;
}

/** Quality gate states (packages/quality drives the transitions). */
export const DATASET_STATES = [
  'Discovered',
  'InValidation',
  'Validated',
  'Normalized',
  'Promotable',
  'Promoted',
  'Quarantined',
  'Rejected',
  'Incomplete',
] as const;
export type DatasetState = (typeof DATASET_STATES)[number];

export interface StateTransition {
  readonly from: DatasetState | null;
  readonly to: DatasetState;
  /** Wall-clock time of the transition, ISO 8601 (outside the deterministic core). */
  readonly at: string;
  readonly reason: string;
}

/** One check of the quality gate and its outcome. `location` is `file:line` of the first finding. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'pass' | 'warn' | 'fail';
  readonly count: number;
  readonly detail: string;
  readonly location?: string;
}

/** Where the data came from: raw objects (content-addressed) and the record lines used. */
export interface Provenance {
  readonly rawKeys: readonly string[];
  readonly sourceFiles: readonly string[];
  readonly sourceSha256: readonly string[];
  readonly firstLine?: string;
  readonly lastLine?: string;
  /** true when the capture had no local receive time (ts_local_ns = ts_event_ns). */
  readonly tsLocalFromEvent: boolean;
  readonly manifestKey?: string;
}

export interface GapRecord {
  readonly atNs: bigint;
  readonly location: string;
  readonly message: string;
}

/** Metadata of one immutable canonical dataset (one venue, instrument, kind, UTC day, segment). */
export interface DatasetMeta {
  /** `ds_` + first 24 hex chars of contentHash. */
  readonly id: string;
  /** sha256 (hex) of the canonical content: header + column bytes; independent of Parquet encoding. */
  readonly contentHash: string;
  readonly venue: string;
  readonly symbol: string;
  readonly kind: CanonicalKind;
  /** UTC day partition, YYYY-MM-DD. */
  readonly day: string;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly rows: number;
  /** 1 + number of earlier datasets with a different content hash for the same venue/symbol/kind/day/segment. */
  readonly version: number;
  /** Segment index within the source (>0 after a split at a gap or day boundary). */
  readonly segment: number;
  readonly state: DatasetState;
  /** Storage prefix holding the dataset files (canonical/... or quarantine/...). */
  readonly prefix: string;
  readonly files: readonly { readonly key: string; readonly rows: number; readonly bytes: number }[];
  readonly instrument: InstrumentMeta;
  /** book_delta only: true when the first batch is a full snapshot (the book can be rebuilt from this dataset alone). */
  readonly startsWithSnapshot?: boolean;
  /** Dataset this one continues without a gap (day split), if any. */
  readonly continuesFrom?: string;
  readonly gaps: readonly GapRecord[];
  readonly checks: readonly CheckResult[];
  readonly transitions: readonly StateTransition[];
  readonly provenance: Provenance;
  readonly createdAt: string;
}

const BIGINT_FIELDS = new Set(['startNs', 'endNs', 'atNs']);

/** JSON with bigint fields written as decimal strings (exact ns). */
export function datasetToJson(meta: unknown): string {
  return JSON.stringify(meta, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

export function datasetFromJson<T>(text: string): T {
  return JSON.parse(text, (k, v: unknown) => (BIGINT_FIELDS.has(k) && typeof v === 'string' ? BigInt(v) : v)) as T;
}

export function utcDay(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 10);
}

export function nsToIso(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${frac}Z`;
}
