// @ts-nocheck
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { feeUnits } from './fees.ts';

describe('feeUnits', () => {
  it('is exact when price × qty × ppm is a multiple of one million', () => {
    expect(feeUnits(600_000, 50_000, -100)).toBe(-3_000_000n);
    expect(feeUnits(1_000, 1_000, 400)).toBe(400n);
  });

  it('rounds fees up and rebates toward zero (toward +∞, in the venue favour)', () => {
    expect(feeUnits(3, 1, 100)).toBe(1n);
    expect(feeUnits(3, 1, -100)).toBe(0n);
    expect(feeUnits(15_000, 1, -100)).toBe(-1n);
  });

  it('never differs from the exact rational value by a unit or more, and is never below it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: -10_000, max: 10_000 }), (p, q, ppm) => {
        const fee = feeUnits(p, q, ppm);
        const scaled = BigInt(p) * BigInt(q) * BigInt(ppm);
        const diff = fee * 1_000_000n - scaled; // fee − exact, in millionths
        expect(diff >= 0n && diff < 1_000_000n).toBe(true);
      }),
    );
  });
});
