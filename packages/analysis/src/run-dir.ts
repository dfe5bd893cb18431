/**
 * Loading a backtest's run directory (manifest.json, run.json, metrics.json, journal.bin) into
 * analysis columns, and the per-run analysis written as a versioned derived artifact. An
 * incomplete directory is an error naming every missing file; nothing is written for it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ChassisError, contractTerms, type Event, type Instrument } from '@chassis/core';
import { defaultBalances, readJournal, readRunManifest, type FinishedRunManifest, type Metrics, type ResolvedRun } from '@chassis/backtesting';
import { resolveDataRoot } from '@chassis/storage';
import { RunColumnsBuilder, type RunInfo } from './run-loader.ts';
import { scanJournal, type JournalScan } from './journal-scan.ts';
import { midsFromDatasets } from './run-market-data.ts';
import type { RunSeries } from './run-series.ts';
import { computeRunMetrics, DEFAULT_MARKOUT_HORIZONS_MS, DEFAULT_SAMPLE_MS, equityCurve, type EquityCurve, type RunMetrics } from './run-metrics.ts';
import { canonicalJsonText, writeAnalysis, type WrittenAnalysis } from './analysis-store.ts';

export const RUN_FILES = ['manifest.json', 'run.json', 'metrics.json', 'journal.bin'] as const;

/** The manifest of a finished run (parsed by @chassis/backtesting's schema when read back). */
export type RunManifest = FinishedRunManifest;

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
  const manifest = readRunManifest(dir);
  if (manifest.status === 'failed') {
    throw new ChassisError('E_RUN_FAILED', `${dir}: run ${manifest.runId} failed (${manifest.error.code}: ${manifest.error.message}); nothing to analyse`);
  }
  const missing = RUN_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new ChassisError('E_RUN_INCOMPLETE', `${dir} is not a complete run directory: missing ${missing.join(', ')}`);
  return { dir, manifest, run: readJson<ResolvedRun>(join(dir, 'run.json')), backtestMetrics: readJson<Metrics>(join(dir, 'metrics.json')) };
}

/** Where the market side of the columns comes from (run-market-data.ts, journal-scan.ts). */
export type MarketSource = 'auto' | 'journal' | 'datasets';

export interface LoadOptions {
  /** Data root holding the run's datasets (default: the one the manifest records, else the root of `<root>/experiments/<run-id>`, else $CHASSIS_DATA or ./data). */
  readonly dataRoot?: string;
  /**
   * `journal`: market events of the journal, as recorded (live sessions, runs that journaled
   * them). `datasets`: the run's canonical datasets, whatever the journal holds. `auto`
   * (default): the journal's when it holds any, else the datasets when the run replayed some.
   */
  readonly market?: MarketSource;
}

function runInfo(run: LoadedRun): RunInfo {
  // Equity starts from the balance of the first instrument's settlement asset (USDT for USDⓈ-M, BTC for COIN-M).
  const first = run.run.instruments[0] as Instrument | undefined;
  const balances = run.run.definition.balances ?? (first ? defaultBalances(first) : {});
  const initialEquity = first ? Number(balances[contractTerms(first).settlementCurrency] ?? 0) : 0;
  const m = run.backtestMetrics;
  return {
    runId: run.manifest.runId,
    instruments: run.run.instruments,
    initialEquity,
    riskDenials: Object.values(m.riskDenials ?? {}).reduce((s, x) => s + x, 0),
    rateLimitDeferrals: m.rateLimit?.deferrals ?? 0,
  };
}

/**
 * The data root a run directory lies in (`<root>/experiments/<run-id>`) when it holds canonical
 * data: a data root copied or moved with its runs is read (and checked) as it is now, as replay
 * does (@chassis/backtesting runDataRoot).
 */
function containingDataRoot(dir: string): string | undefined {
  const root = dataRootOfRunDir(dir);
  return root !== undefined && existsSync(join(root, 'canonical')) ? root : undefined;
}

