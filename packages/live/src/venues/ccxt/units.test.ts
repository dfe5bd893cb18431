import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimalUnits } from '@chassis/core';
import { feeToUnits, numberToDecimalText, numberToUnits, unitsToNumber } from './units.ts';

describe('ccxt numbers and integer units', () => {
  it('round-trips every whole number of units through the float ccxt would parse from its decimal text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 8 }), (units, decimals) => {
        const parsed = Number(formatDecimalUnits(units, decimals));
        expect(numberToUnits(parsed, decimals, 'price')).toBe(units);
        expect(unitsToNumber(units, decimals)).toBe(parsed);
      }),
    );
  });

  it('refuses a value finer than the units instead of rounding it', () => {
    expect(() => numberToUnits(61811.45, 1, 'price')).toThrow(/not a whole number/);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 7 }),
        (units, lastDigit, decimals) => {
          const finer = Number(formatDecimalUnits(units * 10 + lastDigit, decimals + 1));
          expect(() => numberToUnits(finer, decimals, 'price')).toThrow(/not a whole number/);
        },
      ),
    );
  });

  it('rounds a fee finer than the settlement units up, like the core', () => {
    expect(feeToUnits(0.06182, 5)).toBe(6182n);
    expect(feeToUnits(0.061821, 5)).toBe(6183n);
    expect(feeToUnits(-0.061821, 5)).toBe(-6182n);
  });

  it('writes exponent-notation numbers as plain decimal text', () => {
    expect(numberToDecimalText(1e-7)).toBe('0.0000001');
    expect(numberToDecimalText(9999.93818)).toBe('9999.93818');
  });
});
