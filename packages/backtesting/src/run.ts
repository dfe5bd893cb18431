/**
 * One backtest, end to end: validate the run definition, resolve datasets and instruments from
 * the catalog, load the strategy, build the engine and the simulated venue, drive the
 * timeline, and publish the artifacts atomically under `<data root>/experiments/<run-id>/`
 * (or the configured output directory). A run that cannot start or breaks writes only a
 * manifest with status "failed" and the error.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ChassisError, createEngine, type Engine, type Event, type Intent, type MarketEvent, type StateView, type StepResult, type Strategy } from '@chassis/core';
import { createSimulatedVenue } from '@chassis/venues';
import { engineConfigOf, instrumentsOf, latencyModelOf, queueModelOf } from './resolved-run.ts';
import { instantiate } from './strategy-loader.ts';
import { resolveRun } from './run-resolution.ts';
import { HistoricalFeeder } from './feeder.ts';
import { runFeed } from './run-feed.ts';
import { FORMAT_BY_REFERENCE, JournalWriter, type JournalFormat, type JournalSummary } from './journal/journal.ts';
import { RunRecorder } from './recorder.ts';
import { runTimeline, type TimelineOutcome, type TimelineSink } from './timeline.ts';
import { readRunManifest, type FailedRunManifest, type FinishedRunManifest } from './run-manifest.ts';
import { discardStaging, openParquetDatabase, outputHashOf, publish, stagingDirFor, writeJson, writeParquet } from './artifacts.ts';
import { canonicalJson, sha256Hex } from './canonical-json.ts';
import { writeSeries } from './series.ts';
import { buildMetrics, type Metrics } from './metrics.ts';
import { RunStatsTracker, type RunStats } from './run-stats.ts';

export type RunStatus = 'completed' | 'strategy_halted' | 'halted' | 'failed';

export interface BacktestOptions {
  /** Raw run data (a parsed run file with flag overrides applied). */
  readonly definition: Record<string, unknown>;
  /** Where relative strategy paths resolve from (the run file's directory, or the cwd). */
  readonly baseDir: string;
  readonly dataRoot: string;
  /** e.g. `chassis@0.1.0`; part of the run id. */
  readonly codeVersion: string;
  /** Name of the definition's source for error messages. */
  readonly where?: string;
  /** Progress: market events so far and the fraction of the window covered (0..1). Wall-clock side channel only. */
  readonly onProgress?: (marketEvents: number, fraction: number) => void;
  /**
   * Monitoring: called once when the data is loaded and processing starts, then every
   * `batchEvents` market events (default 4096) and at the end, with cumulative run figures
   * (one object updated in place). A returned promise is awaited between batches, which is
   * how the caller yields to the event loop. Wall-clock side channel only, never state.
   */
  readonly onBatch?: (stats: RunStats) => void | Promise<void>;
  readonly batchEvents?: number;
  /** Benchmarks: feed the input this many times with shifted timestamps. */
  readonly repeat?: number;
  /** Journal block size in bytes (tests). */
  readonly journalBlockBytes?: number;
  /**
   * Journal format (README "Journal"): 2 (default) references the market events, 1 stores every
   * event inline — self-contained, ~45× larger (tests compare the two streams).
   */
  readonly journalFormat?: JournalFormat;
}

export interface BacktestResult {
  readonly runId: string;
  readonly outDir: string;
  readonly status: RunStatus;
  readonly events: number;
  readonly marketEvents: number;
  readonly orders: number;
  readonly fills: number;
  readonly pnl: number;
  readonly eventsPerSecond: number;
  readonly outputHash: string;
  readonly metrics: Metrics;
  readonly diagnostic: string | null;
  /** Market events whose exchange time was clamped to their receipt / to the feed window (README "Clock model"). */
  readonly exchangeTimeClamps: TimelineOutcome['exchangeTimeClamps'];
}

/**
 * The timeline's sink: the run's recorder, and the local time of the latest event (for progress).
 * A class, not per-run closures or bound functions: its methods are the same functions in every
 * run of a process, so the call sites a sweep worker's first run fed (and the code V8 optimised
 * on them) stay valid in its next runs instead of failing their call-target checks once more.
 */
class RecordingSink implements TimelineSink {
  constructor(
    private readonly recorder: RunRecorder,
    public lastTsNs: bigint,
  ) {}

  append(e: Event): void {
    this.lastTsNs = e.tsLocalNs;
    this.recorder.append(e);
  }

