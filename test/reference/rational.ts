/**
 * Exact rational numbers as a bigint numerator over a positive bigint denominator, always in
 * lowest terms. The reference accounting keeps every amount (prices, PnL, fees, balances) in
 * these, in the asset's own unit (1 BTC, 1 USDT), so it never rounds; the comparison rounds.
 */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const absBig = (x: bigint): bigint => (x < 0n ? -x : x);

function gcd(a: bigint, b: bigint): bigint {
  let x = absBig(a);
  let y = absBig(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function ratio(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError('rational with a zero denominator');
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den) || 1n;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

export const ZERO: Rational = ratio(0n);

/** `units` integer units of 10^-decimals, e.g. (12345n, 2) = 123.45. */
export const fromUnits = (units: bigint | number, decimals: number): Rational =>
  ratio(BigInt(units), 10n ** BigInt(decimals));

export const add = (a: Rational, b: Rational): Rational => ratio(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational): Rational => ratio(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational): Rational => ratio(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => ratio(a.num * b.den, a.den * b.num);
export const neg = (a: Rational): Rational => ratio(-a.num, a.den);
export const cmp = (a: Rational, b: Rational): number => {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};
export const isZero = (a: Rational): boolean => a.num === 0n;

/** Smallest integer ≥ a. */
export function ceil(a: Rational): bigint {
  const q = a.num / a.den; // truncates toward zero
  return a.num > 0n && q * a.den !== a.num ? q + 1n : q;
}

/** Largest integer ≤ a. */
export function floor(a: Rational): bigint {
  const q = a.num / a.den;
  return a.num < 0n && q * a.den !== a.num ? q - 1n : q;
}

/** Nearest integer to a, halves away from zero (2.5 → 3, −2.5 → −3). */
export function roundHalfAway(a: Rational): bigint {
  const twice = mul(a, ratio(2n));
  if (twice.den === 1n && twice.num % 2n !== 0n) return a.num > 0n ? ceil(a) : floor(a);
  return floor(add(a, ratio(1n, 2n)));
}

export const abs = (a: Rational): Rational => (a.num < 0n ? neg(a) : a);

/** `a` in integer units of 10^-decimals, exactly; undefined when it is not a whole number of them. */
export function toUnitsExact(a: Rational, decimals: number): bigint | undefined {
  const scaled = mul(a, ratio(10n ** BigInt(decimals)));
  return scaled.den === 1n ? scaled.num : undefined;
}

export const show = (a: Rational): string => (a.den === 1n ? `${a.num}` : `${a.num}/${a.den}`);
