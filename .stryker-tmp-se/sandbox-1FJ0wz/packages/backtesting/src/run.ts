/**
 * One backtest, end to end: validate the run definition, resolve datasets and instruments from
 * the catalog, load the strategy, build the engine and the simulated venue, drive the
 * timeline, and publish the artifacts atomically under `<data root>/experiments/<run-id>/`
 * (or the configured output directory). A run that cannot start or breaks writes only a
 * manifest with status "failed" and the error.
 */
// @ts-nocheck

import { existsSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ChassisError, createEngine } from '@chassis/core';
import { readCanonical, type CanonicalBatch, type DatasetMeta, type Storage } from '@chassis/storage';
import { createSimulatedVenue } from '@chassis/venues';
import { engineConfigOf, instrumentsOf, latencyModelOf, queueModelOf } from './resolved-run.ts';
import { instantiate } from './strategy-loader.ts';
import { KINDS, resolveRun } from './run-resolution.ts';
import { HistoricalFeeder, repeatBatches, type FeedSource } from './feeder.ts';
import { JournalWriter, type JournalSummary } from './journal/journal.ts';
import { RunRecorder } from './recorder.ts';
import { runTimeline, type TimelineOutcome } from './timeline.ts';
import { outputHashOf, publish, stagingDirFor, writeJson, writeParquet } from './artifacts.ts';
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
}

async function* concatDatasets(storage: Storage, datasets: readonly DatasetMeta[], fromNs: bigint | undefined, toNs: bigint | undefined): AsyncIterable<CanonicalBatch> {
  for (const d of datasets) yield* readCanonical(storage, d, { ...(fromNs !== undefined ? { from: fromNs } : {}), ...(toNs !== undefined ? { to: toNs } : {}) });
}

function failedManifest(dir: string, runId: string, err: unknown, codeVersion: string): void {
  // Never clobber a published run that happens to share the id.
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true });
  const e = err instanceof ChassisError ? { code: err.code, message: err.message } : { code: 'E_INTERNAL', message: (err as Error)?.message ?? String(err) };
  writeJson(join(dir, 'manifest.json'), { format: 'chassis-run-manifest-v1', runId, status: 'failed', error: e, codeVersion, endedAt: new Date().toISOString() });
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
    runId = resolution.runId;
    outDir = def.output.dir ? resolve(def.output.dir) : join(experiments, runId);
    mkdirSync(dirname(outDir), { recursive: true });
    staging = stagingDirFor(outDir, `${runId}-${randomBytes(4).toString('hex')}`);

    const config = engineConfigOf(resolved);
    const instruments = instrumentsOf(resolved);
    const strategy = instantiate(loaded, def.strategy.params);
    const onBatch = o.onBatch;
    // Monitoring counts evaluations around the strategy (one add per evaluation, only when asked).
    const evaluations = { n: 0 };
    const engine = createEngine(
      config,
      onBatch ? { onEvent: (view, event) => (evaluations.n++, strategy.onEvent(view, event)) } : strategy,
    );
    const venue = createSimulatedVenue({
      instruments,
      queueModel: queueModelOf(resolved),
      latency: latencyModelOf(resolved),
      seed: def.seed,
    });
    venue.start();

    const repeat = o.repeat ?? 1;
    const startNs = datasets.reduce((m, d) => (d.startNs < m ? d.startNs : m), datasets[0]!.startNs);
    const endNs = datasets.reduce((m, d) => (d.endNs > m ? d.endNs : m), datasets[0]!.endNs);
    const spanNs = endNs - startNs + 1_000_000_000n;
    const sources: FeedSource[] = [];
    for (const inst of instruments) {
      for (const kind of KINDS) {
        const ds = datasets.filter((d) => `${d.venue}:${d.symbol}` === inst.id && d.kind === kind);
        if (ds.length === 0) continue;
        const open = () => concatDatasets(storage, ds, fromNs, toNs);
        sources.push({
          instrument: inst.id,
          batches: repeat > 1 ? repeatBatches(open, repeat, spanNs) : open(),
          feedLatencyNs: ds[0]!.provenance.tsLocalFromEvent ? BigInt(Math.round(def.venue.feedLatencyUs * 1000)) : undefined,
        });
      }
    }
    const feeder = await HistoricalFeeder.open(sources);
    const journal = new JournalWriter(join(staging, 'journal.bin'), o.journalBlockBytes);
    const recorder = new RunRecorder(journal, instruments);
    const windowFrom = fromNs !== undefined && fromNs > startNs ? fromNs : startNs;
    const windowTo = (toNs !== undefined && toNs < endNs ? toNs : endNs) + spanNs * BigInt(repeat - 1);
    let lastTs = windowFrom;
    const sink = {
      append: (e: Parameters<RunRecorder['append']>[0]) => {
        lastTs = e.tsLocalNs;
        recorder.append(e);
      },
      stepped: recorder.stepped.bind(recorder),
      checkpoint: recorder.checkpoint.bind(recorder),
    };
    const fraction = () => (windowTo > windowFrom ? Number(lastTs - windowFrom) / Number(windowTo - windowFrom) : 1);
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
      sessionId: runId,
      ...(onBatch ? { progressEvery: Math.max(1, o.batchEvents ?? 4096) } : {}),
      onProgress: (n, counters) => {
        const f = fraction();
        o.onProgress?.(n, f);
        if (!onBatch) return undefined;
        const stats = tracker!.update(counters, f);
        stats.strategyEvaluations = evaluations.n;
        return onBatch(stats);
      },
    });
    const wallSeconds = (performance.now() - wallStart) / 1000;
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
      status,
      diagnostic,
      codeVersion: o.codeVersion,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      datasets: resolved.datasets.map((d) => ({ id: d.id, contentHash: d.contentHash })),
      events: { total: outcome.events, market: outcome.marketEvents, controlTime: outcome.controlTimeEvents, lastSeq: outcome.lastSeq },
      journal: { file: 'journal.bin', ...journalSummary, checkpointInterval: def.journal.checkpointInterval, checkpoints: recorder.checkpoints.length },
      finalStateHash,
      outputs,
      outputHash,
    });
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
    };
  } catch (err) {
    if (staging) rmSync(staging, { recursive: true, force: true });
    try {
      failedManifest(outDir, runId, err, o.codeVersion);
    } catch {
      // The original error matters more than a manifest we could not write.
    }
    throw err;
  }
}
