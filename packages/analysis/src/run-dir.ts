/**
 * Loading a backtest's run directory (manifest.json, run.json, metrics.json, journal.bin) into
 * analysis columns, and the per-run analysis written as a versioned derived artifact. An
 * incomplete directory is an error naming every missing file; nothing is written for it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ChassisError } from '@chassis/core';
import { readJournal, type Metrics, type ResolvedRun } from '@chassis/backtesting';
import { seriesFromEvents } from './run-loader.ts';
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

/** The run's columns for its first instrument (or `instrument`), from one pass over the journal. */
export function loadRunSeries(run: LoadedRun, instrument?: string): RunSeries {
  const quote = run.run.instruments[0]?.quoteCurrency ?? '';
  const initialEquity = Number(run.run.definition.balances?.[quote] ?? 0);
  const m = run.backtestMetrics;
  return seriesFromEvents(
    readJournal(join(run.dir, 'journal.bin')),
    {
      runId: run.manifest.runId,
      instruments: run.run.instruments,
      initialEquity,
      riskDenials: Object.values(m.riskDenials ?? {}).reduce((s, x) => s + x, 0),
      rateLimitDeferrals: m.rateLimit?.deferrals ?? 0,
    },
    instrument,
  );
}

/** `<root>` for a run at `<root>/experiments/<run-id>`, else undefined. */
export function dataRootOfRunDir(dir: string): string | undefined {
  const parent = dirname(resolve(dir));
  return basename(parent) === 'experiments' ? dirname(parent) : undefined;
}

export interface RunAnalysis {
  readonly loaded: LoadedRun;
  readonly series: RunSeries;
  readonly metrics: RunMetrics;
  readonly written: WrittenAnalysis | undefined;
}

/**
 * Computes the run's metrics and, when a data root is known, stores them under
 * `derived/analysis/<id>/metrics.json` with provenance (input: the run id and its outputHash).
 */
export function analyseRun(dir: string, options: { readonly dataRoot?: string; readonly sampleMs?: number } = {}): RunAnalysis {
  const loaded = openRunDir(dir);
  const series = loadRunSeries(loaded);
  const sampleMs = options.sampleMs ?? DEFAULT_SAMPLE_MS;
  const metrics = computeRunMetrics(series, { sampleMs, markoutHorizonsMs: DEFAULT_MARKOUT_HORIZONS_MS });
  const root = options.dataRoot ?? dataRootOfRunDir(dir);
  const written = root
    ? writeAnalysis(
        root,
        'run-metrics',
        { sampleMs, markoutHorizonsMs: DEFAULT_MARKOUT_HORIZONS_MS, instrument: series.instrument },
        [{ id: loaded.manifest.runId, sha256: loaded.manifest.outputHash ?? '' }],
        { 'metrics.json': `${JSON.stringify(JSON.parse(canonicalJsonText(metrics)), null, 2)}\n` },
      )
    : undefined;
  return { loaded, series, metrics, written };
}

export { equityCurve };
