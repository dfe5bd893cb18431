import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDecimalUnits } from '@chassis/core';
import { plainDecimal } from './summary.ts';
import { decimalNumber } from './metrics.ts';

describe('exact decimals in summaries and metrics.json', () => {
  it('prints a sum of float fees as the exact decimal of its units, not the float noise', () => {
    // 0.1 + 0.2 as floats is 0.30000000000000004; the same amounts in 1e-8 units are exact
    expect(plainDecimal(decimalNumber(10_000_000n + 20_000_000n, 8))).toBe('0.3');
    expect(plainDecimal(decimalNumber(-17_698_166n, 5))).toBe('-176.98166');
    expect(JSON.stringify({ pnl: decimalNumber(-17_698_166n, 5) })).toBe('{"pnl":-176.98166}');
  });

  it('prints satoshi amounts without an exponent', () => {
    expect(plainDecimal(decimalNumber(84n, 8))).toBe('0.00000084');
    expect(plainDecimal(1e21)).toBe('1000000000000000000000');
    expect(plainDecimal(-2.5e-7)).toBe('-0.00000025');
  });

  it('gives back the exact decimal of any amount of up to 15 significant digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 12 }), (units, decimals) => {
        const exact = formatDecimalUnits(units, decimals).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
        expect(plainDecimal(decimalNumber(units, decimals))).toBe(exact === '-0' ? '0' : exact);
      }),
    );
  });
});
