/**
 * Canonical JSON: object keys sorted, bigints as decimal strings, no whitespace. The same
 * value always gives the same bytes, so hashes of definitions and artifacts are stable.
 */
// @ts-nocheck

import { createHash } from 'node:crypto';

function normalise(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalise(v);
    }
    return out;
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

/** Pretty but still canonical (sorted keys) JSON for files people read. */
export function canonicalJsonPretty(value: unknown): string {
  return `${JSON.stringify(normalise(value), null, 2)}\n`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
