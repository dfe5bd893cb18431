/**
 * Integer units as exact decimal strings, for report tables: a value of `units` at `decimals`
 * places is units × 10^-decimals, written without floating point (e.g. 2429366n at 3 → "2429.366").
 */
export function formatUnits(units: bigint | number, decimals: number): string {
  if (typeof units === 'number' && !Number.isSafeInteger(units)) throw new RangeError(`formatUnits: ${units} is not an exact integer`);
  const v = BigInt(units);
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = decimals > 0 ? `.${digits.slice(digits.length - decimals)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Half-units (e.g. bid + ask, twice a mid) as an exact decimal at `decimals` places: one more place when odd. */
export function formatHalfUnits(twiceUnits: number, decimals: number): string {
  return twiceUnits % 2 === 0 ? formatUnits(twiceUnits / 2, decimals) : formatUnits(twiceUnits * 5, decimals + 1);
}

/** Nanoseconds as exact milliseconds (6 decimals). */
export function formatNsAsMs(ns: number): string {
  return formatUnits(ns, 6);
}

/**
 * Nearest-rank percentile of a histogram (value → count): the smallest value v such that at
 * least p % of the samples are ≤ v (p = 0 gives the minimum). No interpolation, so the result
 * is always an observed value. undefined for an empty histogram.
 */
export function histogramPercentile(histogram: ReadonlyMap<number, number>, p: number): number | undefined {
  const values = [...histogram.keys()].sort((a, b) => a - b);
  const total = values.reduce((s, v) => s + histogram.get(v)!, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const v of values) {
    seen += histogram.get(v)!;
    if (seen >= rank) return v;
  }
  return values[values.length - 1];
}

/** Nearest-rank percentile of the finite values of an array (NaN skipped). */
export function arrayPercentile(values: ArrayLike<number>, p: number): number | undefined {
  const h = new Map<number, number>();
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) h.set(values[i]!, (h.get(values[i]!) ?? 0) + 1);
  return histogramPercentile(h, p);
}
