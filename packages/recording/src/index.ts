// Public API of @chassis/recording: the Data Recording stack (SPEC.md §6).
export type { RecordingMetrics } from './recording-metrics.ts';
export type { RecordingLog } from './recording-log.ts';
export { FeedRecorder, type FeedRecorderOptions } from './feed-recorder.ts';
export { recoverOpenWindows, type RecoveredWindow, type RecoverOptions } from './window-recovery.ts';
export { MonotonicCaptureClock, type CaptureClockSources } from './capture-clock.ts';
export { openWindowSchema, type OpenWindowState } from './open-window.ts';
export { windowName, windowStartOf, OPEN_FILE, MANIFEST_FILE } from './window-layout.ts';
export { nodeRecordingFs, type RecordingFileSystem, type WritableFile } from './recording-fs.ts';
export { createRecordingMetrics, readDiskFreeBytes, type RecordingMetricsOptions } from './recording-metrics.ts';
