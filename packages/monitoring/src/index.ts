// Public API of @chassis/monitoring: metric catalog, probes (runtime side), registry and
// HTTP endpoint (exporter side), Pushgateway, readiness, event-loop yielding, local Prometheus.
export {
  metricCatalog,
  metricSpec,
  isExportedSeries,
  defaultMetricPrefixes,
  runLabels,
  instrumentLabels,
  sweepLabels,
  qualityLabels,
  recordLabels,
  runStates,
  sweepRunStatuses,
  qualityDatasetStates,
  stepDurationBucketsSeconds,
  recordLagBucketsSeconds,
  liveLabels,
  liveInstrumentLabels,
  liveLatencyBucketsSeconds,
  reconciliationStates,
} from './catalog.ts';
export type { MetricSpec, MetricType, RunState, SweepRunStatus, ReconciliationState } from './catalog.ts';
export {
  createRunProbe,
  instrumentProbe,
  recordBatch,
  recordDenial,
  setRunState,
  eventsPerSecond,
  createSweepProbe,
  recordSweepTransition,
  createQualityProbe,
  recordDatasetTransition,
} from './probes.ts';
export type { RunProbe, RunProbeLabels, InstrumentProbe, StepDurationHistogram, SweepProbe, SweepProbeLabels, QualityProbe, QualityProbeLabels } from './probes.ts';
export { feedRunProbe } from './run-stats-feed.ts';
export type { RunStatsLike } from './run-stats-feed.ts';
export { registerCatalogMetric, emitHistogram } from './computed-metric.ts';
export { BucketHistogram } from './bucket-histogram.ts';
export type { EmitSample, MetricLabels } from './computed-metric.ts';
export { MetricsRegistry, exportedMetricNames } from './metrics-registry.ts';
export type { MetricsRegistryOptions } from './metrics-registry.ts';
export { startMetricsServer } from './metrics-server.ts';
export type { MetricsServer, MetricsServerOptions } from './metrics-server.ts';
export { ReadinessChecks } from './readiness.ts';
export type { ReadinessCheck, ReadinessFlag, CheckOutcome } from './readiness.ts';
export { EventLoopYielder } from './event-loop-yielder.ts';
export type { EventLoopYielderOptions } from './event-loop-yielder.ts';
export { pushFinalMetrics } from './pushgateway.ts';
export type { PushOptions } from './pushgateway.ts';
export { monitoringOptionSpecs, parseMetricsPort, resolveMonitoringOptions, defaultMetricsPorts } from './monitoring-options.ts';
export type { MonitoringOptions, OptionSpec } from './monitoring-options.ts';
export { startMonitoring } from './monitoring-session.ts';
export type { Monitoring, StartMonitoringOptions } from './monitoring-session.ts';
export { startLocalPrometheus, findBinary } from './local-prometheus.ts';
export type { LocalPrometheus, LocalPrometheusOptions } from './local-prometheus.ts';
