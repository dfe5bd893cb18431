/**
 * `chassis record status`: what the recorders of a data root are doing, read from the data root
 * alone (works for recorders on other machines sharing an S3 root). Per venue feed, per window:
 *   open    — `open.json`, rewritten by its recorder every few seconds: session, pid and host,
 *             the age of that heartbeat (so whether the recorder looks alive), counts so far, lag;
 *   closed  — `manifest.json`: completeness, messages, files, gaps, first/last capture time;
 *   and its promotion state from the quality gate's `quality.json` (pending until the gate ran).
 */
import { hostname } from 'node:os';
import { VENUE_IDS } from '@chassis/venues';
import { processExists, type Storage } from '@chassis/storage';

/** A recorder rewrites open.json at least every 5 s; three missed rewrites mean it is probably gone. */
export const STALE_HEARTBEAT_NS = 15_000_000_000n;

/** raw/{venue}/{feed}/{window}[-{session}[-n]]/{file}: a window a previous session already used gets its own directory. */
const WINDOW_KEY = /^raw\/([^/]+)\/([^/]+)\/((\d{8}T\d{6}Z)(?:-[^/]+)?)\/(open|manifest|quality)\.json$/;
const VENUES: ReadonlySet<string> = new Set(VENUE_IDS);

/** Whether the recorder of an open window looks alive. */
export type Liveness =
  /** heartbeat recent */
  | 'alive'
  /** heartbeat older than STALE_HEARTBEAT_NS: the recorder stopped writing; the next start recovers the window */
  | 'stale'
  /** on this host and its pid no longer exists */
  | 'dead';

export interface WindowStatus {
  readonly venue: string;
  readonly feed: string;
  /** Window start, UTC, `YYYYMMDDTHHMMSSZ`. */
  readonly window: string;
  /** Directory name: the window start, followed by `-{session}` when an earlier session had used that window. */
  readonly dir: string;
  readonly state: 'open' | 'closed';
  readonly files: number;
  readonly bytes: number;
  readonly messages: number;
  readonly gaps: number;
  readonly connectionEvents: number;
  readonly firstCaptureNs: bigint | null;
  readonly lastCaptureNs: bigint | null;
  readonly session: string | null;
  /** Closed windows: 'complete' | 'partial' | 'incomplete'. */
  readonly completeness: string | null;
  /** Open windows: the recorder's pid and host. */
  readonly pid: number | null;
  readonly host: string | null;
  /** Open windows: ns since open.json was last rewritten (its updatedAtMs). */
  readonly heartbeatAgeNs: bigint | null;
  readonly liveness: Liveness | null;
  /** Open windows: ns since the last captured message (how far the recording trails now). */
  readonly captureAgeNs: bigint | null;
  /** Open windows: the recorder's latest lag between venue event time and capture time, ms, when it reports one. */
  readonly lagMs: number | null;
  /** Outcome counts of the quality gate (`promoted: 3`), or null while no gate has run on the manifest. */
  readonly promotion: Readonly<Record<string, number>> | null;
}

