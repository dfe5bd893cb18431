import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, gapBuckets, timeGrid } from './time-grid.ts';

describe('the time grid of a dataset report', () => {
  it('covers the window with at most maxBuckets round-width buckets aligned to the epoch', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1_600_000_000_000_000_000n, max: 1_800_000_000_000_000_000n }), fc.bigInt({ min: 0n, max: 3n * 86_400_000_000_000n }), fc.integer({ min: 10, max: 3000 }), (from, span, max) => {
        const g = timeGrid(from, from + span, max);
        expect(g.buckets).toBeLessThanOrEqual(max + 1);
        expect(g.startNs % g.bucketNs).toBe(0n);
        expect(bucketOf(g, from)).toBe(0);
        expect(bucketOf(g, from + span)).toBe(g.buckets - 1);
        expect((g.bucketNs / 1_000_000n) * 1_000_000n).toBe(g.bucketNs); // whole milliseconds
      }),
    );
  });

  it('gives a 345 s capture 500 ms buckets under a 1500-bucket limit, and breaks lines after two empty ones', () => {
    const from = 1_723_161_256_313_000_000n;
    const g = timeGrid(from, from + 345_000_000_000n, 1500);
    expect(g.bucketNs).toBe(500_000_000n);
    expect(gapBuckets(g)).toBe(2);
  });
});
