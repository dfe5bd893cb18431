/** Exact conversions of venue time stamps to integer nanoseconds since epoch (no floats). */
// @ts-nocheck


/** Milliseconds (number or numeric string) → ns. */
export function msToNs(ms: number | string): bigint {
  return BigInt(ms) * 1_000_000n;
}

/** Microseconds (Tardis CSV) → ns. */
export function usToNs(us: number | string): bigint {
  return BigInt(us) * 1_000n;
}

/** Decimal seconds as text ("1633998512.0633569", cryptofeed) → ns, exactly; null if not a number. */
export function secondsTextToNs(text: string): bigint | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const frac = (m[2] ?? '').slice(0, 9).padEnd(9, '0');
  return BigInt(m[1]!) * 1_000_000_000n + BigInt(frac);
}
