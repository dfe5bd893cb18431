import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BucketExtremes, downsampleMinMax } from './downsample.ts';

describe('min/max downsampling', () => {
  it('returns at most two points per bucket and keeps the global extremes', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 5000 }), fc.integer({ min: 1, max: 100 }), (ys, buckets) => {
        const x = Float64Array.from(ys, (_, i) => i);
        const y = Float64Array.from(ys);
        const d = downsampleMinMax(x, y, buckets);
        expect(d.x.length).toBeLessThanOrEqual(Math.max(buckets * 2, ys.length <= buckets * 2 ? ys.length : 0));
        expect(Math.max(...d.y)).toBe(Math.max(...ys));
        expect(Math.min(...d.y)).toBe(Math.min(...ys));
        for (let i = 1; i < d.x.length; i++) expect(d.x[i]!).toBeGreaterThan(d.x[i - 1]!);
      }),
    );
  });

  it('reduces ten million points to a few thousand in well under a second', () => {
    const n = 10_000_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i;
      y[i] = Math.sin(i / 1e5) + (i === 7_654_321 ? 50 : 0);
    }
    const t0 = performance.now();
    const d = downsampleMinMax(x, y, 1500);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(d.x.length).toBeLessThanOrEqual(3000);
    expect(Math.max(...d.y)).toBeCloseTo(51, 0);
  });

  it('drops NaN gaps', () => {
    const d = downsampleMinMax([0, 1, 2], [1, NaN, 3]);
    expect(Array.from(d.y)).toEqual([1, 3]);
  });
});

describe('streamed min/max per bucket (BucketExtremes)', () => {
  it("keeps each non-empty bucket's minimum and maximum, in time order, and breaks at long empty runs only", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 5 }), { nil: undefined }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 3 }),
        (buckets, minGap) => {
          const e = new BucketExtremes(buckets.length, (k) => k * 10);
          buckets.forEach((ys, k) => ys?.forEach((y, i) => e.add(k, k * 10 + i, y)));
          const points = e.points((y) => y, minGap);
          const expected: [number, number | null][] = [];
          for (let k = 0; k < buckets.length; k++) {
            const ys = buckets[k];
            if (!ys) {
              let end = k;
              while (end < buckets.length && !buckets[end]) end++;
              if (end - k >= minGap && expected.length > 0) expected.push([k * 10, null]);
              k = end - 1;
              continue;
            }
            // First occurrence of the minimum and of the maximum, the earlier one first.
            const iMin = ys.indexOf(Math.min(...ys));
            const iMax = ys.indexOf(Math.max(...ys));
            for (const i of [...new Set([Math.min(iMin, iMax), Math.max(iMin, iMax)])]) expected.push([k * 10 + i, ys[i]!]);
          }
          expect(points).toEqual(expected);
        },
      ),
    );
  });
});
