/**
 * The real parts `chassis record` assembles: the venue connectors of @chassis/venues, this
 * package's FeedRecorder, its crash recovery and capture clock, and the prom-client metrics.
 */
import { createFeedConnector } from '@chassis/venues';
import { MonotonicCaptureClock } from './capture-clock.ts';
import { FeedRecorder } from './feed-recorder.ts';
import { createRecordingMetrics } from './recording-metrics.ts';
import type { RecorderParts } from './recorder.ts';
import { recoverOpenWindows } from './window-recovery.ts';

export function recorderParts(): RecorderParts {
  return {
    clock: () => new MonotonicCaptureClock(),
    openFeed: (o) => new FeedRecorder(o),
    connect: createFeedConnector,
    recoverOpenWindows,
    createMetrics: (registry) => createRecordingMetrics(registry),
  };
}
