/** Exact conversions of venue time stamps to integer nanoseconds since epoch (no floats). */

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

const ISO_UTC = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** ISO-8601 UTC time with up to 9 fraction digits ("2021-07-22T22:36:10.014Z", BitMEX) → ns, exactly; null if not one. */
export function isoToNs(text: string): bigint | null {
  const m = ISO_UTC.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]!}Z`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}
