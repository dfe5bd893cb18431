/**
 * The documented Chassis metric set, as plain data. One source of truth for the exporter
 * (what it registers), the docs, the alert rules' and dashboards' validation, and the tests.
 *
 * Label vocabulary is shared by every metric: component (backtest | sweep | worker | quality |
 * record | paper | live), run_id, strategy, venue, instrument, sweep_id; plus a per-metric
 * enumerating label where a metric counts categories (decision, reason, type, state, status,
 * kind, path, bucket). Live sessions put their session id in run_id.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  /**
   * Who registers the metric: absent = the MetricsRegistry, which reads it from probes at scrape;
   * 'recording' = `createRecordingMetrics` of @chassis/recording (per-feed recorder counters);
   * 'live' = `createLiveMetrics` of @chassis/live (a paper or live session's own metrics).
   */
  readonly registeredBy?: 'recording' | 'live';
}

/** Labels every per-run metric carries. */
export const runLabels = ['component', 'run_id', 'strategy'] as const;
/** Labels every per-instrument metric carries. */
export const instrumentLabels = [...runLabels, 'venue', 'instrument'] as const;
export const sweepLabels = ['component', 'sweep_id'] as const;
export const qualityLabels = ['component', 'venue'] as const;
/** Labels every per-feed recorder metric carries (component="record"; feed = channels joined by '+'). */
export const recordLabels = ['component', 'venue', 'feed'] as const;

/** Labels every live-session metric carries (component = paper | live; run_id = the session id). */
export const liveLabels = ['component', 'run_id', 'strategy', 'venue'] as const;
/** Labels every per-instrument live-session metric carries. */
export const liveInstrumentLabels = [...liveLabels, 'instrument'] as const;

/** Reconciliation states of a session, exported as `chassis_live_reconciliation_state{state=...}` (pending = none yet). */
export const reconciliationStates = ['pending', 'matched', 'mismatch', 'resolved'] as const;
export type ReconciliationState = (typeof reconciliationStates)[number];

/** Run states, exported as `chassis_run_state{state=...}` 1 for the current one, 0 for the others. */
export const runStates = ['pending', 'loading', 'running', 'completed', 'failed', 'halted'] as const;
export type RunState = (typeof runStates)[number];

/** Sweep run statuses, exported as `chassis_sweep_runs{status=...}`. */
export const sweepRunStatuses = ['queued', 'running', 'completed', 'failed'] as const;
export type SweepRunStatus = (typeof sweepRunStatuses)[number];

/** Dataset lifecycle states of the quality gate (SPEC.md §6), exported as `chassis_quality_datasets{state=...}`. */
export const qualityDatasetStates = [
  'discovered', 'in_validation', 'validated', 'normalized', 'promotable', 'promoted', 'quarantined', 'rejected', 'incomplete',
] as const;

/**
 * Recorder lag histogram buckets, in seconds (1 ms … 10 s): capture time minus the venue's event
 * time is a few ms on a healthy connection in the venue's region, tens to hundreds of ms across
 * continents, and seconds when the recorder or the venue falls behind.
 */
export const recordLagBucketsSeconds: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Step-duration histogram buckets, in seconds (1 µs … 10 ms: a step is micro-seconds of CPU). */
export const stepDurationBucketsSeconds: readonly number[] = [
  1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 1e-2,
];

/**
 * Live latency histogram buckets, in seconds (10 µs … 10 s): signal → request is the runtime's own
 * cost (tens of µs to a few ms: journal append, step, signing); request → acknowledgement adds the
 * network round trip and the venue's matching engine (a few ms in the venue's region, hundreds of
 * ms across continents, seconds when the venue is overloaded).
 */