type Json = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const ns = (v: unknown): bigint | null => (typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

async function readJson(storage: Storage, key: string): Promise<Json | null> {
  try {
    const v = JSON.parse(new TextDecoder().decode(await storage.get(key))) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null; // removed between list and get (the window just closed), or being rewritten
  }
}

/** Counts common to open.json and manifest.json: files with messages and bytes, gaps, events, capture span. */
function counts(doc: Json): Pick<WindowStatus, 'files' | 'bytes' | 'messages' | 'gaps' | 'connectionEvents' | 'firstCaptureNs' | 'lastCaptureNs' | 'session'> {
  const files = list(doc.files);
  const capture = (doc.capture ?? {}) as Json;
  return {
    files: files.length,
    bytes: files.reduce((s, f) => s + num(f.bytes), 0),
    messages: typeof doc.messages === 'number' ? doc.messages : files.reduce((s, f) => s + num(f.messages), 0),
    gaps: list(doc.gaps).length,
    connectionEvents: list(doc.connectionEvents).length,
    firstCaptureNs: ns(doc.firstCaptureNs),
    lastCaptureNs: ns(doc.lastCaptureNs),
    session: str(doc.session) ?? str(capture.session),
  };
}

/** When open.json was last rewritten (its `updatedAtMs`, wall ms), ns since the epoch. */
function heartbeatNs(doc: Json): bigint | null {
  return typeof doc.updatedAtMs === 'number' && Number.isFinite(doc.updatedAtMs) ? BigInt(Math.trunc(doc.updatedAtMs)) * 1_000_000n : null;
}

function liveness(ageNs: bigint | null, pid: number | null, host: string | null, here: string, pidAlive: (pid: number) => boolean): Liveness | null {
  if (pid !== null && host === here && !pidAlive(pid)) return 'dead';
  if (ageNs === null) return null;
  return ageNs > STALE_HEARTBEAT_NS ? 'stale' : 'alive';
}

function promotionOf(quality: Json | null): Record<string, number> | null {
  if (quality === null) return null;
  const out: Record<string, number> = {};
  for (const d of list(quality.datasets)) {
    const outcome = str(d.outcome) ?? 'unknown';
    out[outcome] = (out[outcome] ?? 0) + 1;
  }
  const rejected = list(quality.rejected).length;
  if (rejected > 0) out.rejected = (out.rejected ?? 0) + rejected;
  return out;
}

export interface RecordStatusOptions {
  /** Now, ns since the epoch (heartbeat and capture ages are measured against it). */
  readonly nowNs: bigint;
  /** This machine's host name: a pid is only checked on its own host. */
  readonly host?: string;
  readonly pidAlive?: (pid: number) => boolean;
  /**
   * The spool of a recorder writing to an object store: its open windows' open.json lives there
   * (`{spool}/raw/…`), not in the data root, until the window is published.
   */
  readonly spool?: Storage;
}

/** Every recorded window of the data root, by venue, feed, then newest window first. */
export async function recordStatus(storage: Storage, o: RecordStatusOptions): Promise<WindowStatus[]> {
  /** Per window directory: which of its JSON files exist, and in which storage. */
  const dirs = new Map<string, { venue: string; feed: string; window: string; dir: string; names: Map<string, Storage> }>();
  for (const source of o.spool ? [o.spool, storage] : [storage]) {
    for (const key of await source.list('raw')) {
      const m = WINDOW_KEY.exec(key);
      if (!m || !VENUES.has(m[1]!)) continue;
      const dir = `raw/${m[1]}/${m[2]}/${m[3]}`;
      const entry = dirs.get(dir) ?? { venue: m[1]!, feed: m[2]!, window: m[4]!, dir: m[3]!, names: new Map<string, Storage>() };
      entry.names.set(m[5]!, source);
      dirs.set(dir, entry);
    }
  }
  const read = async (d: { names: Map<string, Storage> }, dir: string, name: string) => {
    const source = d.names.get(name);
    return source ? readJson(source, `${dir}/${name}.json`) : null;
  };
  const here = o.host ?? hostname();
  const out: WindowStatus[] = [];
  for (const [dir, d] of dirs) {
    const quality = await read(d, dir, 'quality');
    const manifest = await read(d, dir, 'manifest');
    const base = { venue: d.venue, feed: d.feed, window: d.window, dir: d.dir, promotion: promotionOf(quality) };
    if (manifest) {
      out.push({ ...base, state: 'closed', ...counts(manifest), completeness: str(manifest.completeness), pid: null, host: str((manifest.capture as Json | undefined)?.host), heartbeatAgeNs: null, liveness: null, captureAgeNs: null, lagMs: null });
      continue;
    }
    const open = await read(d, dir, 'open');
    if (!open) continue;
    const c = counts(open);
    const beat = heartbeatNs(open);
    const heartbeatAgeNs = beat === null ? null : o.nowNs - beat;
    const pid = typeof open.pid === 'number' ? open.pid : null;
    const host = str(open.host);
    out.push({
      ...base,
      state: 'open',
      ...c,
      completeness: null,
      pid,
      host,
      heartbeatAgeNs,
      liveness: liveness(heartbeatAgeNs, pid, host, here, o.pidAlive ?? processExists),
      captureAgeNs: c.lastCaptureNs === null ? null : o.nowNs - c.lastCaptureNs,
      lagMs: typeof open.lagMs === 'number' ? open.lagMs : null,
    });
  }
  return out.sort((a, b) => a.venue.localeCompare(b.venue) || a.feed.localeCompare(b.feed) || b.window.localeCompare(a.window) || b.dir.localeCompare(a.dir));
}

/** The status as JSON: ns as decimal strings, like manifests. */
export function recordStatusJson(windows: readonly WindowStatus[]): string {
  return JSON.stringify(windows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

const seconds = (n: bigint): string => `${(Number(n) / 1e9).toFixed(1)} s`;
const utc = (n: bigint | null): string => (n === null ? '?' : new Date(Number(n / 1_000_000n)).toISOString().slice(11, 23));
const size = (bytes: number): string => (bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

function describeWindow(w: WindowStatus): string {
  const common = `${w.messages} messages in ${w.files} file(s), ${size(w.bytes)}, ${w.gaps} gap(s), captured ${utc(w.firstCaptureNs)} … ${utc(w.lastCaptureNs)} UTC`;
  const promotion = w.promotion === null ? 'promotion pending' : Object.keys(w.promotion).length === 0 ? 'gate ran: no datasets' : Object.entries(w.promotion).map(([k, n]) => `${k} ${n}`).join(', ');
  if (w.state === 'closed') return `  ${w.dir}  closed  ${(w.completeness ?? '?').padEnd(10)} ${common}; ${promotion}`;
  const who = `session ${w.session ?? '?'} pid ${w.pid ?? '?'}@${w.host ?? '?'}`;
  const beat = w.heartbeatAgeNs === null ? 'no heartbeat' : `heartbeat ${seconds(w.heartbeatAgeNs)} ago (${w.liveness})`;
  const lag = `last message ${w.captureAgeNs === null ? 'never' : `${seconds(w.captureAgeNs)} ago`}${w.lagMs === null ? '' : `, lag ${w.lagMs} ms`}`;
  return `  ${w.dir}  open    ${who}, ${beat}; ${common}; ${lag}`;
}

/** Human readable status: one block per venue feed, one line per window. */
export function formatRecordStatus(windows: readonly WindowStatus[], dataRoot: string): string {
  if (windows.length === 0) return `no recordings under ${dataRoot}/raw`;
  const lines: string[] = [];
  let current = '';
  for (const w of windows) {
    const feed = `${w.venue}/${w.feed}`;
    if (feed !== current) {
      const mine = windows.filter((x) => x.venue === w.venue && x.feed === w.feed);
      const open = mine.filter((x) => x.state === 'open').length;
      const pending = mine.filter((x) => x.state === 'closed' && x.promotion === null).length;
      lines.push(`${feed}: ${open} open, ${mine.length - open} closed (${pending} awaiting chassis quality run)`);
      current = feed;
    }
    lines.push(describeWindow(w));
  }
  return lines.join('\n');
}