  market(e: MarketEvent): void {
    this.lastTsNs = e.tsLocalNs;
    this.recorder.market(e);
  }

  stepped(e: Event, result: StepResult, engine: Engine): void {
    this.recorder.stepped(e, result, engine);
  }

  marketStepped(e: MarketEvent, result: StepResult, engine: Engine): void {
    this.recorder.marketStepped(e, result, engine);
  }

  checkpoint(seq: number, stateHash: string): void {
    this.recorder.checkpoint(seq, stateHash);
  }
}

/** The strategy, counting its evaluations (monitoring); a class for the same reason as RecordingSink. */
class CountedStrategy implements Strategy {
  n = 0;
  constructor(private readonly strategy: Strategy) {}

  onEvent(view: StateView, event: Event): readonly Intent[] | void {
    this.n++;
    return this.strategy.onEvent(view, event);
  }
}

function failedManifest(dir: string, runId: string, err: unknown, codeVersion: string): void {
  // Never clobber a published run that happens to share the id.
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true });
  const e = err instanceof ChassisError ? { code: err.code, message: err.message } : { code: 'E_INTERNAL', message: (err as Error)?.message ?? String(err) };
  writeJson(join(dir, 'manifest.json'), { format: 'chassis-run-manifest-v1', runId, status: 'failed', error: e, codeVersion, endedAt: new Date().toISOString() } satisfies FailedRunManifest);
}

/** A repeated run may replace only an earlier copy of itself: refuses a directory holding another run. */
function refuseToReplaceAnotherRun(outDir: string, runId: string): void {
  if (!existsSync(join(outDir, 'manifest.json'))) return;
  const other = readRunManifest(outDir).runId;
  if (other !== runId) throw new ChassisError('E_USAGE', `--repeat would write over run ${other} in ${outDir}; give another --out`, { exitCode: 2 });
}

