/**
 * Maker/taker fees, exact in notional units (price units × qty units, see @chassis/core
 * instrument.ts). fee = price × qty × ppm / 1,000,000, computed in bigint and rounded toward
 * +∞ — in the venue's favour: a fee is never undercharged and a rebate (negative ppm) never
 * overpaid. Example: 3 notional units at 100 ppm = 0.0003 → 1; at -100 ppm = -0.0003 → 0.
 */
// @ts-nocheck

const MILLION = 1_000_000n;

export function feeUnits(priceUnits: number, qtyUnits: number, feePpm: number): bigint {
  const scaled = BigInt(priceUnits) * BigInt(qtyUnits) * BigInt(feePpm);
  const q = scaled / MILLION; // truncates toward zero
  return scaled > 0n && q * MILLION !== scaled ? q + 1n : q;
}
