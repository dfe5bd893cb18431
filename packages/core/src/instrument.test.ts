import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimalUnits, notionalUnits, parseDecimalBigUnits, parseDecimalUnits } from './instrument.ts';

/**
 * Reference: a decimal string with d decimals names the integer (integer part · 10^d + fraction
 * padded to d digits), computed here with BigInt on the digit strings, never with floats.
 */
function referenceUnits(intDigits: string, fracDigits: string, decimals: number): bigint {
  return (
    BigInt(intDigits) * 10n ** BigInt(decimals) + BigInt((fracDigits + '0'.repeat(decimals)).slice(0, decimals) || '0')
  );
}

describe('parseDecimalUnits', () => {
  it('reads integer and fractional digits as units of 10^-decimals', () => {
    expect(parseDecimalUnits('60123.4', 1)).toBe(601_234);
    expect(parseDecimalUnits('60123.40', 2)).toBe(6_012_340);
    expect(parseDecimalUnits('0.001', 3)).toBe(1);
    expect(parseDecimalUnits('7', 0)).toBe(7);
    expect(parseDecimalUnits('7', 3)).toBe(7_000);
    expect(parseDecimalUnits('7.', 2)).toBe(700);
    expect(parseDecimalUnits('-0.5', 1)).toBe(-5);
  });

  it('accepts trailing zeros beyond the precision and refuses any other extra digit', () => {
    expect(parseDecimalUnits('1.2300', 2)).toBe(123);
    expect(() => parseDecimalUnits('1.231', 2)).toThrow(/more than 2 decimals/);
    expect(() => parseDecimalUnits('1.2301', 2)).toThrow(RangeError);
  });

  it('refuses text that is not a plain decimal number, naming it', () => {
    for (const bad of ['', '1e-3', '.5', '+1', '1.2.3', ' 1', '1 ', 'abc', '--1', '0x10']) {
      expect(() => parseDecimalUnits(bad, 3), bad).toThrow(`not a decimal number: "${bad}"`);
    }
  });

  it('refuses values beyond the exact integer range instead of rounding them', () => {
    expect(parseDecimalUnits('9007199254740991', 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseDecimalUnits('9007199254740992', 0)).toThrow(/exact integer range/);
    expect(() => parseDecimalUnits('90071992547409.92', 2)).toThrow(/exact integer range/);
  });

  it('equals the BigInt reading of the digits for any decimal text within range', () => {
    const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`));
    fc.assert(
      fc.property(
        fc.boolean(),
        digits(9),
        fc.option(fc.stringMatching(/^[0-9]{0,6}$/), { nil: undefined }),
        fc.integer({ min: 0, max: 6 }),
        (negative, intDigits, frac, decimals) => {
          const text = `${negative ? '-' : ''}${intDigits}${frac === undefined ? '' : `.${frac}`}`;
          const fracDigits = frac ?? '';
          const exact = /^0*$/.test(fracDigits.slice(decimals));
          if (!exact) {
            expect(() => parseDecimalUnits(text, decimals)).toThrow(RangeError);
            return;
          }
          const ref = referenceUnits(intDigits, fracDigits, decimals);
          expect(BigInt(parseDecimalUnits(text, decimals))).toBe(negative ? -ref : ref);
        },
      ),
    );
  });
});

describe('parseDecimalBigUnits', () => {
  it('reads a 100,000 balance at 14 and at 36 decimals exactly, beyond 2^53', () => {
    expect(parseDecimalBigUnits('100000', 14)).toBe(10n ** 19n);
    expect(parseDecimalBigUnits('100000', 36)).toBe(10n ** 41n);
    expect(parseDecimalBigUnits('-0.00019434546', 14)).toBe(-19_434_546_000n);
  });

  it('refuses extra digits and malformed text like parseDecimalUnits', () => {
    expect(() => parseDecimalBigUnits('1.231', 2)).toThrow(/more than 2 decimals/);
    expect(() => parseDecimalBigUnits('1e-3', 3)).toThrow('not a decimal number: "1e-3"');
  });

  it('equals the BigInt reading of the digits for any decimal text, at any size', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.stringMatching(/^[0-9]{1,30}$/),
        fc.stringMatching(/^[0-9]{0,40}$/),
        fc.integer({ min: 0, max: 40 }),
        (negative, intDigits, fracDigits, decimals) => {
          const text = `${negative ? '-' : ''}${intDigits}.${fracDigits}`;
          if (!/^0*$/.test(fracDigits.slice(decimals))) {
            expect(() => parseDecimalBigUnits(text, decimals)).toThrow(RangeError);
            return;
          }
          const ref = referenceUnits(intDigits, fracDigits, decimals);
          expect(parseDecimalBigUnits(text, decimals)).toBe(negative ? -ref : ref);
        },
      ),
    );
  });

  it('is undone by formatDecimalUnits for any bigint and precision', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 45n), max: 10n ** 45n }), fc.integer({ min: 0, max: 40 }), (units, decimals) => {
        expect(parseDecimalBigUnits(formatDecimalUnits(units, decimals), decimals)).toBe(units);
      }),
    );
  });
});

describe('formatDecimalUnits', () => {
  it('writes exactly `decimals` fractional digits, with the sign in front', () => {
    expect(formatDecimalUnits(601_234, 1)).toBe('60123.4');
    expect(formatDecimalUnits(5, 3)).toBe('0.005');
    expect(formatDecimalUnits(-5, 3)).toBe('-0.005');
    expect(formatDecimalUnits(-1_234_500, 2)).toBe('-12345.00');
    expect(formatDecimalUnits(0, 2)).toBe('0.00');
    expect(formatDecimalUnits(42, 0)).toBe('42');
    expect(formatDecimalUnits(-42n, 0)).toBe('-42');
  });

  it('is exact for bigints far beyond 2^53 and for more than 18 decimals', () => {
    expect(formatDecimalUnits(123456789012345678901234567890n, 8)).toBe('1234567890123456789012.34567890');
    expect(formatDecimalUnits(-1n, 20)).toBe('-0.00000000000000000001');
  });

  it('is undone by parseDecimalUnits for every safe integer and precision', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 0, max: 12 }), (units, decimals) => {
        if (Object.is(units, -0)) return;
        expect(parseDecimalUnits(formatDecimalUnits(units, decimals), decimals)).toBe(units);
      }),
    );
  });

  it('agrees with the BigInt definition int = |v| / 10^d, frac = |v| mod 10^d', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 1, max: 24 }), (v, d) => {
        const abs = v < 0n ? -v : v;
        const scale = 10n ** BigInt(d);
        const [sign, rest] = formatDecimalUnits(v, d).startsWith('-')
          ? [-1n, formatDecimalUnits(v, d).slice(1)]
          : [1n, formatDecimalUnits(v, d)];
        const [intText, fracText] = rest.split('.') as [string, string];
        expect(fracText).toHaveLength(d);
        expect(BigInt(intText)).toBe(abs / scale);
        expect(BigInt(fracText)).toBe(abs % scale);
        expect(sign).toBe(v < 0n ? -1n : 1n);
      }),
    );
  });
});

describe('notionalUnits', () => {
  it('is the exact product even where the float product is not', () => {
    expect(notionalUnits(9_007_199_254_740_991, 3)).toBe(27_021_597_764_222_973n);
    expect(notionalUnits(-601_234, 5)).toBe(-3_006_170n);
  });
});
