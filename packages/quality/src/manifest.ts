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
  /** Feed name as the recorder subscribed it, e.g. "depth+trade+bbo". */
  readonly feed: string;
  /** Instrument symbol when the feed is single-instrument (else inferred from the messages). */
  readonly instrument?: string;
  /** Symbols the recorder subscribed (venue spelling), when it recorded them. */
  readonly symbols?: readonly string[];
  /** Recording window [startNs, endNs) in capture time. */
  readonly window: { readonly startNs: string; readonly endNs: string };
  /** Raw files, keys relative to the data root, in recording order. */
  readonly files: readonly ManifestFile[];
  /** Messages (raw lines) in all files. */
  readonly messages?: number;
  /** Capture time of the first and last message in the files. */
  readonly firstCaptureNs?: string;
  readonly lastCaptureNs?: string;
  /**
   * 'complete': recorded for the whole window without a gap; 'partial': the recorder started or
   * stopped inside the window, or recorded gaps; 'incomplete': the recorder died inside the
   * window and the manifest was published on the next start from what was durable.
   */
  readonly completeness: 'complete' | 'partial' | 'incomplete';
  /** Spans known missing (disconnections, sequence breaks, forced drops), in capture time. */
  readonly gaps: readonly ManifestGap[];
  /** What happened to the connections during the window (open, closed, reconnect, silent, ...). */
  readonly connectionEvents?: readonly ManifestConnectionEvent[];
  readonly capture: { readonly session: string; readonly connectionIds: readonly string[]; readonly recorderVersion: string; readonly host?: string };
}

export interface ManifestFile {
  readonly key: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly messages: number;
}

export interface ManifestGap {
  readonly fromNs: string;
  readonly toNs: string;
  readonly reason: string;
  /** Symbol concerned when the gap is per symbol (a sequence break), absent when it hit the whole feed. */
  readonly instrument?: string;
}

export interface ManifestConnectionEvent {
  readonly tsNs: string;
  readonly connectionId: string;
  /** A connector event type (open, closed, reconnect-scheduled, silent, rotated, rate-limited, resync, ...). */
  readonly type: string;
  readonly reason: string;
}

function fail(key: string, field: string, what: string): never {
  throw new ChassisError('E_MANIFEST_INVALID', `${key}: field "${field}" ${what}`);
}

const NS = /^\d+$/;
const KNOWN = new Set(['format', 'venue', 'feed', 'instrument', 'symbols', 'window', 'files', 'messages', 'firstCaptureNs', 'lastCaptureNs', 'completeness', 'gaps', 'connectionEvents', 'capture']);
const FILE_FIELDS = new Set(['key', 'sha256', 'bytes', 'messages']);
const GAP_FIELDS = new Set(['fromNs', 'toNs', 'reason', 'instrument']);
const EVENT_FIELDS = new Set(['tsNs', 'connectionId', 'type', 'reason']);
const CAPTURE_FIELDS = new Set(['session', 'connectionIds', 'recorderVersion', 'host']);

function isNs(v: unknown): boolean {
  return typeof v === 'string' && NS.test(v);
}

/** Rejects fields of a nested object that the manifest format does not define. */
function onlyKnown(key: string, path: string, obj: Record<string, unknown>, known: ReadonlySet<string>): void {
  for (const k of Object.keys(obj)) if (!known.has(k)) fail(key, `${path}.${k}`, 'is not a manifest field');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

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
  (m.files as unknown[]).forEach((f, i) => {
    if (!isRecord(f)) fail(key, `files[${i}]`, 'must be an object');
    onlyKnown(key, `files[${i}]`, f, FILE_FIELDS);
    if (typeof f.key !== 'string' || !f.key.startsWith('raw/')) fail(key, `files[${i}].key`, 'must be a raw/ key');
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) fail(key, `files[${i}].sha256`, 'must be 64 hex chars');
    if (typeof f.bytes !== 'number' || typeof f.messages !== 'number') fail(key, `files[${i}]`, 'needs numeric bytes and messages');
  });
  if (m.symbols !== undefined && (!Array.isArray(m.symbols) || !m.symbols.every((x) => typeof x === 'string'))) fail(key, 'symbols', 'must be an array of strings');
  if (m.messages !== undefined && (typeof m.messages !== 'number' || !Number.isSafeInteger(m.messages) || m.messages < 0)) fail(key, 'messages', 'must be a non-negative integer');
  if (m.firstCaptureNs !== undefined && !isNs(m.firstCaptureNs)) fail(key, 'firstCaptureNs', 'must be an ns string');
  if (m.lastCaptureNs !== undefined && !isNs(m.lastCaptureNs)) fail(key, 'lastCaptureNs', 'must be an ns string');
  if (m.completeness !== 'complete' && m.completeness !== 'partial' && m.completeness !== 'incomplete') fail(key, 'completeness', 'must be "complete", "partial" or "incomplete"');
  if (!Array.isArray(m.gaps)) fail(key, 'gaps', 'must be an array');
  (m.gaps as unknown[]).forEach((g, i) => {
    if (!isRecord(g)) fail(key, `gaps[${i}]`, 'must be an object');
    onlyKnown(key, `gaps[${i}]`, g, GAP_FIELDS);
    if (!isNs(g.fromNs) || !isNs(g.toNs) || typeof g.reason !== 'string') fail(key, `gaps[${i}]`, 'must be { fromNs, toNs, reason } with ns strings');
    if (g.instrument !== undefined && typeof g.instrument !== 'string') fail(key, `gaps[${i}].instrument`, 'must be a string');
  });
  if (m.connectionEvents !== undefined) {
    if (!Array.isArray(m.connectionEvents)) fail(key, 'connectionEvents', 'must be an array');
    (m.connectionEvents as unknown[]).forEach((e, i) => {
      if (!isRecord(e)) fail(key, `connectionEvents[${i}]`, 'must be an object');
      onlyKnown(key, `connectionEvents[${i}]`, e, EVENT_FIELDS);
      if (!isNs(e.tsNs) || typeof e.connectionId !== 'string' || typeof e.type !== 'string' || typeof e.reason !== 'string') {
        fail(key, `connectionEvents[${i}]`, 'must be { tsNs, connectionId, type, reason } with tsNs an ns string');
      }
    });
  }
  const c = m.capture;
  if (!isRecord(c) || typeof c.session !== 'string' || !Array.isArray(c.connectionIds) || typeof c.recorderVersion !== 'string') {
    fail(key, 'capture', 'must be { session, connectionIds, recorderVersion }');
  }
  onlyKnown(key, 'capture', c, CAPTURE_FIELDS);
  if (c.host !== undefined && typeof c.host !== 'string') fail(key, 'capture.host', 'must be a string');
  return m as unknown as DatasetManifest;
}
