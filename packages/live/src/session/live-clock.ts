/**
 * The live runtime's clocks (contracts.ts LiveClock, Scheduler).
 *
 * WallClock: nanoseconds since the Unix epoch from the wall clock read once at start, advanced
 * by the monotonic high-resolution clock (process.hrtime), so it has ns resolution and never
 * jumps with NTP slews or a wall-clock step. It never goes backwards and never repeats a value
 * below `notBeforeNs` (a resumed session continues after the last tsLocal of its journal even if
 * the machine's clock is now behind it).
 *
 * TimerScheduler: one-shot node timers at a wall-clock time of that clock.
 */
import type { LiveClock, Scheduler, TimerHandle } from '../contracts.ts';

export class WallClock implements LiveClock {
  private readonly epochAtStartNs: bigint;
  private readonly hrAtStartNs: bigint;
  private lastNs: bigint;

  constructor(options: { notBeforeNs?: bigint; epochMs?: () => number; hrtimeNs?: () => bigint } = {}) {
    this.hrtime = options.hrtimeNs ?? process.hrtime.bigint;
    this.epochAtStartNs = BigInt((options.epochMs ?? Date.now)()) * 1_000_000n;
    this.hrAtStartNs = this.hrtime();
    this.lastNs = options.notBeforeNs ?? 0n;
  }

  private readonly hrtime: () => bigint;

  nowNs(): bigint {
    const now = this.epochAtStartNs + (this.hrtime() - this.hrAtStartNs);
    if (now > this.lastNs) this.lastNs = now;
    return this.lastNs;
  }
}

export class TimerScheduler implements Scheduler {
  constructor(private readonly clock: LiveClock) {}

  at(atNs: bigint, fn: () => void): TimerHandle {
    const waitNs = atNs - this.clock.nowNs();
    // setTimeout has ms resolution and may fire up to 1 ms early against our ns clock: round up.
    const waitMs = waitNs <= 0n ? 0 : Number((waitNs + 999_999n) / 1_000_000n);
    const t = setTimeout(fn, waitMs);
    return { cancel: () => clearTimeout(t) };
  }
}
