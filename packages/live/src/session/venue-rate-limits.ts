/**
 * The venues' published rate limits, and the one core token bucket per venue that keeps a
 * session within all of them.
 *
 * A venue states several window limits (Binance USD-M: 2400 request weight a minute, 300 orders
 * in 10 s, 1200 orders a minute). The core's execution control has one token bucket per venue
 * scope (capacity C, `refillTokens` every `refillIntervalNs`). Work a bucket admits within any
 * window of length W is at most C + refillTokens × (⌊W / interval⌋ + 1) (the +1: the window may
 * catch one more refill at its start). So the bucket is derived as:
 * - each kind's weight = the largest weight any limit charges for it (a request never costs a
 *   limit more than it costs the bucket);
 * - sustained rate = 3/4 of the tightest limit's average rate (L / W), as one token every
 *   `refillIntervalNs` (rounded up: slower, never faster);
 * - capacity = the smallest L − (⌊W / interval⌋ + 1) over the limits: the burst that still leaves
 *   room for the refills of a whole window.
 * The remaining quarter of the rate is headroom for the venue's own counting (other sessions of
 * the key, clock skew between its windows and ours).
 */
import { ChassisError, type RateBucketConfig } from '@chassis/core';
import type { VenueId } from '@chassis/venues';
import type { RateLimit } from '../live-config.ts';

const all = (w: number) => ({ new: w, replace: w, cancel: w });

/**
 * Binance USD-M futures (exchangeInfo `rateLimits`, and the weights of the trade endpoints:
 * new order 0 IP weight + 1 on each order count; modify order (PUT) 1 + 1 + 1; cancel 1 IP weight,
 * no order count).
 */
const BINANCE_USDM: readonly RateLimit[] = [
  { name: 'request-weight-1m', limit: 2400, windowMs: 60_000, weights: { new: 0, replace: 1, cancel: 1 } },
  { name: 'orders-10s', limit: 300, windowMs: 10_000, weights: { new: 1, replace: 1, cancel: 0 } },
  { name: 'orders-1m', limit: 1200, windowMs: 60_000, weights: { new: 1, replace: 1, cancel: 0 } },
];

/** Binance COIN-M futures: 2400 weight and 1200 orders a minute. */
const BINANCE_COINM: readonly RateLimit[] = [
  { name: 'request-weight-1m', limit: 2400, windowMs: 60_000, weights: { new: 0, replace: 1, cancel: 1 } },
  { name: 'orders-1m', limit: 1200, windowMs: 60_000, weights: { new: 1, replace: 1, cancel: 0 } },
];

/** Binance spot: 6000 request weight a minute, 100 orders in 10 s (new and cancel-replace; cancel weight 1). */
const BINANCE_SPOT: readonly RateLimit[] = [
  { name: 'request-weight-1m', limit: 6000, windowMs: 60_000, weights: all(1) },
  { name: 'orders-10s', limit: 100, windowMs: 10_000, weights: { new: 1, replace: 1, cancel: 0 } },
];

/** Any other venue: a conservative 10 requests a second until its limits are written here or in live.yaml. */
const CONSERVATIVE: readonly RateLimit[] = [{ name: 'requests-1s', limit: 10, windowMs: 1000, weights: all(1) }];

const TABLE: Partial<Record<VenueId, readonly RateLimit[]>> = {
  'binance-usdm': BINANCE_USDM,
  'binance-coinm': BINANCE_COINM,
  'binance-spot': BINANCE_SPOT,
};

/** The venue's published limits (the live.yaml default of `executionControl.limits`). */
export function venueRateLimits(venue: VenueId): RateLimit[] {
  return (TABLE[venue] ?? CONSERVATIVE).map((l) => ({ ...l, weights: { ...l.weights } }));
}

const MS = 1_000_000n;

/** The core bucket (scope = the venue) that admits no sequence exceeding any of `limits` (module comment). */
export function bucketWithin(scope: string, limits: readonly RateLimit[]): RateBucketConfig {
  if (limits.length === 0)
    throw new ChassisError('E_LIVE_CONFIG', 'executionControl.limits: at least one limit is needed');
  const weights = {
    new: Math.max(...limits.map((l) => l.weights.new)),
    replace: Math.max(...limits.map((l) => l.weights.replace)),
    cancel: Math.max(...limits.map((l) => l.weights.cancel)),
  };
  // One token every W / (3/4 L), rounded up to a whole ns; the slowest of the limits wins.
  let intervalNs = 1n;
  for (const l of limits) {
    const ns = (BigInt(l.windowMs) * MS * 4n + 3n * BigInt(l.limit) - 1n) / (3n * BigInt(l.limit));
    if (ns > intervalNs) intervalNs = ns;
  }
  let capacity = Number.MAX_SAFE_INTEGER;
  for (const l of limits) {
    const refills = Number((BigInt(l.windowMs) * MS) / intervalNs) + 1;
    capacity = Math.min(capacity, l.limit - refills);
  }
  const heaviest = Math.max(weights.new, weights.replace, weights.cancel, 1);
  if (capacity < heaviest) {
    throw new ChassisError(
      'E_LIVE_CONFIG',
      `executionControl.limits: no token bucket fits them (burst ${capacity} < heaviest request ${heaviest}); give executionControl.rateBucket explicitly`,
    );
  }
  return { scope, capacity, refillTokens: 1, refillIntervalNs: intervalNs, weights };
}
