/**
 * Decimal text of prices and sizes that a venue sends as JSON numbers (Deribit, BitMEX).
 * JSON.parse keeps the shortest double that round-trips, so String(x) is the venue's own text
 * for every value a venue prints with fewer than 16 significant digits; only the exponent form
 * JavaScript uses below 1e-6 and from 1e21 on needs expanding ("1.6e-7" → "0.00000016").
 */

/** The plain decimal text of a finite JSON number, or null if `value` is not one. */
export function numberText(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  // Position of the decimal point within `digits` after shifting by the exponent.
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  const body = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}
