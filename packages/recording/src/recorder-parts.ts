/**
 * The real parts `chassis record` assembles: the venue connectors of @chassis/venues, this
 * package's FeedRecorder, crash recovery and capture clock, and the prom-client metrics.
 */
import { ChassisError } from '@chassis/core';
import type { RecorderParts } from './recorder.ts';

// Seam: the connectors (part A) and the writer (part B) are not on main yet.
export function recorderParts(): RecorderParts {
  throw new ChassisError('E_RECORDER_UNAVAILABLE', 'this build has no venue connectors or feed writer yet');
}
