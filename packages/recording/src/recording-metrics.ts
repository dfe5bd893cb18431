/**
 * What the recorder reports to Prometheus. The writer and the process call this interface; the
 * prom-client implementation registers the `chassis_record_*` metrics of the monitoring catalog.
 */
import type { ConnectionEventType } from '@chassis/venues';

export interface RecordingMetrics {
  /** One frame captured; lagMs = capture time − venue event time, null when the frame carries none. */
  frame(venue: string, feed: string, bytes: number, lagMs: number | null): void;
  connectionEvent(venue: string, feed: string, type: ConnectionEventType): void;
  /** Buffered bytes / buffer limit, 0…1. */
  bufferFill(venue: string, feed: string, ratio: number): void;
  diskFreeBytes(bytes: number): void;
  /** Messages the writer had to drop (each drop is also a recorded gap). */
  dropped(venue: string, feed: string, messages: number): void;
}
