import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RateBucketConfig, RequestKind } from '@chassis/core';
import { bucketWithin, venueRateLimits } from './venue-rate-limits.ts';
import type { RateLimit } from '../live-config.ts';

/**
 * The core's token bucket as its contract states it (core config.ts, rate-bucket.ts): full at the
 * first observation, `refillTokens` for every whole interval since, capped at capacity.
 */
function bucketModel(c: RateBucketConfig) {
  let tokens = c.capacity;
  let anchor = -1n;
  return (atNs: bigint, kind: RequestKind): boolean => {
    if (anchor < 0n) anchor = atNs;
    const steps = (atNs - anchor) / c.refillIntervalNs;
    if (steps > 0n) {
      anchor += steps * c.refillIntervalNs;
      tokens = Math.min(c.capacity, tokens + Number(steps > 1_000_000n ? 1_000_000n : steps) * c.refillTokens);
    }
    if (tokens < c.weights[kind]) return false;
    tokens -= c.weights[kind];
    return true;
  };
}

/** The largest weight of one limit inside any window of its length over the sent requests (two pointers). */
function worstWindow(sent: readonly { atNs: bigint; kind: RequestKind }[], l: RateLimit): number {
  const w = BigInt(l.windowMs) * 1_000_000n;
  let worst = 0;
  let sum = 0;
  for (let i = 0, j = 0; j < sent.length; j++) {
    sum += l.weights[sent[j]!.kind];
    while (sent[j]!.atNs - sent[i]!.atNs >= w) sum -= l.weights[sent[i++]!.kind];
    worst = Math.max(worst, sum);
  }
  return worst;
}

type Attempt = readonly [gapNs: number, kind: RequestKind];

/** The requests the bucket lets through, at their times. */
function admitted(b: RateBucketConfig, attempts: readonly Attempt[]): { atNs: bigint; kind: RequestKind }[] {
  const admit = bucketModel(b);
  const sent: { atNs: bigint; kind: RequestKind }[] = [];
  let t = 0n;
  for (const [gap, k] of attempts) {
    t += BigInt(gap);
    if (admit(t, k)) sent.push({ atNs: t, kind: k });
  }
  return sent;
}

describe("one core bucket within a venue's window limits", () => {
  it('binance-usdm: one token every 66.67 ms (15 orders/s, 3/4 of 1200/min) and a burst of 150 (300/10 s minus a window of refills)', () => {
    const b = bucketWithin('binance-usdm', venueRateLimits('binance-usdm'));
    expect(b).toEqual({
      scope: 'binance-usdm',
      capacity: 150,
      refillTokens: 1,
      refillIntervalNs: 66_666_667n,
      weights: { new: 1, replace: 1, cancel: 1 },
    });
  });

  it('no sequence of requests the bucket admits exceeds any window limit (binance-usdm, request storms)', () => {
    const limits = venueRateLimits('binance-usdm');
    const b = bucketWithin('binance-usdm', limits);
    // Mostly orders: cancels cost the bucket but no order count, so a cancel-heavy storm hides an order-count excess.
    const kind = fc.oneof(
      { arbitrary: fc.constant<RequestKind>('new'), weight: 20 },
      { arbitrary: fc.constantFrom<RequestKind>('replace', 'cancel'), weight: 1 },
    );
    // Mostly faster than the bucket refills (it saturates: the worst case), with pauses that refill the burst.
    const gapNs = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 20_000_000 }), weight: 500 },
      { arbitrary: fc.integer({ min: 0, max: 20_000_000_000 }), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(gapNs, kind), { minLength: 1000, maxLength: 2000 }), (attempts) => {
        const sent = admitted(b, attempts);
        for (const l of limits) expect(worstWindow(sent, l)).toBeLessThanOrEqual(l.limit);
      }),
      { numRuns: 30, endOnFailure: true },
    );
  });

  it('random limit sets: admitted traffic stays within each of them', () => {
    const limit = fc.record({
      name: fc.constant('l'),
      limit: fc.integer({ min: 20, max: 400 }),
      windowMs: fc.integer({ min: 100, max: 5000 }),
      weights: fc.record({
        new: fc.integer({ min: 0, max: 2 }),
        replace: fc.integer({ min: 0, max: 2 }),
        cancel: fc.integer({ min: 0, max: 2 }),
      }),
    });
    fc.assert(
      fc.property(
        fc.array(limit, { minLength: 1, maxLength: 3 }),
        fc.array(
          fc.tuple(
            fc.oneof(
              { arbitrary: fc.integer({ min: 0, max: 2_000_000 }), weight: 100 },
              { arbitrary: fc.integer({ min: 0, max: 5_000_000_000 }), weight: 1 },
            ),
            fc.constantFrom<RequestKind>('new', 'replace', 'cancel'),
          ),
          { minLength: 100, maxLength: 600 },
        ),
        (limits, attempts) => {
          let b: RateBucketConfig;
          try {
            b = bucketWithin('v', limits);
          } catch {
            return; // refused explicitly: no bucket fits
          }
          const sent = admitted(b, attempts);
          for (const l of limits) expect(worstWindow(sent, l)).toBeLessThanOrEqual(l.limit);
        },
      ),
      { numRuns: 100, endOnFailure: true },
    );
  });

  it('a venue without a table entry gets a conservative 10 requests a second', () => {
    expect(venueRateLimits('kraken')).toEqual([
      { name: 'requests-1s', limit: 10, windowMs: 1000, weights: { new: 1, replace: 1, cancel: 1 } },
    ]);
  });
});