/** Runs one backtest. Throws ChassisError for input problems (after writing a failed-status manifest). */
export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const experiments = join(o.dataRoot, 'experiments');
  let runId = `failed-${sha256Hex(canonicalJson(o.definition)).slice(0, 16)}`;
  let outDir = join(experiments, runId);
  let staging: string | null = null;
  try {
    // Resolution (validation, datasets, strategy, run id) is shared with sweeps: run-resolution.ts.
    const resolution = await resolveRun(o);
    const { definition: def, fromNs, toNs, storage, datasets, strategy: loaded, resolved } = resolution;
    const repeat = o.repeat ?? 1;
    // Input fed `repeat` times is another computation than the run it repeats: its own id and
    // directory, so a benchmark never replaces the real run of the same definition.
    runId = repeat > 1 ? `${resolution.runId}-repeat${repeat}` : resolution.runId;
    outDir = def.output.dir ? resolve(def.output.dir) : join(experiments, runId);
    if (repeat > 1) refuseToReplaceAnotherRun(outDir, runId);
    mkdirSync(dirname(outDir), { recursive: true });
    staging = stagingDirFor(outDir, `${runId}-${randomBytes(4).toString('hex')}`);

    const config = engineConfigOf(resolved);
    const instruments = instrumentsOf(resolved);
    const strategy = instantiate(loaded, def.strategy.params);
    const onBatch = o.onBatch;
    // Monitoring counts evaluations around the strategy (one add per evaluation, only when asked).
    const evaluations = onBatch ? new CountedStrategy(strategy) : null;
    const engine = createEngine(config, evaluations ?? strategy);
    const venue = createSimulatedVenue({
      instruments,
      queueModel: queueModelOf(resolved),
      latency: latencyModelOf(resolved),
      seed: def.seed,
      tradeThroughFill: def.venue.tradeThroughFill,
    });
    venue.start();

    const { sources, startNs, endNs, spanNs } = runFeed({
      storage,
      datasets,
      instruments: instruments.map((i) => i.id),
      fromNs,
      toNs,
      feedLatencyUs: def.venue.feedLatencyUs,
      repeat,
    });
    const feeder = await HistoricalFeeder.open(sources);
    // Market events by reference (journal format 2): replay regenerates them from the datasets.
    const journal = new JournalWriter(join(staging, 'journal.bin'), { ...(o.journalBlockBytes ? { blockBytes: o.journalBlockBytes } : {}), marketByReference: (o.journalFormat ?? FORMAT_BY_REFERENCE) === FORMAT_BY_REFERENCE });
    const recorder = new RunRecorder(journal, instruments);
    const windowFrom = fromNs !== undefined && fromNs > startNs ? fromNs : startNs;
    const windowTo = (toNs !== undefined && toNs < endNs ? toNs : endNs) + spanNs * BigInt(repeat - 1);
    const sink = new RecordingSink(recorder, windowFrom);
    const fraction = () => (windowTo > windowFrom ? Number(sink.lastTsNs - windowFrom) / Number(windowTo - windowFrom) : 1);
    const tracker = onBatch ? new RunStatsTracker(recorder, engine, instruments, { runId, strategy: def.strategy.module }) : null;
    if (onBatch) await onBatch(tracker!.stats);
    tracker?.markStart();
    const startedAt = new Date();
    const wallStart = performance.now();
    const outcome: TimelineOutcome = await runTimeline({
      engine,
      venue,
      feeder,
      sink,
      checkpointInterval: def.journal.checkpointInterval,
      endGraceNs: BigInt(Math.round(def.endGraceMs * 1_000_000)),
      clock: { offsetNs: BigInt(Math.round(def.venue.clockOffsetUs * 1000)), feedWindowNs: BigInt(Math.round(def.venue.feedWindowMs * 1_000_000)) },
      sessionId: runId,
      ...(onBatch ? { progressEvery: Math.max(1, o.batchEvents ?? 4096) } : {}),
      onProgress: (n, counters) => {
        const f = fraction();
        o.onProgress?.(n, f);
        if (!onBatch) return undefined;
        const stats = tracker!.update(counters, f);
        stats.strategyEvaluations = evaluations!.n;
        return onBatch(stats);
      },
    });
    const wallSeconds = (performance.now() - wallStart) / 1000;
    // The series' database opens off the main thread while the journal, metrics and JSON files are written.
    openParquetDatabase();
    venue.stop();
    const journalSummary: JournalSummary = journal.close();
    recorder.finishOrders(engine.view);

    const status: RunStatus = outcome.status === 'halted' ? 'halted' : recorder.counts.strategyHalted > 0 ? 'strategy_halted' : 'completed';
    const diagnostic = outcome.violation ? `invariant ${outcome.violation.invariant} violated at seq ${outcome.violation.seq}: ${outcome.violation.message}` : null;
    const metrics = buildMetrics({ runId, status, outcome, recorder, view: engine.view, instruments, wallSeconds });

    writeJson(join(staging, 'run.json'), resolved);
    writeJson(join(staging, 'checkpoints.json'), recorder.checkpoints);
    writeJson(join(staging, 'metrics.json'), metrics);
    await writeSeries(staging, recorder, writeParquet);
    const files = readdirSync(staging).sort();
    const { outputHash, files: outputs } = outputHashOf(staging, files, { 'journal.bin': journalSummary.sha256 });
    const finalStateHash = engine.stateHash();
    writeJson(join(staging, 'manifest.json'), {
      format: 'chassis-run-manifest-v1',
      runId,
      ...(repeat > 1 ? { repeat } : {}),
      status,
      diagnostic,
      codeVersion: o.codeVersion,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      datasets: resolved.datasets.map((d) => ({ id: d.id, contentHash: d.contentHash })),
      dataRoot: resolve(o.dataRoot),
      events: { total: outcome.events, market: outcome.marketEvents, controlTime: outcome.controlTimeEvents, lastSeq: outcome.lastSeq },
      clock: { offsetUs: def.venue.clockOffsetUs, feedWindowMs: def.venue.feedWindowMs, ...outcome.exchangeTimeClamps },
      journal: { file: 'journal.bin', ...journalSummary, checkpointInterval: def.journal.checkpointInterval, checkpoints: recorder.checkpoints.length },
      finalStateHash,
      outputs,
      outputHash,
    } satisfies FinishedRunManifest);
    publish(staging, outDir);
    staging = null;
    return {
      runId,
      outDir,
      status,
      events: outcome.events,
      marketEvents: outcome.marketEvents,
      orders: recorder.orders.size,
      fills: recorder.fills.length,
      pnl: metrics.pnl.net,
      eventsPerSecond: metrics.throughput.eventsPerSecond,
      outputHash,
      metrics,
      diagnostic,
      exchangeTimeClamps: outcome.exchangeTimeClamps,
    };
  } catch (err) {
    if (staging) discardStaging(staging);
    try {
      failedManifest(outDir, runId, err, o.codeVersion);
    } catch {
      // The original error matters more than a manifest we could not write.
    }
    throw err;
  }
}
