/**
 * Where a recording window lives. Windows are aligned to the UTC epoch: a 1 h window starts on
 * the hour. A window's files sit under `raw/{venue}/{feed}/{window}/` with window = the UTC
 * start `YYYYMMDDTHHMMSSZ`. A window a previous session already used (it published a manifest
 * there, or left it open) is recorded by a new session in `{window}-{session}` instead, so that
 * each directory holds exactly one session's files and at most one manifest — which is what the
 * quality gate processes once.
 */
import type { VenueId } from '@chassis/venues';

export const OPEN_FILE = 'open.json';
export const MANIFEST_FILE = 'manifest.json';
export const PART_FILE = /^part-(\d{4})-(.+)\.jsonl\.gz$/;

/** Start of the epoch-aligned window holding tsNs. */
export function windowStartOf(tsNs: bigint, windowNs: bigint): bigint {
  return tsNs - (((tsNs % windowNs) + windowNs) % windowNs);
}

/** `YYYYMMDDTHHMMSSZ` of a window start (whole seconds: window lengths are whole seconds). */
export function windowName(startNs: bigint): string {
  return new Date(Number(startNs / 1_000_000n)).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export function feedPrefix(venue: VenueId, feed: string): string {
  return `raw/${venue}/${feed}`;
}

export function partFileName(index: number, session: string): string {
  return `part-${String(index).padStart(4, '0')}-${session}.jsonl.gz`;
}