export const liveLatencyBucketsSeconds: readonly number[] = [
  1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const m = (name: string, type: MetricType, labels: readonly string[], help: string): MetricSpec => ({ name, type, help, labels });
const live = (name: string, type: MetricType, labels: readonly string[], help: string): MetricSpec => ({ ...m(name, type, labels, help), registeredBy: 'live' });
const rec = (name: string, type: MetricType, labels: readonly string[], help: string): MetricSpec => ({ ...m(name, type, labels, help), registeredBy: 'recording' });

export const metricCatalog: readonly MetricSpec[] = [
  // Runtime: throughput, lag, step cost.
  m('chassis_events_processed_total', 'counter', runLabels, 'Events processed by the engine (market, execution and control events).'),
  m('chassis_processing_lag_seconds', 'gauge', runLabels, 'Wall time from capture (tsLocal) of the last processed event to the end of its processing; live and paper only (0 in backtests, whose clock is simulated).'),
  m('chassis_step_duration_seconds', 'histogram', runLabels, 'Engine step duration in seconds, observed as the mean of each processed batch, weighted by its event count.'),
  m('chassis_strategy_evaluations_total', 'counter', runLabels, 'Strategy evaluations (decision triggers that reached the strategy).'),
  m('chassis_strategy_errors_total', 'counter', runLabels, 'Strategy evaluations that threw (they produce no intents).'),
  m('chassis_intents_total', 'counter', [...runLabels, 'decision', 'reason'], 'Intents by risk decision (allowed | denied) and denial reason (reason="none" when allowed).'),
  m('chassis_queue_depth', 'gauge', runLabels, 'Pending effective commands in the execution-control queue.'),
  m('chassis_requests_sent_total', 'counter', [...runLabels, 'type'], 'Requests dispatched to the venue by type (new | replace | cancel).'),
  m('chassis_rate_limit_deferrals_total', 'counter', runLabels, 'Steps in which allowed work stayed queued because a rate-limit bucket was empty.'),
  m('chassis_obligations_outstanding', 'gauge', runLabels, 'Control Scheduling Obligations outstanding (at most one per scope).'),
  m('chassis_control_time_events_total', 'counter', runLabels, 'Control-Time Events appended by the runtime (realised obligations).'),
  m('chassis_kill_switch_engaged', 'gauge', runLabels, '1 while the kill switch is engaged, else 0.'),
  m('chassis_invariant_violations_total', 'counter', runLabels, 'Invariant violations detected; any violation halts the engine.'),
  // Execution.
  m('chassis_orders_open', 'gauge', instrumentLabels, 'Orders in a non-terminal state.'),
  m('chassis_fills_total', 'counter', instrumentLabels, 'Fills received (partial and final).'),
  m('chassis_position', 'gauge', instrumentLabels, 'Net position in base units (derived analytics, float).'),
  m('chassis_pnl', 'gauge', [...instrumentLabels, 'kind'], 'PnL in quote currency units by kind (realized | unrealized), net of fees.'),
  // Run lifecycle and backtest progress.
  m('chassis_run_state', 'gauge', [...runLabels, 'state'], 'Run lifecycle: 1 for the current state, 0 for the others.'),
  m('chassis_backtest_progress_ratio', 'gauge', runLabels, 'Fraction of the run window processed, 0..1.'),
  m('chassis_backtest_events_per_second', 'gauge', runLabels, 'Mean events processed per wall-clock second since the run started running.'),
  // Data quality and import.
  m('chassis_quality_datasets', 'gauge', [...qualityLabels, 'state'], 'Datasets known to the quality gate by lifecycle state.'),
  m('chassis_quality_quarantined_total', 'counter', qualityLabels, 'Datasets moved to Quarantined.'),
  m('chassis_import_records_total', 'counter', qualityLabels, 'Records imported through the promotion gate (rate() gives import throughput).'),
  m('chassis_import_bytes_total', 'counter', qualityLabels, 'Input bytes read by importers and the normalizer.'),
  // Sweeps.
  m('chassis_sweep_runs', 'gauge', [...sweepLabels, 'status'], 'Sweep runs by status (queued | running | completed | failed).'),
  m('chassis_sweep_workers_alive', 'gauge', sweepLabels, 'Workers that reported a heartbeat within the liveness window.'),
  m('chassis_sweep_workers_expected', 'gauge', sweepLabels, 'Workers the sweep was started with.'),
  m('chassis_sweep_last_progress_timestamp_seconds', 'gauge', sweepLabels, 'Unix time (seconds) of the last run that changed status in the sweep.'),
  // Data recording (chassis record): one series set per venue feed.
  rec('chassis_record_messages_total', 'counter', recordLabels, 'Frames captured (WebSocket messages and REST snapshot bodies), each stored byte for byte.'),
  rec('chassis_record_bytes_total', 'counter', recordLabels, 'Bytes captured: UTF-8 bytes of the raw lines written (the frame text in its envelope), before compression.'),
  rec('chassis_record_lag_seconds', 'histogram', recordLabels, 'Capture time minus the venue event time of each frame that carries one, in seconds.'),
  rec('chassis_record_last_message_timestamp_seconds', 'gauge', recordLabels, 'Unix time (seconds) of the last frame captured; until the first frame, of the first connection event of the feed.'),
  rec('chassis_record_reconnects_total', 'counter', recordLabels, 'Reconnects scheduled after a connection closed, failed, went silent or was rate limited.'),
  rec('chassis_record_gaps_total', 'counter', recordLabels, 'Gaps recorded: data known missing (sequence break, disconnect, forced drop).'),
  rec('chassis_record_connection_events_total', 'counter', [...recordLabels, 'type'], 'Connection events by type (open, closed, silent, rate-limited, malformed, synced, gap, resync, ...).'),
  rec('chassis_record_buffer_fill_ratio', 'gauge', recordLabels, 'Buffered bytes over the buffer limit, 0..1; near 1 the disk is not keeping up.'),
  rec('chassis_record_dropped_messages_total', 'counter', recordLabels, 'Frames the writer had to drop because the buffer was full (each drop is also a recorded gap).'),
  rec('chassis_record_disk_free_bytes', 'gauge', ['component'], 'Bytes available to the recorder on the filesystem holding its spool directory.'),
  // Paper and live sessions (chassis paper | chassis live): one series set per session.
  live('chassis_live_signal_to_request_seconds', 'histogram', liveLabels, 'Wall time from the receipt of the event whose step dispatched a request (its tsLocal) to the runtime appending that RequestSent, before it is sent: the runtime\'s own latency.'),
  live('chassis_live_request_to_ack_seconds', 'histogram', [...liveLabels, 'type'], 'Wall time from appending a RequestSent to the receipt of the venue\'s first answer to it (accepted, rejected, filled, cancelled, replaced), by request type (new | replace | cancel).'),
  live('chassis_live_orders_total', 'counter', [...liveInstrumentLabels, 'type'], 'Requests sent to the venue by type (new | replace | cancel).'),
  live('chassis_live_fills_total', 'counter', liveInstrumentLabels, 'Fills received (partial and final).'),
  live('chassis_live_rejects_total', 'counter', [...liveInstrumentLabels, 'type'], 'Requests the venue rejected, by request type (new: order_rejected; replace | cancel: cancel_replace_rejected).'),
  live('chassis_live_position', 'gauge', liveInstrumentLabels, 'Net position in base units (contracts for inverse), from the session state (float analytics).'),
  live('chassis_live_pnl', 'gauge', [...liveInstrumentLabels, 'kind'], 'PnL in the settlement asset by kind: realized (net of fees) | unrealized (open position marked to mid).'),
  live('chassis_live_rate_limit_headroom_ratio', 'gauge', [...liveLabels, 'bucket'], 'Share of a venue rate-limit bucket still available, 0..1 (1 − used/limit, from the venue\'s X-MBX-* headers or the adapter\'s count).'),
  live('chassis_live_reconciliation_state', 'gauge', [...liveLabels, 'state'], 'Last reconciliation outcome: 1 for the current state (pending | matched | mismatch | resolved), 0 for the others; mismatch blocks new intents.'),
  live('chassis_live_feed_degraded', 'gauge', liveInstrumentLabels, '1 while the instrument\'s market feed is degraded (gap, silence, resync: no new quotes), else 0.'),
  live('chassis_live_kill_switch_engaged', 'gauge', liveLabels, '1 while the session\'s kill switch is engaged, else 0.'),
  live('chassis_live_strategy_paused', 'gauge', liveLabels, '1 while the strategy is paused by the operator (it is not evaluated; orders stay), else 0.'),
  live('chassis_live_control_refusals_total', 'counter', [...liveLabels, 'reason'], 'Control API requests refused, by reason (missing_token | wrong_token | unknown_path | method_not_allowed | malformed_request | body_too_large | session_refused | session_error).'),
  // Process.
  m('chassis_data_root_free_bytes', 'gauge', ['component', 'path'], 'Bytes available to this process on the filesystem holding the data root.'),
  m('chassis_data_root_size_bytes', 'gauge', ['component', 'path'], 'Total bytes of the filesystem holding the data root.'),
];

/** Metric families produced by prom-client's default collectors (process_*, nodejs_*). */
export const defaultMetricPrefixes: readonly string[] = ['process_', 'nodejs_'];

export function metricSpec(name: string): MetricSpec | undefined {
  return metricCatalog.find((s) => s.name === name);
}

/**
 * True if `series` (a name as it appears in PromQL, possibly with a histogram suffix) is a
 * catalog metric or a default process/nodejs metric.
 */
export function isExportedSeries(series: string): boolean {
  if (defaultMetricPrefixes.some((p) => series.startsWith(p))) return true;
  if (metricSpec(series)) return true;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (series.endsWith(suffix)) {
      const spec = metricSpec(series.slice(0, -suffix.length));
      if (spec?.type === 'histogram') return true;
    }
  }
  return false;
}
