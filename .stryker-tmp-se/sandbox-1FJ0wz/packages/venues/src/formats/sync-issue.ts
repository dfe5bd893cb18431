/** Builds sync_issue records and the field checks every venue module shares. */
// @ts-nocheck

import type { SyncIssueRecord, VenueId } from './records.ts';
import type { JsonObject, MessageContext } from './venue-mapper.ts';

export function syncIssue(
  venue: VenueId,
  instrument: string,
  ctx: MessageContext,
  issue: SyncIssueRecord['issue'],
  message: string,
  tsEventNs?: bigint,
): SyncIssueRecord {
  const tsLocal = ctx.tsLocalNs ?? tsEventNs ?? ctx.fallbackTsNs;
  return {
    kind: 'sync_issue',
    venue,
    instrument,
    tsEventNs: tsEventNs ?? tsLocal,
    tsLocalNs: tsLocal,
    source: { file: ctx.file, line: ctx.line },
    issue,
    message: `${message} (line ${ctx.line} of ${ctx.file})`,
  };
}

/** Names of fields not in `known`, so schema drift is reported instead of silently ignored. */
export function unknownFields(obj: JsonObject, known: ReadonlySet<string>): string[] {
  let out: string[] | undefined;
  for (const k in obj) {
    if (!known.has(k)) (out ??= []).push(k);
  }
  return out ?? NONE;
}
const NONE: string[] = [];

/** A venue level list: array of [price, size, ...] with string price and size. */
export function isLevelList(value: unknown): value is (readonly [string, string])[] {
  if (!Array.isArray(value)) return false;
  for (const lvl of value) {
    if (!Array.isArray(lvl) || typeof lvl[0] !== 'string' || typeof lvl[1] !== 'string') return false;
  }
  return true;
}

/** Integer id from a JSON number or numeric string; null if absent or not an integer. */
export function toBigInt(value: unknown): bigint | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : null;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return null;
}

/** Keeps only [price, size] of each level (OKX adds order counts; Binance never does). */
export function pairs(levels: readonly (readonly [string, string])[]): (readonly [string, string])[] {
  const out = new Array<readonly [string, string]>(levels.length);
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    out[i] = l.length === 2 ? l : [l[0], l[1]];
  }
  return out;
}
