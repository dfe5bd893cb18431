import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHalfUnits, formatUnits, histogramPercentile } from './decimal-units.ts';

describe('exact decimals of integer units', () => {
  it('formatUnits writes units × 10^-decimals: removing the point gives the units back', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }), (u, d) => {
        const text = formatUnits(u, d);
        expect(BigInt(text.replace('.', ''))).toBe(u);
        expect(text.includes('.') ? text.split('.')[1]!.length : 0).toBe(d);
      }),
    );
  });

  it('formatHalfUnits halves exactly: an odd sum gets one more decimal place', () => {
    expect(formatHalfUnits(12_318_061, 2)).toBe('61590.305');
    expect(formatHalfUnits(12_318_060, 2)).toBe('61590.30');
  });

  it('a histogram percentile is the nearest-rank percentile of the expanded samples', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 100 }), (samples, p) => {
        const h = new Map<number, number>();
        for (const s of samples) h.set(s, (h.get(s) ?? 0) + 1);
        const sorted = [...samples].sort((a, b) => a - b);
        expect(histogramPercentile(h, p)).toBe(sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]);
      }),
    );
  });
});
