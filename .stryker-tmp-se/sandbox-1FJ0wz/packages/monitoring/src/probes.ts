/**
 * Probes: plain mutable objects a runtime updates with number fields, once per batch, and the
 * exporter reads at scrape time. Monitoring only observes (SPEC.md §7): nothing here calls
 * prom-client, allocates per event, or influences processing. A runtime that cannot import
 * this package (backtesting must not depend on monitoring) can declare the subset of fields
 * it writes as its own interface; TypeScript's structural typing makes a RunProbe fit.
 *
 * Hidden classes stay stable because every field is created by the factory; the hot loop
 * does `probe.eventsProcessed += n` on a monomorphic object — the cost of one add per batch.
 */
// @ts-nocheck

import { qualityDatasetStates, runStates, stepDurationBucketsSeconds, sweepRunStatuses, type RunState, type SweepRunStatus } from './catalog.ts';

export interface RunProbeLabels {
  /** backtest | worker | paper | live … */
  readonly component: string;
  readonly runId: string;
  readonly strategy: string;
}

/** Per-instrument execution figures. */
export interface InstrumentProbe {
  readonly venue: string;
  readonly instrument: string;
  ordersOpen: number;
  /** Monotonic count. */
  fills: number;
  /** Base units (float, derived analytics). */
  position: number;
  /** Quote currency units, net of fees. */
  realizedPnl: number;
  unrealizedPnl: number;
}

/**
 * Step-duration histogram kept as bucket counts. `counts[i]` counts steps whose duration was
 * ≤ bounds[i] and > bounds[i-1]; the last slot is +Inf. Non-cumulative; the exporter sums.
 */
export interface StepDurationHistogram {
  readonly boundsSeconds: readonly number[];
  readonly counts: Float64Array;
  sumSeconds: number;
  count: number;
}

export interface RunProbe {
  readonly labels: RunProbeLabels;
  state: RunState;
  // Monotonic counters.
  eventsProcessed: number;
  strategyEvaluations: number;
  strategyErrors: number;
  intentsAllowed: number;
  /** Denied intents by reason code; touched only when a denial happens. */
  readonly intentsDeniedByReason: Record<string, number>;
  requestsNew: number;
  requestsReplace: number;
  requestsCancel: number;
  rateLimitDeferrals: number;
  controlTimeEvents: number;
  invariantViolations: number;
  // Gauges.
  queueDepth: number;
  obligationsOutstanding: number;
  /** 0 or 1. */
  killSwitchEngaged: number;
  /** Seconds from capture to processed; 0 in backtests (simulated clock). */
  lagSeconds: number;
  /** 0..1 of the run window processed. */
  progressRatio: number;
  /** Wall clock (ms since epoch) when the run entered `running`, 0 before; set by the runtime, never by the core. */
  startedAtMs: number;
  /** Wall clock (ms) when the run left `running`, 0 while running. */
  finishedAtMs: number;
  readonly stepDuration: StepDurationHistogram;
  readonly instruments: InstrumentProbe[];
}

export function createRunProbe(labels: RunProbeLabels): RunProbe {
  return {
    labels,
    state: 'pending',
    eventsProcessed: 0,
    strategyEvaluations: 0,
    strategyErrors: 0,
    intentsAllowed: 0,
    intentsDeniedByReason: Object.create(null) as Record<string, number>,
    requestsNew: 0,
    requestsReplace: 0,
    requestsCancel: 0,
    rateLimitDeferrals: 0,
    controlTimeEvents: 0,
    invariantViolations: 0,
    queueDepth: 0,
    obligationsOutstanding: 0,
    killSwitchEngaged: 0,
    lagSeconds: 0,
    progressRatio: 0,
    startedAtMs: 0,
    finishedAtMs: 0,
    stepDuration: {
      boundsSeconds: stepDurationBucketsSeconds,
      counts: new Float64Array(stepDurationBucketsSeconds.length + 1),
      sumSeconds: 0,
      count: 0,
    },
    instruments: [],
  };
}

/** Returns the instrument slot, creating it on first use (call at setup, keep the reference). */
export function instrumentProbe(probe: RunProbe, venue: string, instrument: string): InstrumentProbe {
  for (const slot of probe.instruments) if (slot.venue === venue && slot.instrument === instrument) return slot;
  const slot: InstrumentProbe = { venue, instrument, ordersOpen: 0, fills: 0, position: 0, realizedPnl: 0, unrealizedPnl: 0 };
  probe.instruments.push(slot);
  return slot;
}

