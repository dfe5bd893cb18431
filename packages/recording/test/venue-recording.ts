/**
 * End-to-end test support: record a feed from the venue server (test/venue-server) with the real
 * connector (createFeedConnector) and writer (FeedRecorder), then read back what was published —
 * raw lines with their verbatim message text, manifests — for comparison with what the server
 * says it served.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FsStorage } from '@chassis/storage';
import { parseManifest, type DatasetManifest } from '@chassis/quality';
import { createFeedConnector, feedName, type CapturedFrame, type ConnectionEvent, type FeedConnector, type ProtocolOverrides, type RecordChannel, type VenueId } from '@chassis/venues';
import { FeedRecorder, MonotonicCaptureClock, type FeedRecorderOptions, type RecordingLog } from '../src/index.ts';
import { startVenueServer, type VenueServer, type VenueServerOptions } from '../../../test/venue-server/index.ts';

export interface Recording {
  readonly root: string;
  readonly storage: FsStorage;
  readonly venue: VenueServer;
  readonly recorder: FeedRecorder;
  readonly connector: FeedConnector;
  readonly feed: string;
  /** Every connection event the connector emitted, in order. */
  readonly events: ConnectionEvent[];
  /** Every frame the connector delivered, in order. */
  readonly frames: CapturedFrame[];
}

export interface RecordOptions {
  readonly server: VenueServerOptions;
  readonly venue: VenueId;
  readonly symbols: readonly string[];
  readonly channels: readonly RecordChannel[];
  readonly overrides?: ProtocolOverrides;
  readonly recorder?: Partial<FeedRecorderOptions>;
  /** Called with the server before the connector starts (to arm drills for its first connection). */
  readonly prepare?: (venue: VenueServer) => void;
}

const roots: string[] = [];

