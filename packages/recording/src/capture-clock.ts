/**
 * The recorder's capture clock: integer nanoseconds since the Unix epoch, read from the
 * monotonic clock (process.hrtime.bigint) and anchored once to wall time (Date.now) at start.
 * Wall time may step (NTP, a user setting the clock); capture times must not: they order the
 * raw lines and become tsLocal in replay. So the wall clock is read exactly once, and every
 * later reading is the anchor plus monotonic elapsed time. The offset from true wall time
 * therefore drifts with the monotonic clock's rate error (ppm) for the life of the process —
 * a recorder restarted daily re-anchors daily.
 */
import type { CaptureClock } from '@chassis/venues';

export interface CaptureClockSources {
  /** Monotonic ns with an arbitrary origin (default process.hrtime.bigint). */
  readonly monotonicNs?: () => bigint;
  /** Wall time in ms since the epoch (default Date.now), read once at construction. */
  readonly wallMs?: () => number;
}

export class MonotonicCaptureClock implements CaptureClock {
  /** Wall time at the anchor, ns since the epoch. */
  readonly anchorWallNs: bigint;
  private readonly anchorMonoNs: bigint;
  private readonly monotonicNs: () => bigint;
  private lastNs: bigint;

  constructor(sources: CaptureClockSources = {}) {
    this.monotonicNs = sources.monotonicNs ?? process.hrtime.bigint;
    const wallMs = (sources.wallMs ?? Date.now)();
    this.anchorMonoNs = this.monotonicNs();
    this.anchorWallNs = BigInt(Math.trunc(wallMs)) * 1_000_000n;
    this.lastNs = this.anchorWallNs;
  }

  /** Capture time now, ns since the epoch; never less than any earlier reading. */
  nowNs(): bigint {
    const t = this.anchorWallNs + (this.monotonicNs() - this.anchorMonoNs);
    // hrtime is monotonic by contract; the clamp makes that a property of this clock too.
    if (t > this.lastNs) this.lastNs = t;
    return this.lastNs;
  }
}