/** The data root the run read its datasets from, as its manifest records it, when it still exists. */
function recordedDataRoot(run: LoadedRun): string | undefined {
  const recorded = run.manifest.dataRoot;
  if (recorded === undefined) return undefined;
  const path = isAbsolute(recorded) ? recorded : resolve(run.dir, recorded);
  return existsSync(path) ? path : undefined;
}

/** Reads the journal once into `builder`: the scan when it knows the format, else every event decoded. */
function readRunJournal(path: string, builder: RunColumnsBuilder, market: boolean): JournalScan {
  const sink = market ? builder : { bbo: () => {}, trade: () => {}, own: (e: Event, t: number) => builder.own(e, t) };
  const scan = scanJournal(path, sink);
  if (scan) return scan;
  let events = 0;
  let marketEvents = 0;
  let first: Event | undefined;
  let last: Event | undefined;
  for (const e of readJournal(path)) {
    events++;
    first ??= e;
    last = e;
    if (e.kind === 'bbo' || e.kind === 'trade' || e.kind === 'book_delta') {
      marketEvents++;
      if (!market) continue;
    }
    builder.event(e);
  }
  const ms = (e: Event | undefined) => (e ? Number(e.tsLocalNs / 1_000_000n) + Number(e.tsLocalNs % 1_000_000n) / 1e6 : 0);
  return { events, marketEvents, referencedMarketEvents: 0, startMs: ms(first), endMs: ms(last) };
}

/**
 * The run's columns for each of its instruments (run.json order), from one pass over the
 * journal; the mid path from the journal's market events or the run's datasets (`market`).
 */
export async function loadInstrumentSeries(run: LoadedRun, options: LoadOptions = {}): Promise<RunSeries[]> {
  const market = options.market ?? 'auto';
  const builder = new RunColumnsBuilder(runInfo(run));
  const scan = readRunJournal(join(run.dir, 'journal.bin'), builder, market !== 'datasets');
  const fromDatasets = market === 'datasets' || (market === 'auto' && scan.marketEvents === 0 && (scan.referencedMarketEvents > 0 || run.manifest.events.market > 0));
  if (fromDatasets) {
    const dataRoot = options.dataRoot ?? containingDataRoot(run.dir) ?? recordedDataRoot(run) ?? dataRootOfRunDir(run.dir) ?? resolveDataRoot();
    const mids = await midsFromDatasets({ dataRoot, manifest: run.manifest, run: run.run, ...(run.manifest.status === 'halted' ? { untilMs: scan.endMs } : {}) }, run.run.instruments);
    for (const [id, m] of mids) builder.mids(id, m);
    // The run's event count, market events included, whether its journal stores or references them.
    return builder.finish({ ...scan, events: scan.marketEvents + scan.referencedMarketEvents > 0 ? scan.events : run.manifest.events.total });
  }
  return builder.finish(scan);
}

/** The run's columns for its first instrument (or `instrument`). */
export async function loadRunSeries(run: LoadedRun, instrument?: string, options: LoadOptions = {}): Promise<RunSeries> {
  const all = await loadInstrumentSeries(run, options);
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
  /** Equity, drawdown and position on the metrics' sampling grid. */
  readonly curve: EquityCurve;
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
export async function analyseRun(dir: string, options: LoadOptions & { readonly sampleMs?: number } = {}): Promise<RunAnalysis> {
  const loaded = openRunDir(dir);
  const sampleMs = options.sampleMs ?? DEFAULT_SAMPLE_MS;
  const instruments = (await loadInstrumentSeries(loaded, options)).map((series) => {
    const curve = equityCurve(series, sampleMs);
    return { series, curve, metrics: computeRunMetrics(series, { sampleMs, markoutHorizonsMs: DEFAULT_MARKOUT_HORIZONS_MS, curve }) };
  });
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