/** Removes the data roots made by startRecording (call in afterEach/afterAll). */
export function removeRecordingRoots(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

export const quietLog: RecordingLog = { info: () => {}, warn: () => {}, error: () => {} };

/** Starts the venue server, then a connector delivering to a FeedRecorder on a fresh data root. */
export async function startRecording(o: RecordOptions): Promise<Recording> {
  const root = mkdtempSync(join(tmpdir(), 'chassis-e2e-'));
  roots.push(root);
  const venue = await startVenueServer(o.server);
  o.prepare?.(venue);
  const storage = new FsStorage(root);
  const clock = new MonotonicCaptureClock();
  const feed = feedName({ channels: o.channels });
  const session = `e2e${Date.now().toString(36)}`;
  const recorder = new FeedRecorder({
    storage,
    spoolDir: root,
    venue: o.venue,
    feed,
    symbols: o.symbols,
    session,
    windowNs: 3_600_000_000_000n,
    flushIntervalMs: 100,
    bufferLimitBytes: 64 * 1024 * 1024,
    clock,
    log: quietLog,
    ...o.recorder,
  });
  const events: ConnectionEvent[] = [];
  const frames: CapturedFrame[] = [];
  const connector = createFeedConnector(
    { venue: o.venue, symbols: o.symbols, channels: o.channels },
    {
      clock,
      sink: {
        frame: (f) => {
          frames.push(f);
          recorder.frame(f);
        },
        event: (e) => {
          events.push(e);
          recorder.event(e);
        },
      },
      endpoints: { wsBaseUrl: venue.wsBaseUrl, restBaseUrl: venue.restBaseUrl },
      connectionIdPrefix: session,
      random: () => 0.5,
      ...(o.overrides !== undefined ? { overrides: o.overrides } : {}),
    },
  );
  connector.start();
  return { root, storage, venue, recorder, connector, feed, events, frames };
}

/** Waits until `condition` holds, polling every 10 ms; fails with `what` after timeoutMs. */
export async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Frames the server sent over WebSocket connections (data, replies, malformed), as texts. */
export function servedWsTexts(venue: VenueServer): string[] {
  return venue.served.map((f) => f.text);
}

/** Waits for the replay to end and the connector to have received everything served, then stops both. */
export async function finishRecording(r: Recording, reason = 'end of the e2e test'): Promise<void> {
  await r.venue.ended;
  await until('the connector to receive every served frame', () => r.frames.filter((f) => f.source === 'ws' && f.keepAlive !== true).length >= r.venue.served.filter((s) => !isKeepAliveReply(s.text)).length);
  await r.connector.stop(reason);
  await r.recorder.close(reason);
  await r.venue.close();
}

/** Keep-alive replies (OKX `pong`, Bybit's pong JSON) that the connector flags keepAlive. */
function isKeepAliveReply(text: string): boolean {
  return text === 'pong' || text.includes('"ret_msg":"pong"');
}

/** One raw line as published. */
export interface RawLine {
  readonly tsLocalNs: bigint;
  readonly connectionId: string;
  readonly url?: string;
  readonly instrument?: string;
  /** The frame text: the verbatim `message` bytes, or the decoded `text` of a frame that is not JSON. */
  readonly frame: string;
  readonly spliced: boolean;
  readonly file: string;
}

const MESSAGE_KEY = ',"message":';

/** Splits one raw line into its envelope and the frame text (the `message` value is the line's tail, verbatim). */
export function parseRawLine(line: string, file: string): RawLine {
  const at = line.indexOf(MESSAGE_KEY);
  const head = JSON.parse(at >= 0 ? `${line.slice(0, at)}}` : line) as { tsLocalNs: string; connectionId: string; url?: string; instrument?: string; text?: string };
  return {
    tsLocalNs: BigInt(head.tsLocalNs),
    connectionId: head.connectionId,
    ...(head.url !== undefined ? { url: head.url } : {}),
    ...(head.instrument !== undefined ? { instrument: head.instrument } : {}),
    frame: at >= 0 ? line.slice(at + MESSAGE_KEY.length, -1) : head.text!,
    spliced: at >= 0,
    file,
  };
}

export interface PublishedWindow {
  readonly dir: string;
  readonly manifest: DatasetManifest | null;
  readonly partFiles: string[];
}

/** Windows under raw/{venue}/{feed}/, in time order, with their manifests (null while unpublished). */
export function publishedWindows(root: string, venue: string, feed: string): PublishedWindow[] {
  const feedDir = join(root, 'raw', venue, feed);
  if (!existsSync(feedDir)) return [];
  return readdirSync(feedDir)
    .sort()
    .map((w) => {
      const dir = join(feedDir, w);
      const manifestPath = join(dir, 'manifest.json');
      const manifest = existsSync(manifestPath) ? parseManifest(manifestPath, readFileSync(manifestPath, 'utf8')) : null;
      const partFiles = readdirSync(dir)
        .filter((f) => f.endsWith('.jsonl.gz'))
        .sort()
        .map((f) => join(dir, f));
      return { dir, manifest, partFiles };
    });
}

/** Every raw line of a feed, in file order (windows, then parts, then lines). */
export function rawLines(root: string, venue: string, feed: string): RawLine[] {
  const out: RawLine[] = [];
  for (const w of publishedWindows(root, venue, feed)) {
    for (const file of w.partFiles) {
      const text = gunzipSync(readFileSync(file)).toString('utf8');
      for (const line of text.split('\n')) if (line.length > 0) out.push(parseRawLine(line, file));
    }
  }
  return out;
}

/** What differs between a manifest and the files it lists (empty when they match). */
export function manifestMismatches(root: string, m: DatasetManifest): string[] {
  const out: string[] = [];
  let first: bigint | null = null;
  let last: bigint | null = null;
  let total = 0;
  for (const f of m.files) {
    const path = join(root, f.key);
    if (!existsSync(path)) {
      out.push(`${f.key}: listed but missing`);
      continue;
    }
    const bytes = readFileSync(path);
    if (bytes.length !== f.bytes) out.push(`${f.key}: ${bytes.length} bytes, manifest says ${f.bytes}`);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== f.sha256) out.push(`${f.key}: sha256 ${sha}, manifest says ${f.sha256}`);
    const lines = gunzipSync(bytes)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => parseRawLine(l, path));
    if (lines.length !== f.messages) out.push(`${f.key}: ${lines.length} lines, manifest says ${f.messages}`);
    total += lines.length;
    if (lines.length > 0) {
      first ??= lines[0]!.tsLocalNs;
      last = lines[lines.length - 1]!.tsLocalNs;
    }
  }
  if (m.messages !== undefined && m.messages !== total) out.push(`messages ${m.messages}, files hold ${total}`);
  if (m.firstCaptureNs !== undefined && first !== null && BigInt(m.firstCaptureNs) !== first) out.push(`firstCaptureNs ${m.firstCaptureNs}, first line ${first}`);
  if (m.lastCaptureNs !== undefined && last !== null && BigInt(m.lastCaptureNs) !== last) out.push(`lastCaptureNs ${m.lastCaptureNs}, last line ${last}`);
  return out;
}

/** Counts of each text in a list (a multiset). */
export function countTexts(texts: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of texts) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/** Differences between two multisets of texts, described briefly (empty when equal). */
export function multisetDifferences(expected: readonly string[], actual: readonly string[], limit = 5): string[] {
  const want = countTexts(expected);
  const got = countTexts(actual);
  const out: string[] = [];
  for (const [t, n] of want) if ((got.get(t) ?? 0) !== n && out.length < limit) out.push(`served ${n}×, recorded ${got.get(t) ?? 0}×: ${t.slice(0, 100)}`);
  for (const [t, n] of got) if (!want.has(t) && out.length < limit) out.push(`recorded ${n}×, never served: ${t.slice(0, 100)}`);
  return out;
}
