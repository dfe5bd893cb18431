/**
 * How the exchange clock relates to the local clock in a backtest (README "Clock model").
 *
 * The whole timeline runs on ONE clock: the local clock of the recorder (`tsLocalNs`). The
 * venue's clock is mapped onto it: an exchange time `tsEventNs` happened at local time
 * `tsEventNs + offsetNs`, where `offsetNs` = recorder clock − venue clock (configuration, 0 for
 * an NTP-synchronised recorder or a Tardis file; only offset + feed latency is observable in
 * data, so it is not estimated). A market event's exchange-side time is that mapped time held
 * inside its feed-latency window:
 *
 *     exchangeNs = clamp(tsEventNs + offsetNs, tsLocalNs − feedWindowNs, tsLocalNs)
 *
 * - ≤ tsLocalNs: the venue never learns of a change after we do (feed latency ≥ 0), so a
 *   request caused by a market event always reaches the venue after that event;
 * - ≥ tsLocalNs − feedWindowNs: no event is more than the window late, which bounds how far the
 *   timeline reads ahead to put market events into exchange-time order.
 * Valid data never needs the clamp (feed latency between 0 and the window); data that does is
 * still simulated, and the clamps are counted.
 */
export interface ExchangeClock {
  /** Recorder clock minus venue clock (ns); exchange time + offset = local time. May be negative. */
  readonly offsetNs: bigint;
  /** Largest feed latency (local receipt − mapped exchange time, ns) the reorder window covers; > 0. */
  readonly feedWindowNs: bigint;
}

/** Default window: 5 s, beyond the ~1 s feed-latency spikes seen in real captures. */
export const DEFAULT_FEED_WINDOW_NS = 5_000_000_000n;

export const SYNCHRONISED_CLOCK: ExchangeClock = { offsetNs: 0n, feedWindowNs: DEFAULT_FEED_WINDOW_NS };

/** The exchange-side time (ns, local clock) of a market event; see the header. */
export function exchangeTimeNs(tsEventNs: bigint, tsLocalNs: bigint, clock: ExchangeClock): bigint {
  return clampToFeedWindow(tsEventNs + clock.offsetNs, tsLocalNs, clock.feedWindowNs);
}

/** `mappedNs` (tsEventNs + offset) held inside [tsLocalNs − feedWindowNs, tsLocalNs]. */
export function clampToFeedWindow(mappedNs: bigint, tsLocalNs: bigint, feedWindowNs: bigint): bigint {
  if (mappedNs > tsLocalNs) return tsLocalNs;
  const earliest = tsLocalNs - feedWindowNs;
  return mappedNs < earliest ? earliest : mappedNs;
}

export function checkExchangeClock(clock: ExchangeClock): void {
  if (clock.feedWindowNs <= 0n) throw new RangeError(`timeline: feedWindowNs must be > 0, got ${clock.feedWindowNs}`);
}
