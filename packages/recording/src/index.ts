// Public API of @chassis/recording: the Data Recording stack (SPEC.md §6).
export type { RecordingMetrics } from './recording-metrics.ts';
export { createRecordingLog, logConnectionEvent, type RecordingLog, type LogFormat } from './recording-log.ts';
export { FeedRecorder, type FeedRecorderOptions } from './feed-recorder.ts';
export { recoverOpenWindows, type RecoveredWindow, type RecoverOptions } from './window-recovery.ts';
export { MonotonicCaptureClock, type CaptureClockSources } from './capture-clock.ts';
export { openWindowSchema, type OpenWindowState } from './open-window.ts';
export { windowName, windowStartOf, OPEN_FILE, MANIFEST_FILE } from './window-layout.ts';
export { nodeRecordingFs, type RecordingFileSystem, type WritableFile } from './recording-fs.ts';
export { createRecordingMetrics, readDiskFreeBytes, type RecordingMetricsOptions } from './recording-metrics.ts';
export {
  loadRecorderConfig,
  parseRecorderConfig,
  recorderConfigFromFlags,
  recorderConfigSchema,
  parseWindow,
  DEFAULT_WINDOW,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_BUFFER_LIMIT_BYTES,
  type RecorderConfig,
  type RecorderFeed,
  type RecordFlags,
} from './recorder-config.ts';
export { Recorder, stopOnSignals, newSessionId, type RecorderOptions, type RecorderParts, type FeedWriter, type SignalSource } from './recorder.ts';
export { recorderParts } from './recorder-parts.ts';
export { recordStatus, recordStatusJson, formatRecordStatus, STALE_HEARTBEAT_NS, type WindowStatus, type Liveness, type RecordStatusOptions } from './record-status.ts';
