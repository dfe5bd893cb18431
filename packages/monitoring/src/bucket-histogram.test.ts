import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BucketHistogram } from './bucket-histogram.ts';

const bounds = [0.001, 0.01, 0.1, 1];

/** Exposition samples of one histogram: `le` (or _sum/_count) → value. */
function emitted(h: BucketHistogram): Map<string, number> {
  const out = new Map<string, number>();
  h.emit(
    (labels, value, metricName) => out.set(metricName === 'x_bucket' ? `le=${labels.le}` : metricName!, value),
    'x',
    { a: '1' },
  );
  return out;
}

describe('a bucket histogram', () => {
  it('emits for each bound the number of observations at or below it, like a plain count over the values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 5, noNaN: true })), (values) => {
        const h = new BucketHistogram(bounds);
        for (const v of values) h.observe(v);
        const s = emitted(h);
        for (const le of bounds) expect(s.get(`le=${le}`)).toBe(values.filter((v) => v <= le).length);
        expect(s.get('le=+Inf')).toBe(values.length);
        expect(s.get('x_count')).toBe(values.length);
        expect(s.get('x_sum')).toBeCloseTo(
          values.reduce((a, b) => a + b, 0),
          9,
        );
      }),
    );
  });

  it('puts a value equal to a bound in that bound (Prometheus le is inclusive)', () => {
    const h = new BucketHistogram(bounds);
    h.observe(0.01);
    expect(emitted(h).get('le=0.001')).toBe(0);
    expect(emitted(h).get('le=0.01')).toBe(1);
  });

  it('ignores NaN and infinite values', () => {
    const h = new BucketHistogram(bounds);
    h.observe(Number.NaN);
    h.observe(Number.POSITIVE_INFINITY);
    h.observe(0.5);
    expect(emitted(h).get('x_count')).toBe(1);
    expect(emitted(h).get('x_sum')).toBe(0.5);
  });
});
