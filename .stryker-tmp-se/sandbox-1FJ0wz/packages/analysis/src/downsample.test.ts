// @ts-nocheck
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { downsampleMinMax } from './downsample.ts';

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
