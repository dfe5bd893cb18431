/**
 * A clock and scheduler that move only when told (tests, simulations of a session): timers run
 * in order of their time, then of their creation, each with the clock set to its time; a timer
 * set in the past runs at the current time (the clock never goes back).
 */
import type { LiveClock, Scheduler, TimerHandle } from '../contracts.ts';

interface Timer {
  readonly atNs: bigint;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class ManualScheduler implements Scheduler, LiveClock {
  private current: bigint;
  private readonly timers: Timer[] = [];
  private created = 0;

  constructor(startNs: bigint) {
    this.current = startNs;
  }

  nowNs(): bigint {
    return this.current;
  }

  at(atNs: bigint, fn: () => void): TimerHandle {
    const timer: Timer = {
      atNs: atNs > this.current ? atNs : this.current,
      order: this.created++,
      fn,
      cancelled: false,
    };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Time of the earliest timer still to run, or null. */
  nextDueNs(): bigint | null {
    return this.next()?.atNs ?? null;
  }

  /**
   * Runs every timer due before `untilNs` (`inclusive`: at or before), including those the
   * timers set meanwhile, then sets the clock to `untilNs`.
   */
  advanceTo(untilNs: bigint, inclusive = false): void {
    for (;;) {
      const t = this.next();
      if (t === undefined || t.atNs > untilNs || (!inclusive && t.atNs === untilNs)) break;
      this.timers.splice(this.timers.indexOf(t), 1);
      if (t.atNs > this.current) this.current = t.atNs;
      t.fn();
    }
    if (untilNs > this.current) this.current = untilNs;
  }

  private next(): Timer | undefined {
    let best: Timer | undefined;
    for (let i = this.timers.length - 1; i >= 0; i--) {
      const t = this.timers[i]!;
      if (t.cancelled) {
        this.timers.splice(i, 1);
        continue;
      }
      if (best === undefined || t.atNs < best.atNs || (t.atNs === best.atNs && t.order < best.order)) best = t;
    }
    return best;
  }
}
