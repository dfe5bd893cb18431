/**
 * Allocation-free scan of a decimal string into integer digits and significant decimals
 * ("60123.40" → units 601234, decimals 1). Trailing fractional zeros are not significant, so
 * precision is detected from the data rather than from the venue's formatting.
 * Results are returned through the mutable `scan` object to avoid a per-value allocation.
 */
// @ts-nocheck

export const scan = { units: 0, decimals: 0 };

export function scanDecimal(text: string): boolean {
  let units = 0;
  let decimals = 0;
  let pendingZeros = 0;
  let inFrac = false;
  let neg = false;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (inFrac) {
        if (c === 48) {
          pendingZeros++;
          continue;
        }
        for (; pendingZeros > 0; pendingZeros--) {
          units *= 10;
          decimals++;
        }
        decimals++;
      }
      units = units * 10 + (c - 48);
    } else if (c === 46 && !inFrac) inFrac = true;
    else if (c === 45 && i === 0) neg = true;
    else return false;
  }
  if (digits === 0 || !Number.isSafeInteger(units)) return false;
  scan.units = neg ? -units : units;
  scan.decimals = decimals;
  return true;
}

export const POW10: readonly number[] = Array.from({ length: 19 }, (_, i) => 10 ** i);
