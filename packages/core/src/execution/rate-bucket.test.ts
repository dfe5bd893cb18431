import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RateBucketConfig } from '../config.ts';
import { RateBucket } from './rate-bucket.ts';

const SECOND = 1_000_000_000n;

function config(capacity: number, refillTokens: number, refillIntervalNs: bigint): RateBucketConfig {
  return { scope: 'venue', capacity, refillTokens, refillIntervalNs, weights: { new: 1, replace: 2, cancel: 3 } };
}

/**
 * The token bucket of SPEC.md §4 written out literally, one refill boundary at a time: full at
 * the first observation t0; at every t0 + k·interval (k = 1, 2, …) it gains refillTokens, capped
 * at capacity; a take at time t happens after every boundary ≤ t. Slow and plain on purpose.
 */
class ReferenceBucket {
  private t0 = -1n;
  private boundaries = 0n;
  tokens: number;
  constructor(private readonly c: RateBucketConfig) {
    this.tokens = c.capacity;
  }

  copy(): ReferenceBucket {
    const r = new ReferenceBucket(this.c);
    r.t0 = this.t0;
    r.boundaries = this.boundaries;
    r.tokens = this.tokens;
    return r;
  }

  /** Applies every boundary up to `t`. */
  advance(t: bigint): void {
    if (this.t0 < 0n) this.t0 = t;
    while (this.t0 + (this.boundaries + 1n) * this.c.refillIntervalNs <= t) {
      this.boundaries++;
      this.tokens = Math.min(this.c.capacity, this.tokens + this.c.refillTokens);
    }
  }

  /** Start of the interval containing `t` (t0 before the first boundary). */
  intervalStart(): bigint {
    return this.t0 + this.boundaries * this.c.refillIntervalNs;
  }

  take(t: bigint, weight: number): boolean {
    this.advance(t);
    if (this.tokens < weight) return false;
    this.tokens -= weight;
    return true;
  }

  /** The first boundary time ≥ now at which `weight` tokens are there, counting boundaries one by one. */
  due(weight: number): bigint {
    let tokens = this.tokens;
    let k = this.boundaries;
    while (tokens < weight) {
      k++;
      tokens = Math.min(this.c.capacity, tokens + this.c.refillTokens);
    }
    return this.t0 + k * this.c.refillIntervalNs;
  }
}

describe('RateBucket, hand-computed cases (capacity 5, +2 tokens every second)', () => {
  const c = config(5, 2, SECOND);

  it('starts full at its first observation, even when that observation is at tsLocal 0', () => {
    const b = new RateBucket(c);
    b.refill(0n);
    expect(b.anchorNs).toBe(0n);
    expect(b.tokens).toBe(5);
    b.refill(SECOND - 1n);
    expect(b.anchorNs).toBe(0n);
  });

  it('gains refillTokens at each whole interval since the anchor and moves the anchor to that boundary', () => {
    const b = new RateBucket(c);
    b.refill(10n * SECOND);
    expect(b.tryTake(5)).toBe(true);
    b.refill(10n * SECOND + SECOND - 1n);
    expect(b.tokens).toBe(0);
    b.refill(11n * SECOND + 500n);
    expect(b.tokens).toBe(2);
    expect(b.anchorNs).toBe(11n * SECOND);
    b.refill(13n * SECOND);
    expect(b.tokens).toBe(5); // 2 + 2·2 = 6, capped at 5
    expect(b.anchorNs).toBe(13n * SECOND);
  });

  it('does not move backwards or refill for a time at or before its anchor', () => {
    const b = new RateBucket(c);
    b.refill(10n * SECOND);
    b.tryTake(4);
    b.refill(8n * SECOND);
    expect(b.tokens).toBe(1);
    expect(b.anchorNs).toBe(10n * SECOND);
    b.refill(10n * SECOND);
    expect(b.tokens).toBe(1);
    expect(b.anchorNs).toBe(10n * SECOND);
  });

  it('takes only when the whole weight is there, and then exactly the weight', () => {
    const b = new RateBucket(c);
    b.refill(0n);
    expect(b.tryTake(3)).toBe(true);
    expect(b.tokens).toBe(2);
    expect(b.tryTake(3)).toBe(false);
    expect(b.tokens).toBe(2);
    expect(b.tryTake(2)).toBe(true);
    expect(b.tokens).toBe(0);
  });

  it('is due now when the weight is already there', () => {
    const b = new RateBucket(c);
    b.refill(7n * SECOND);
    expect(b.dueNs(5)).toBe(7n * SECOND);
    b.tryTake(2);
    expect(b.dueNs(3)).toBe(7n * SECOND);
  });

  it('is due ceil(deficit / refillTokens) intervals after the anchor when tokens are missing', () => {
    const b = new RateBucket(c);
    b.refill(7n * SECOND + 300n); // anchor 7 s + 300 ns
    b.tryTake(5); // 0 left
    expect(b.dueNs(1)).toBe(8n * SECOND + 300n); // deficit 1 → 1 interval
    expect(b.dueNs(2)).toBe(8n * SECOND + 300n); // deficit 2 → 1 interval
    expect(b.dueNs(3)).toBe(9n * SECOND + 300n); // deficit 3 → 2 intervals
    expect(b.dueNs(5)).toBe(10n * SECOND + 300n); // deficit 5 → 3 intervals
    b.refill(8n * SECOND + 300n); // 2 tokens now
    expect(b.dueNs(3)).toBe(9n * SECOND + 300n); // deficit 1 → 1 interval
  });

  it('reads tokens and the interval start at a later time without changing itself', () => {
    const b = new RateBucket(c);
    b.refill(SECOND);
    b.tryTake(5);
    expect(b.tokensAt(SECOND)).toBe(0);
    expect(b.tokensAt(2n * SECOND - 1n)).toBe(0);
    expect(b.tokensAt(2n * SECOND)).toBe(2);
    expect(b.tokensAt(3n * SECOND + 1n)).toBe(4);
    expect(b.tokensAt(100n * SECOND)).toBe(5);
    expect(b.anchorAt(SECOND)).toBe(SECOND);
    expect(b.anchorAt(SECOND / 2n)).toBe(SECOND);
    expect(b.tokensAt(0n)).toBe(0); // before the anchor: what it has now, never fewer
    expect(b.anchorAt(0n)).toBe(SECOND); // and its anchor, never an earlier one
    expect(b.anchorAt(3n * SECOND + 1n)).toBe(3n * SECOND);
    expect(b.tokens).toBe(0);
    expect(b.anchorNs).toBe(SECOND);
  });

  it('reads refilled tokens after an anchor at tsLocal 0', () => {
    const b = new RateBucket(c);
    b.refill(0n);
    b.tryTake(5);
    expect(b.tokensAt(SECOND)).toBe(2);
    expect(b.anchorAt(SECOND)).toBe(SECOND);
  });

  it('reads capacity tokens and no anchor before its first observation', () => {
    const b = new RateBucket(c);
    expect(b.tokensAt(5n * SECOND)).toBe(5);
    expect(b.anchorAt(5n * SECOND)).toBe(-1n);
  });

  it('prices each request kind by its configured weight', () => {
    const b = new RateBucket(c);
    expect([b.weight('new'), b.weight('replace'), b.weight('cancel')]).toEqual([1, 2, 3]);
  });
});

