import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberText } from './json-number.ts';

describe('numberText', () => {
  it('keeps the plain decimal a venue printed', () => {
    expect(numberText(32180.5)).toBe('32180.5');
    expect(numberText(0.00001814)).toBe('0.00001814');
    expect(numberText(4714.0)).toBe('4714');
  });

  it('expands the exponent form JavaScript uses for small and huge numbers', () => {
    expect(numberText(1.6e-7)).toBe('0.00000016');
    expect(numberText(9.9e-7)).toBe('0.00000099');
    expect(numberText(1.23456e-10)).toBe('0.000000000123456');
    expect(numberText(-2.5e-8)).toBe('-0.000000025');
    expect(numberText(1e21)).toBe('1000000000000000000000');
    expect(numberText(1.5e22)).toBe('15000000000000000000000');
  });

  it('rejects what is not a finite number', () => {
    expect(numberText('1.5')).toBeNull();
    expect(numberText(Number.NaN)).toBeNull();
    expect(numberText(Infinity)).toBeNull();
  });

  it('gives text that parses back to the same number and has no exponent, for any double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const t = numberText(x)!;
        expect(t).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Number(t)).toBe(x === 0 ? 0 : x);
      }),
    );
  });
});
