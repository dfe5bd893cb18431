/**
 * The venue's market clock: publishes the timeline's entries in order, either at a real-time
 * factor of their capture times (speed 10 = ten times faster than captured) or as fast as the
 * sockets drain ('max'), or one step at a time under test control ('manual').
 * The market moves whether or not anyone listens, as a venue's does: a client that is
 * disconnected misses what was published meanwhile (that is what makes a drop a real gap).
 */
import type { TimelineEntry } from './capture-timeline.ts';

export type ReplaySpeed = number | 'max' | 'manual';

export interface ReplayOptions {
  readonly speed: ReplaySpeed;
  /** Called for each entry in order. */
  readonly publish: (entry: TimelineEntry, index: number) => void;
  /** Bytes queued on the slowest connection; the 'max' replay waits while it is above the limit. */
  readonly backlogBytes: () => number;
  /** Called once after the last entry. */
  readonly onEnd: () => void;
}

/** Entries published per turn of the event loop at 'max' speed. */
const MAX_SPEED_BATCH = 2048;
/** Queued bytes per connection above which the 'max' replay pauses (1 MiB). */
const MAX_BACKLOG_BYTES = 1 << 20;

export class Replay {
  private next = 0;
  private started = false;
  private paused = false;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  /** Wall time (ms) at which entry `anchorIndex` is due. */
  private anchorWallMs = 0;
  private anchorIndex = 0;

  constructor(
    private readonly entries: readonly TimelineEntry[],
    private readonly options: ReplayOptions,
  ) {}

  /** Entries published so far. */
  get published(): number {
    return this.next;
  }

  get finished(): boolean {
    return this.next >= this.entries.length;
  }

  get isStarted(): boolean {
    return this.started;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.anchor();
    this.schedule();
  }

  pause(): void {
    this.paused = true;
    this.clearTimer();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.anchor();
    if (this.started) this.schedule();
  }

  /** Publishes the next n entries now (any speed); returns how many were published. */
  step(n: number): number {
    const end = Math.min(this.entries.length, this.next + n);
    const count = end - this.next;
    while (this.next < end) this.publishNext();
    return count;
  }

  stop(): void {
    this.paused = true;
    this.clearTimer();
  }

  private anchor(): void {
    this.anchorIndex = this.next;
    this.anchorWallMs = performance.now();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private publishNext(): void {
    const i = this.next++;
    this.options.publish(this.entries[i]!, i);
    if (this.next === this.entries.length) this.options.onEnd();
  }

  private schedule(): void {
    const { speed } = this.options;
    if (this.paused || this.finished || speed === 'manual') return;
    if (speed === 'max') {
      // setImmediate lets socket I/O run between batches without setTimeout's 1 ms floor.
      if (this.options.backlogBytes() > MAX_BACKLOG_BYTES) this.timer = setTimeout(() => this.runMax(), 1);
      else this.immediate = setImmediate(() => this.runMax());
      return;
    }
    this.timer = setTimeout(() => this.runTimed(speed), Math.max(0, this.dueWallMs(this.next, speed) - performance.now()));
  }

  private dueWallMs(index: number, speed: number): number {
    const base = this.entries[this.anchorIndex]!.tsNs;
    const offsetMs = Number(this.entries[index]!.tsNs - base) / 1e6 / speed;
    return this.anchorWallMs + Math.max(0, offsetMs);
  }

  private runTimed(speed: number): void {
    this.timer = null;
    const now = performance.now();
    while (!this.paused && !this.finished && this.dueWallMs(this.next, speed) <= now) this.publishNext();
    this.schedule();
  }

  private runMax(): void {
    this.timer = null;
    this.immediate = null;
    if (this.options.backlogBytes() <= MAX_BACKLOG_BYTES) {
      for (let k = 0; k < MAX_SPEED_BATCH && !this.paused && !this.finished; k++) this.publishNext();
    }
    this.schedule();
  }
}