describe('RateBucket against the boundary-by-boundary reference', () => {
  const configs = fc.record({
    capacity: fc.integer({ min: 1, max: 12 }),
    refillTokens: fc.integer({ min: 1, max: 5 }),
    intervalNs: fc.bigInt({ min: 1n, max: 1_000n }),
  });
  const ops = fc.array(
    fc.record({ advanceNs: fc.bigInt({ min: 0n, max: 5_000n }), weight: fc.integer({ min: 0, max: 6 }) }),
    { maxLength: 40 },
  );

  it('has the same tokens, interval start and due times after any sequence of timed takes', () => {
    fc.assert(
      fc.property(
        configs,
        fc.bigInt({ min: 0n, max: 10_000n }),
        ops,
        ({ capacity, refillTokens, intervalNs }, startNs, steps) => {
          const c = config(capacity, refillTokens, intervalNs);
          const bucket = new RateBucket(c);
          const ref = new ReferenceBucket(c);
          let t = startNs;
          for (const { advanceNs, weight } of steps) {
            t += advanceNs;
            // a read at t must agree with the reference before the bucket itself is brought to t
            const peek = ref.copy();
            peek.advance(t);
            if (bucket.anchorNs >= 0n) {
              expect(bucket.tokensAt(t)).toBe(peek.tokens);
              expect(bucket.anchorAt(t)).toBe(peek.intervalStart());
            }
            bucket.refill(t);
            expect(bucket.tryTake(weight)).toBe(ref.take(t, weight));
            expect(bucket.tokens).toBe(ref.tokens);
            expect(bucket.anchorNs).toBe(ref.intervalStart());
            if (weight <= capacity) expect(bucket.dueNs(weight)).toBe(ref.due(weight));
          }
        },
      ),
    );
  });

  it('gains nothing from being brought to intermediate times (lazy refill equals step-by-step refill)', () => {
    fc.assert(
      fc.property(
        configs,
        fc.array(fc.bigInt({ min: 0n, max: 3_000n }), { minLength: 1, maxLength: 20 }),
        ({ capacity, refillTokens, intervalNs }, gaps) => {
          const c = config(capacity, refillTokens, intervalNs);
          const stepwise = new RateBucket(c);
          const once = new RateBucket(c);
          stepwise.refill(0n);
          once.refill(0n);
          stepwise.tryTake(capacity);
          once.tryTake(capacity);
          let t = 0n;
          for (const g of gaps) {
            t += g;
            stepwise.refill(t);
          }
          once.refill(t);
          expect(once.tokens).toBe(stepwise.tokens);
          expect(once.anchorNs).toBe(stepwise.anchorNs);
        },
      ),
    );
  });
});
