/**
 * The exporter side: a prom-client Registry whose Chassis metrics are computed from attached
 * probes at scrape time (and at push time), plus prom-client's default process metrics.
 * Nothing is recorded between scrapes; a scrape walks the probes once per metric family.
 */
import { statfsSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { ChassisError } from '@chassis/core';
import { metricCatalog, runStates, sweepRunStatuses } from './catalog.ts';
import { emitHistogram, registerComputedMetric, type EmitSample as Emit, type MetricLabels as Labels } from './computed-metric.ts';
import { promClient } from './prom-client-loader.ts';
import { eventsPerSecond, type InstrumentProbe, type QualityProbe, type RunProbe, type SweepProbe } from './probes.ts';

interface Sources {
  readonly runs: Set<RunProbe>;
  readonly sweeps: Set<SweepProbe>;
  readonly qualities: Set<QualityProbe>;
  readonly dataRoots: Map<string, string>; // path → component
}

const runBase = (p: RunProbe): Labels => ({ component: p.labels.component, run_id: p.labels.runId, strategy: p.labels.strategy });
const instrumentBase = (p: RunProbe, i: InstrumentProbe): Labels => ({ ...runBase(p), venue: i.venue, instrument: i.instrument });
const sweepBase = (p: SweepProbe): Labels => ({ component: p.labels.component, sweep_id: p.labels.sweepId });
const qualityBase = (p: QualityProbe): Labels => ({ component: p.labels.component, venue: p.labels.venue });

function perRun(read: (p: RunProbe) => number) {
  return (s: Sources, emit: Emit) => {
    for (const p of s.runs) emit(runBase(p), read(p));
  };
}
function perInstrument(read: (i: InstrumentProbe) => number) {
  return (s: Sources, emit: Emit) => {
    for (const p of s.runs) for (const i of p.instruments) emit(instrumentBase(p, i), read(i));
  };
}
function perSweep(read: (p: SweepProbe) => number) {
  return (s: Sources, emit: Emit) => {
    for (const p of s.sweeps) emit(sweepBase(p), read(p));
  };
}
function perQuality(read: (p: QualityProbe) => number) {
  return (s: Sources, emit: Emit) => {
    for (const p of s.qualities) emit(qualityBase(p), read(p));
  };
}
function perDataRoot(read: (st: { bavail: number; blocks: number; bsize: number }) => number) {
  return (s: Sources, emit: Emit) => {
    for (const [path, component] of s.dataRoots) {
      let st;
      try {
        st = statfsSync(path);
      } catch {
        continue; // a vanished data root is reported by absence; the scrape must not fail
      }
      emit({ component, path }, read(st));
    }
  };
}

/** How each catalog metric is read from the probes. Keys must equal the catalog (tested). */
const readers: Record<string, (s: Sources, emit: Emit) => void> = {
  chassis_events_processed_total: perRun((p) => p.eventsProcessed),
  chassis_processing_lag_seconds: perRun((p) => p.lagSeconds),
  chassis_step_duration_seconds: (s, emit) => {
    for (const p of s.runs) {
      const h = p.stepDuration;
      emitHistogram(emit, 'chassis_step_duration_seconds', runBase(p), h.boundsSeconds, h.counts, h.sumSeconds, h.count);
    }
  },
  chassis_strategy_evaluations_total: perRun((p) => p.strategyEvaluations),
  chassis_strategy_errors_total: perRun((p) => p.strategyErrors),
  chassis_intents_total: (s, emit) => {
    for (const p of s.runs) {
      const base = runBase(p);
      emit({ ...base, decision: 'allowed', reason: 'none' }, p.intentsAllowed);
      for (const reason of Object.keys(p.intentsDeniedByReason).sort()) {
        emit({ ...base, decision: 'denied', reason }, p.intentsDeniedByReason[reason]!);
      }
    }
  },
  chassis_queue_depth: perRun((p) => p.queueDepth),
  chassis_requests_sent_total: (s, emit) => {
    for (const p of s.runs) {
      const base = runBase(p);
      emit({ ...base, type: 'new' }, p.requestsNew);
      emit({ ...base, type: 'replace' }, p.requestsReplace);
      emit({ ...base, type: 'cancel' }, p.requestsCancel);
    }
  },
  chassis_rate_limit_deferrals_total: perRun((p) => p.rateLimitDeferrals),
  chassis_obligations_outstanding: perRun((p) => p.obligationsOutstanding),
  chassis_control_time_events_total: perRun((p) => p.controlTimeEvents),
  chassis_kill_switch_engaged: perRun((p) => p.killSwitchEngaged),
  chassis_invariant_violations_total: perRun((p) => p.invariantViolations),
  chassis_orders_open: perInstrument((i) => i.ordersOpen),
  chassis_fills_total: perInstrument((i) => i.fills),
  chassis_position: perInstrument((i) => i.position),
  chassis_pnl: (s, emit) => {
    for (const p of s.runs) {
      for (const i of p.instruments) {
        const base = instrumentBase(p, i);
        emit({ ...base, kind: 'realized' }, i.realizedPnl);
        emit({ ...base, kind: 'unrealized' }, i.unrealizedPnl);
      }
    }
  },
  chassis_run_state: (s, emit) => {
    for (const p of s.runs) {
      const base = runBase(p);
      for (const state of runStates) emit({ ...base, state }, p.state === state ? 1 : 0);
    }
  },
  chassis_backtest_progress_ratio: perRun((p) => p.progressRatio),
  chassis_backtest_events_per_second: (s, emit) => {
    const now = Date.now();
    for (const p of s.runs) emit(runBase(p), eventsPerSecond(p, now));
  },
  chassis_quality_datasets: (s, emit) => {
    for (const p of s.qualities) {
      const base = qualityBase(p);
      for (const state of Object.keys(p.datasetsByState).sort()) emit({ ...base, state }, p.datasetsByState[state]!);
    }
  },
  chassis_quality_quarantined_total: perQuality((p) => p.quarantined),
  chassis_import_records_total: perQuality((p) => p.importRecords),
  chassis_import_bytes_total: perQuality((p) => p.importBytes),
  chassis_sweep_runs: (s, emit) => {
    for (const p of s.sweeps) {
      const base = sweepBase(p);
      for (const status of sweepRunStatuses) emit({ ...base, status }, p.runsByStatus[status]);
    }
  },
  chassis_sweep_workers_alive: perSweep((p) => p.workersAlive),
  chassis_sweep_workers_expected: perSweep((p) => p.workersExpected),
  chassis_sweep_last_progress_timestamp_seconds: perSweep((p) => p.lastProgressUnixSeconds),
  chassis_data_root_free_bytes: perDataRoot((st) => st.bavail * st.bsize),
  chassis_data_root_size_bytes: perDataRoot((st) => st.blocks * st.bsize),
};

/** Names of catalog metrics the exporter reads from probes (for the catalog/exporter agreement test). */
export const exportedMetricNames: readonly string[] = Object.keys(readers);

export interface MetricsRegistryOptions {
  /** Include prom-client's default process_* and nodejs_* metrics (default true). */
  readonly defaultMetrics?: boolean;
}

/** The Chassis metric registry: attach probes, read Prometheus text. */
export class MetricsRegistry {
  /** The underlying prom-client registry (for Pushgateway, custom additions). */
  readonly registry: Registry;
  private readonly sources: Sources = { runs: new Set(), sweeps: new Set(), qualities: new Set(), dataRoots: new Map() };

  constructor(options: MetricsRegistryOptions = {}) {
    const { Registry, collectDefaultMetrics } = promClient();
    this.registry = new Registry();
    for (const spec of metricCatalog) {
      if (spec.registeredBy !== undefined) continue; // its owning package registers it into this.registry
      const read = readers[spec.name];
      if (read === undefined) throw new ChassisError('E_METRIC_UNREAD', `catalog metric ${spec.name} has no reader in metrics-registry.ts`);
      registerComputedMetric(this.registry, spec, (emit) => read(this.sources, emit));
    }
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Starts exporting a run's probe; returns the detach function. */
  attachRun(probe: RunProbe): () => void {
    this.sources.runs.add(probe);
    return () => void this.sources.runs.delete(probe);
  }

  attachSweep(probe: SweepProbe): () => void {
    this.sources.sweeps.add(probe);
    return () => void this.sources.sweeps.delete(probe);
  }

  attachQuality(probe: QualityProbe): () => void {
    this.sources.qualities.add(probe);
    return () => void this.sources.qualities.delete(probe);
  }

  /** Exports free/total bytes of the filesystem holding `path` (read with statfs at scrape). */
  watchDataRoot(path: string, component: string): () => void {
    this.sources.dataRoots.set(path, component);
    return () => void this.sources.dataRoots.delete(path);
  }

  /** Prometheus text exposition format (0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
