/**
 * ccxt speaks JS numbers (decimal values parsed to floats); the core speaks integer units.
 * A float that came from a decimal text of at most ~15 significant digits scales to within a
 * rounding error of an integer; anything further off means the value does not fit the
 * instrument's units, which is an error, never a silent rounding.
 */
import { ChassisError, formatDecimalUnits } from '@chassis/core';

/**
 * How far `value × 10^decimals` may sit from an integer and still be that integer: a few ulps of
 * the product (relative 1e-14; a float carries ~2.2e-16) and never less than 1e-9 absolute.
 */
function nearInteger(scaled: number, integer: number): boolean {
  return Math.abs(scaled - integer) <= Math.max(1e-9, Math.abs(scaled) * 1e-14);
}

/** `value` (a price or quantity) in units of 10^-decimals; throws E_CCXT_UNITS when it is not a whole number of units. */
export function numberToUnits(value: number, decimals: number, what: string): number {
  const scaled = value * 10 ** decimals;
  const units = Math.round(scaled);
  if (!Number.isSafeInteger(units) || !nearInteger(scaled, units)) {
    throw new ChassisError('E_CCXT_UNITS', `${what} ${value} is not a whole number of 10^-${decimals} units`);
  }
  return units;
}

/** A fee in settlement units of 10^-decimals, rounded toward +∞ like the core rounds fees (contract-value.ts). */
export function feeToUnits(cost: number, decimals: number): bigint {
  const scaled = cost * 10 ** decimals;
  const nearest = Math.round(scaled);
  const units = nearInteger(scaled, nearest) ? nearest : Math.ceil(scaled);
  return BigInt(units);
}

/** Integer units as the number ccxt expects (exact decimal text first, so 0.1 + 0.2 noise never enters). */
export function unitsToNumber(units: number, decimals: number): number {
  return Number(formatDecimalUnits(units, decimals));
}

/** A ccxt number as exact decimal text ("0.0618", "1e-7" → "0.0000001"). */
export function numberToDecimalText(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}
