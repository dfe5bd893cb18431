// Public API of @chassis/recording: the Data Recording stack (SPEC.md §6).
export type { RecordingMetrics } from './recording-metrics.ts';
export { createRecordingLog, logConnectionEvent, type RecordingLog, type LogFormat } from './recording-log.ts';
export {
  loadRecorderConfig,
  parseRecorderConfig,
  recorderConfigFromFlags,
  recorderConfigSchema,
  parseWindow,
  defaultFeedName,
  DEFAULT_WINDOW,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_BUFFER_LIMIT_BYTES,
  type RecorderConfig,
  type RecorderFeed,
  type RecordFlags,
} from './recorder-config.ts';
export { Recorder, stopOnSignals, newSessionId, type RecorderOptions, type RecorderParts, type FeedWriter, type FeedWriterOptions, type SignalSource } from './recorder.ts';
export { recorderParts } from './recorder-parts.ts';
export { recordStatus, recordStatusJson, formatRecordStatus, STALE_HEARTBEAT_NS, type WindowStatus, type Liveness, type RecordStatusOptions } from './record-status.ts';