/**
 * Records one processed batch: `events` events took `elapsedSeconds` of wall time in total.
 * The batch mean is observed `events` times (one add into one bucket), so the histogram's
 * count equals events processed through this call and its sum equals the time spent.
 */
export function recordBatch(probe: RunProbe, events: number, elapsedSeconds: number): void {
  if (events <= 0) return;
  probe.eventsProcessed += events;
  const h = probe.stepDuration;
  const mean = elapsedSeconds / events;
  const bounds = h.boundsSeconds;
  let i = 0;
  while (i < bounds.length && mean > bounds[i]!) i++;
  h.counts[i] = h.counts[i]! + events;
  h.sumSeconds += elapsedSeconds;
  h.count += events;
}

/** Counts `n` denied intents with `reason` (the rare path: touches a small keyed object). */
export function recordDenial(probe: RunProbe, reason: string, n = 1): void {
  probe.intentsDeniedByReason[reason] = (probe.intentsDeniedByReason[reason] ?? 0) + n;
}

/** Moves the run to `state`, stamping start/finish wall times used for events/s. */
export function setRunState(probe: RunProbe, state: RunState, nowMs: number = Date.now()): void {
  if (!runStates.includes(state)) throw new Error(`unknown run state ${state}`);
  if (state === 'running' && probe.startedAtMs === 0) probe.startedAtMs = nowMs;
  if (state !== 'running' && state !== 'pending' && state !== 'loading' && probe.startedAtMs !== 0 && probe.finishedAtMs === 0) {
    probe.finishedAtMs = nowMs;
  }
  probe.state = state;
}

/** Mean events per wall second while running (up to now, or to the finish). */
export function eventsPerSecond(probe: RunProbe, nowMs: number): number {
  if (probe.startedAtMs === 0) return 0;
  const endMs = probe.finishedAtMs !== 0 ? probe.finishedAtMs : nowMs;
  const seconds = (endMs - probe.startedAtMs) / 1000;
  return seconds > 0 ? probe.eventsProcessed / seconds : 0;
}

export interface SweepProbeLabels {
  readonly component: string;
  readonly sweepId: string;
}

export interface SweepProbe {
  readonly labels: SweepProbeLabels;
  readonly runsByStatus: Record<SweepRunStatus, number>;
  workersAlive: number;
  workersExpected: number;
  /** Unix seconds of the last status change of any run; 0 before the first. */
  lastProgressUnixSeconds: number;
}

export function createSweepProbe(labels: SweepProbeLabels): SweepProbe {
  const runsByStatus = {} as Record<SweepRunStatus, number>;
  for (const s of sweepRunStatuses) runsByStatus[s] = 0;
  return { labels, runsByStatus, workersAlive: 0, workersExpected: 0, lastProgressUnixSeconds: 0 };
}

/** Moves one run between statuses (from = null for a newly queued run) and stamps progress. */
export function recordSweepTransition(probe: SweepProbe, from: SweepRunStatus | null, to: SweepRunStatus, nowMs: number = Date.now()): void {
  if (from !== null) probe.runsByStatus[from] = Math.max(0, probe.runsByStatus[from] - 1);
  probe.runsByStatus[to] += 1;
  probe.lastProgressUnixSeconds = nowMs / 1000;
}

export interface QualityProbeLabels {
  readonly component: string;
  /** Venue the gate is working on, or '' for all. */
  readonly venue: string;
}

export interface QualityProbe {
  readonly labels: QualityProbeLabels;
  /** Current count of datasets per lifecycle state (discovered, in_validation, validated, normalized, promotable, promoted, quarantined, rejected, incomplete). */
  readonly datasetsByState: Record<string, number>;
  quarantined: number;
  importRecords: number;
  importBytes: number;
}

export function createQualityProbe(labels: QualityProbeLabels): QualityProbe {
  const datasetsByState = Object.create(null) as Record<string, number>;
  for (const state of qualityDatasetStates) datasetsByState[state] = 0;
  return { labels, datasetsByState, quarantined: 0, importRecords: 0, importBytes: 0 };
}

/** Moves one dataset between lifecycle states (from = null when discovered). */
export function recordDatasetTransition(probe: QualityProbe, from: string | null, to: string): void {
  if (from !== null) probe.datasetsByState[from] = Math.max(0, (probe.datasetsByState[from] ?? 0) - 1);
  probe.datasetsByState[to] = (probe.datasetsByState[to] ?? 0) + 1;
  if (to === 'quarantined') probe.quarantined += 1;
}
