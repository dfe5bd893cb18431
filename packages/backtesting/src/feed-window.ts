/**
 * The market data of a backtest seen from both clocks (README "Clock model"): the feeder yields
 * events in local-time (tsLocalNs) order; the exchange side needs them in exchange-time order.
 * The window reads the feed ahead just far enough to know both orders up to a time t, and no
 * further: every unread event has tsLocalNs ≥ the next unread one's, and its exchange time is at
 * most `feedWindowNs` before its tsLocalNs (exchange-clock.ts), so once the next unread event's
 * tsLocalNs − feedWindowNs is > t, nothing unread can come at or before t on either clock.
 * Memory: the events of about one feed window.
 *
 * Order inside each side: exchange side by (exchange time, feed order); local side feed order
 * (tsLocalNs, then the feeder's tie rule).
 */
import type { MarketEvent } from '@chassis/core';
import { TimedQueue } from '@chassis/venues';
import type { HistoricalFeeder } from './feeder.ts';
import { clampToFeedWindow, type ExchangeClock } from './exchange-clock.ts';

const NONE = -1n;
/** Compact the local queue once this many delivered events sit at its front. */
const LOCAL_COMPACT_AT = 4096;

export class FeedWindow {
  private readonly exchange = new TimedQueue<MarketEvent>();
  private readonly local: MarketEvent[] = [];
  private localHead = 0;
  private unread: MarketEvent | null = null;
  private feedDone = false;
  /** Events whose mapped exchange time was after their receipt (exchange time clamped to tsLocalNs). */
  clampedToReceipt = 0;
  /** Events received more than the feed window after their mapped exchange time (clamped to tsLocalNs − window). */
  clampedToWindow = 0;

  constructor(
    private readonly feeder: HistoricalFeeder,
    private readonly clock: ExchangeClock,
  ) {}

  /**
   * Reads events until none unread can have an exchange or local time ≤ the earliest of tNs
   * (the next time of everything outside the window: requests, answers, obligations; -1n for
   * none) and the window's own heads. Returns false when the feeder must be refilled first:
   * `await refill()` and call again.
   */
  readThrough(tNs: bigint): boolean {
    let t = earliest(earliest(tNs, this.exchange.peekTime()), this.localHeadNs());
    const windowNs = this.clock.feedWindowNs;
    for (;;) {
      if (this.unread === null && !this.feedDone) {
        this.unread = this.feeder.next();
        if (this.unread === null) {
          if (this.feeder.needsRefill) return false;
          this.feedDone = true;
        }
      }
      const e = this.unread;
      if (e === null) return true;
      if (t !== NONE && e.tsLocalNs - windowNs > t) return true;
      this.unread = null;
      const x = this.admit(e);
      if (t === NONE || x < t) t = x;
    }
  }

  refill(): Promise<void> {
    return this.feeder.refill();
  }

  private admit(e: MarketEvent): bigint {
    // exchangeTimeNs with the mapped time computed once (BigInt arithmetic allocates; this runs per market event).
    const mapped = e.tsEventNs + this.clock.offsetNs;
    const x = clampToFeedWindow(mapped, e.tsLocalNs, this.clock.feedWindowNs);
    if (x !== mapped) {
      if (mapped > e.tsLocalNs) this.clampedToReceipt++;
      else this.clampedToWindow++;
    }
    this.exchange.push(x, e);
    this.local.push(e);
    return x;
  }

  /** Exchange time (ns, local clock) of the next market event for the venue, or -1n. */
  exchangeHeadNs(): bigint {
    return this.exchange.peekTime();
  }

  popExchange(): MarketEvent {
    return this.exchange.pop()!;
  }

  /** tsLocalNs of the next market event for the core, or -1n. */
  localHeadNs(): bigint {
    return this.localHead < this.local.length ? this.local[this.localHead]!.tsLocalNs : NONE;
  }

  popLocal(): MarketEvent {
    const e = this.local[this.localHead++]!;
    if (this.localHead === this.local.length) {
      this.local.length = 0;
      this.localHead = 0;
    } else if (this.localHead > LOCAL_COMPACT_AT) {
      this.local.splice(0, this.localHead);
      this.localHead = 0;
    }
    return e;
  }

  /** No market event is left for the core (read or unread). The exchange side is then empty too: exchange time ≤ tsLocalNs, and the exchange goes first at equal times. */
  get drained(): boolean {
    return this.feedDone && this.unread === null && this.localHead === this.local.length;
  }
}

/** The earlier of two times, -1n meaning none. */
export function earliest(a: bigint, b: bigint): bigint {
  if (a === NONE) return b;
  if (b === NONE) return a;
  return a < b ? a : b;
}
