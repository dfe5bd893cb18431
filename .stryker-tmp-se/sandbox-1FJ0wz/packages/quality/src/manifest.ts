// @ts-nocheck
import { ChassisError } from '@chassis/core';
import { VENUE_IDS, type VenueId } from '@chassis/venues';

/**
 * Dataset Manifest: what a recorder publishes next to its raw files, only after they are
 * durable, at raw/{venue}/{feed}/{window}/manifest.json. The quality gate discovers manifests
 * and processes each once (it writes quality.json beside it). ns values are decimal strings.
 */
export interface DatasetManifest {
  readonly format: 'chassis-manifest-v1';
  readonly venue: VenueId;
  /** Feed name as the recorder subscribed it, e.g. "depth@0ms+trade+bookTicker". */
  readonly feed: string;
  /** Instrument symbol when the feed is single-instrument (else inferred from the messages). */
  readonly instrument?: string;
  /** Recording window [startNs, endNs) in capture time. */
  readonly window: { readonly startNs: string; readonly endNs: string };
  /** Raw files, keys relative to the data root, in recording order. */
  readonly files: readonly { readonly key: string; readonly sha256: string; readonly bytes: number; readonly messages: number }[];
  /** 'complete' when the recorder was connected for the whole window. */
  readonly completeness: 'complete' | 'partial';
  /** Disconnections the recorder saw (reconnect with backoff), in capture time. */
  readonly gaps: readonly { readonly fromNs: string; readonly toNs: string; readonly reason: string }[];
  readonly capture: { readonly session: string; readonly connectionIds: readonly string[]; readonly recorderVersion: string; readonly host?: string };
}

function fail(key: string, field: string, what: string): never {
  throw new ChassisError('E_MANIFEST_INVALID', `${key}: field "${field}" ${what}`);
}

const NS = /^\d+$/;
const KNOWN = new Set(['format', 'venue', 'feed', 'instrument', 'window', 'files', 'completeness', 'gaps', 'capture']);

/** Parses and validates a manifest; errors name the object and the offending field. */
export function parseManifest(key: string, text: string): DatasetManifest {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ChassisError('E_MANIFEST_INVALID', `${key}: not JSON (${(err as Error).message})`);
  }
  for (const k of Object.keys(m)) if (!KNOWN.has(k)) fail(key, k, 'is not a manifest field');
  if (m.format !== 'chassis-manifest-v1') fail(key, 'format', 'must be "chassis-manifest-v1"');
  if (!(VENUE_IDS as readonly unknown[]).includes(m.venue)) fail(key, 'venue', `must be one of ${VENUE_IDS.join(', ')}`);
  if (typeof m.feed !== 'string' || !m.feed) fail(key, 'feed', 'must be a non-empty string');
  if (m.instrument !== undefined && typeof m.instrument !== 'string') fail(key, 'instrument', 'must be a string');
  const w = m.window as Record<string, unknown> | undefined;
  if (!w || typeof w.startNs !== 'string' || !NS.test(w.startNs) || typeof w.endNs !== 'string' || !NS.test(w.endNs)) fail(key, 'window', 'must be { startNs, endNs } as ns strings');
  if (!Array.isArray(m.files) || m.files.length === 0) fail(key, 'files', 'must be a non-empty array');
  (m.files as Record<string, unknown>[]).forEach((f, i) => {
    if (typeof f.key !== 'string' || !f.key.startsWith('raw/')) fail(key, `files[${i}].key`, 'must be a raw/ key');
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) fail(key, `files[${i}].sha256`, 'must be 64 hex chars');
    if (typeof f.bytes !== 'number' || typeof f.messages !== 'number') fail(key, `files[${i}]`, 'needs numeric bytes and messages');
  });
  if (m.completeness !== 'complete' && m.completeness !== 'partial') fail(key, 'completeness', 'must be "complete" or "partial"');
  if (!Array.isArray(m.gaps)) fail(key, 'gaps', 'must be an array');
  const c = m.capture as Record<string, unknown> | undefined;
  if (!c || typeof c.session !== 'string' || !Array.isArray(c.connectionIds) || typeof c.recorderVersion !== 'string') {
    fail(key, 'capture', 'must be { session, connectionIds, recorderVersion }');
  }
  return m as unknown as DatasetManifest;
}
