/**
 * Keeping `/metrics` answerable during CPU-bound work. A backtest loop is synchronous; while
 * it runs, no socket is served. The runtime therefore yields to the event loop between
 * batches — `await setImmediate()` lets pending I/O callbacks (an HTTP scrape) run before the
 * loop continues. Yielding every batch would cost a macrotask per batch (~µs); this yields
 * after `everyBatches` batches or `maxBusyMs` of wall time, whichever comes first, so a scrape
 * waits at most about `maxBusyMs` plus one batch.
 *
 *   const yielder = new EventLoopYielder();
 *   for (const batch of batches) {
 *     processBatch(batch);                       // synchronous, deterministic
 *     if (yielder.due()) await yielder.yield();  // I/O (scrapes) may run here
 *   }
 *
 * Yielding never changes results: the core sees the same events in the same order.
 */
import { setImmediate as immediate } from 'node:timers/promises';

export interface EventLoopYielderOptions {
  /** Yield at least every this many batches (default 64). */
  readonly everyBatches?: number;
  /** Yield when this much wall time (ms) passed since the last yield (default 50). */
  readonly maxBusyMs?: number;
}

export class EventLoopYielder {
  private readonly everyBatches: number;
  private readonly maxBusyMs: number;
  private batches = 0;
  private lastYieldMs = performance.now();
  /** Number of yields so far (observability for tests and benchmarks). */
  yields = 0;

  constructor(options: EventLoopYielderOptions = {}) {
    this.everyBatches = Math.max(1, options.everyBatches ?? 64);
    this.maxBusyMs = Math.max(0, options.maxBusyMs ?? 50);
  }

  /** Counts one batch; true when the caller should `await yield()`. */
  due(): boolean {
    this.batches++;
    if (this.batches >= this.everyBatches) return true;
    return performance.now() - this.lastYieldMs >= this.maxBusyMs;
  }

  /** Lets pending I/O run, then resumes. */
  async yield(): Promise<void> {
    await immediate();
    this.batches = 0;
    this.yields++;
    this.lastYieldMs = performance.now();
  }
}
