// Public API of @chassis/recording: the Data Recording stack (SPEC.md §6).
export type { RecordingMetrics } from './recording-metrics.ts';
export type { RecordingLog } from './recording-log.ts';
export { createRecordingMetrics, readDiskFreeBytes, type RecordingMetricsOptions } from './recording-metrics.ts';
