/**
 * Loading a backtest's run directory (manifest.json, run.json, metrics.json, journal.bin) into
 * analysis columns, and the per-run analysis written as a versioned derived artifact. An
 * incomplete directory is an error naming every missing file; nothing is written for it.
 */
// @ts-nocheck

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ChassisError } from '@chassis/core';
import { readJournal, type Metrics, type ResolvedRun } from '@chassis/backtesting';
import { seriesByInstrument } from './run-loader.ts';
import type { RunSeries } from './run-series.ts';
import { computeRunMetrics, DEFAULT_MARKOUT_HORIZONS_MS, DEFAULT_SAMPLE_MS, equityCurve, type RunMetrics } from './run-metrics.ts';
import { canonicalJsonText, writeAnalysis, type WrittenAnalysis } from './analysis-store.ts';

export const RUN_FILES = ['manifest.json', 'run.json', 'metrics.json', 'journal.bin'] as const;

export interface RunManifest {
  readonly runId: string;
  readonly status: string;
  readonly outputHash?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface LoadedRun {
  readonly dir: string;
  readonly manifest: RunManifest;
  readonly run: ResolvedRun;
  readonly backtestMetrics: Metrics;
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new ChassisError('E_RUN_INCOMPLETE', `${path} is not readable JSON: ${(err as Error).message}`);
  }
}

/** Reads a run directory's JSON files; checks it is complete and not a failed run. */
export function openRunDir(dirArg: string): LoadedRun {
  const dir = resolve(dirArg);
  if (!existsSync(dir)) throw new ChassisError('E_RUN_NOT_FOUND', `run directory ${dir} does not exist`);
  if (!existsSync(join(dir, 'manifest.json'))) throw new ChassisError('E_RUN_INCOMPLETE', `${dir} is not a complete run directory: manifest.json is missing`);
  const manifest = readJson<RunManifest>(join(dir, 'manifest.json'));
  if (manifest.status === 'failed') {
    throw new ChassisError('E_RUN_FAILED', `${dir}: run ${manifest.runId} failed${manifest.error ? ` (${manifest.error.code}: ${manifest.error.message})` : ''}; nothing to analyse`);
  }
  const missing = RUN_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new ChassisError('E_RUN_INCOMPLETE', `${dir} is not a complete run directory: missing ${missing.join(', ')}`);
  return { dir, manifest, run: readJson<ResolvedRun>(join(dir, 'run.json')), backtestMetrics: readJson<Metrics>(join(dir, 'metrics.json')) };
}

/** The run's columns for each of its instruments (run.json order), from one pass over the journal. */
export function loadInstrumentSeries(run: LoadedRun): RunSeries[] {
  const quote = run.run.instruments[0]?.quoteCurrency ?? '';
  const initialEquity = Number(run.run.definition.balances?.[quote] ?? 0);
  const m = run.backtestMetrics;
  return seriesByInstrument(readJournal(join(run.dir, 'journal.bin')), {
    runId: run.manifest.runId,
    instruments: run.run.instruments,
    initialEquity,
    riskDenials: Object.values(m.riskDenials ?? {}).reduce((s, x) => s + x, 0),
    rateLimitDeferrals: m.rateLimit?.deferrals ?? 0,
  });
}

/** The run's columns for its first instrument (or `instrument`). */
export function loadRunSeries(run: LoadedRun, instrument?: string): RunSeries {
  const all = loadInstrumentSeries(run);
  const s = instrument ? all.find((x) => x.instrument === instrument) : all[0];
  if (!s) throw new ChassisError('E_REPORT_INPUT', `run ${run.manifest.runId} has no instrument ${instrument ?? ''} (it has ${all.map((x) => x.instrument).join(', ')})`);
  return s;
}

/** `<root>` for a run at `<root>/experiments/<run-id>`, else undefined. */
export function dataRootOfRunDir(dir: string): string | undefined {
  const parent = dirname(resolve(dir));
  return basename(parent) === 'experiments' ? dirname(parent) : undefined;
}

export interface InstrumentAnalysis {
  readonly series: RunSeries;
  readonly metrics: RunMetrics;
}

export interface RunAnalysis {
  readonly loaded: LoadedRun;
  /** The first instrument's columns and metrics (the only ones of a single-instrument run). */
  readonly series: RunSeries;
  readonly metrics: RunMetrics;
  /** Every instrument of the run, in run.json order. */
  readonly instruments: readonly InstrumentAnalysis[];
  readonly written: WrittenAnalysis | undefined;
}

/**
 * Computes the run's metrics and, when a data root is known, stores them under
 * `derived/analysis/<id>/metrics.json` with provenance (input: the run id and its outputHash).
 */
export function analyseRun(dir: string, options: { readonly dataRoot?: string; readonly sampleMs?: number } = {}): RunAnalysis {
  const loaded = openRunDir(dir);
  const sampleMs = options.sampleMs ?? DEFAULT_SAMPLE_MS;
  const instruments = loadInstrumentSeries(loaded).map((series) => ({ series, metrics: computeRunMetrics(series, { sampleMs, markoutHorizonsMs: DEFAULT_MARKOUT_HORIZONS_MS }) }));
  const { series, metrics } = instruments[0]!;
  const root = options.dataRoot ?? dataRootOfRunDir(dir);
  const json = (v: unknown) => `${JSON.stringify(JSON.parse(canonicalJsonText(v)), null, 2)}\n`;
  // One instrument: metrics.json is that instrument's metrics (as before). Several: an object
  // keyed by instrument id, under parameters naming all of them (so a different analysis id).
  const single = instruments.length === 1;
  const written = root
    ? writeAnalysis(
        root,
        'run-metrics',
        single ? { sampleMs, markoutHorizonsMs: DEFAULT_MARKOUT_HORIZONS_MS, instrument: series.instrument } : { sampleMs, markoutHorizonsMs: DEFAULT_MARKOUT_HORIZONS_MS, instruments: instruments.map((i) => i.series.instrument) },
        [{ id: loaded.manifest.runId, sha256: loaded.manifest.outputHash ?? '' }],
        { 'metrics.json': json(single ? metrics : Object.fromEntries(instruments.map((i) => [i.series.instrument, i.metrics]))) },
      )
    : undefined;
  return { loaded, series, metrics, instruments, written };
}

export { equityCurve };
