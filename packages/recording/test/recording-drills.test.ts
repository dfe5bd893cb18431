/**
 * Drills end to end: the venue server inflicts a failure on a live recording (real connector,
 * real writer, Binance USD-M protocol); the recording recovers, and what was lost is a recorded
 * gap in the manifest, never a silent hole. Every frame the server did send is still in raw
 * exactly once. The drills run concurrently, each on its own server and data root.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runPendingManifests, type DatasetManifest } from '@chassis/quality';
import { readCapture, type ConnectionEvent } from '@chassis/venues';
import type { ConnectionDrill, Drill, VenueServer } from '../../../test/venue-server/index.ts';
import { finishRecording, multisetDifferences, publishedWindows, rawLines, removeRecordingRoots, startRecording, until, type Recording } from './venue-recording.ts';

afterAll(removeRecordingRoots);

/**
 * Connector timings shortened so each drill resolves within a second or two. The silence
 * threshold stays above the event-loop stalls of nine recordings sharing a loaded 2-core
 * machine (a stall longer than it reads as silence and restarts a healthy connection).
 */
const FAST = { silenceMs: 1_200, backoffBaseMs: 20, backoffMaxMs: 100, pingIntervalMs: 200 };

interface DrillPlan {
  /** Venue of the recording (default Binance USD-M BTCUSDT). */
  readonly venue?: 'binance-usdm' | 'okx' | 'bybit-linear';
  /** Drills armed for the first connection, before the connector starts. */
  readonly first?: readonly Drill[];
  /** Drills armed on the open connections once this many frames were recorded and `when` holds, if given (silence drills: the connector restarts the connection). */
  readonly later?: { readonly afterFrames: number; readonly when?: (rec: Recording) => boolean; readonly drills: readonly Drill[] };
  /** Drills on every connection of the server (its standing rules). */
  readonly standing?: readonly ConnectionDrill[];
  /** The recording is stopped only once this holds (the drill has played out). */
  readonly settled: (rec: Recording) => boolean;
  readonly pongTimeoutMs?: number;
  readonly rotateAfterMs?: number;
  /** Capture seconds replayed (default 40). */
  readonly maxSpanS?: number;
}

async function drilled(plan: DrillPlan): Promise<Recording & { manifest: DatasetManifest }> {
  const venue = plan.venue ?? 'binance-usdm';
  const rec = await startRecording({
    venue,
    symbols: venue === 'okx' ? ['BTC-USDT'] : ['BTCUSDT'],
    channels: ['depth', 'trade', 'bbo'],
    overrides: { ...FAST, ...(plan.rotateAfterMs !== undefined ? { rotateAfterMs: plan.rotateAfterMs } : {}) },
    // 40 s of a Binance capture at 8x: 5 s of market, long enough for a drill and the recovery
    // after it; the OKX capture's 11 s at 2x.
    server: { venue, speed: venue === 'okx' ? 2 : 8, maxSpanS: plan.maxSpanS ?? 40, pingIntervalMs: 100, pongTimeoutMs: plan.pongTimeoutMs ?? 5_000, standingDrills: plan.standing ?? [] },
    prepare: (venue: VenueServer) => {
      for (const d of plan.first ?? []) venue.drill(d, 'next');
    },
  });
  if (plan.later !== undefined) {
    await until('frames before the drill', () => rec.frames.length >= plan.later!.afterFrames && (plan.later!.when?.(rec) ?? true));
    for (const d of plan.later.drills) rec.venue.drill(d, 'all');
    // The market runs through the silence the drill causes; once the connector gave up on the
    // connection it holds still until the replacement is open, so that data resumes on it even
    // when a loaded machine made the detection late.
    await until('the connector to restart the silent connection', () => has('silent')(rec), 30_000);
    rec.venue.pause();
    await until('the replacement connection', () => rec.venue.openConnections().length > 0 && rec.events.map((e) => e.type).lastIndexOf('open') > rec.events.map((e) => e.type).lastIndexOf('silent'), 30_000);
    rec.venue.resume();
  }
  await until('the drill to play out', () => plan.settled(rec), 30_000);
  await finishRecording(rec, { now: true });
  const windows = publishedWindows(rec.root, venue, rec.feed);
  expect(windows.length).toBeGreaterThan(0);
  expect(windows.every((w) => w.manifest !== null)).toBe(true);
  return { ...rec, manifest: windows[windows.length - 1]!.manifest! };
}

const has = (type: string) => (rec: Recording) => rec.events.some((e) => e.type === type);
/** The book synced again after the last event of this type. */
const resyncedAfter = (type: string) => (rec: Recording) => {
  const types = rec.events.map((e) => e.type);
  const last = types.lastIndexOf(type as never);
  return last >= 0 && types.lastIndexOf('synced') > last;
};
const hasAll =
  (...t: string[]) =>
  (rec: Recording) =>
    t.every((x) => has(x)(rec));

function types(events: readonly ConnectionEvent[]): string[] {
  return events.map((e) => e.type);
}

/** Every served frame recorded exactly once, byte for byte. */
function recordedExactlyOnce(rec: Recording, venue = 'binance-usdm'): string[] {
  const ws = rawLines(rec.root, venue, rec.feed).filter((l) => l.url === undefined);
  return multisetDifferences(
    rec.venue.served.map((f) => f.text),
    ws.map((l) => l.frame),
  );
}

describe.concurrent('drills on a live Binance USD-M recording', () => {
  it('a dropped connection is reconnected, resynced from a new REST snapshot, and the outage is a gap in the manifest', async () => {
    const rec = await drilled({ first: [{ kind: 'drop', afterMessages: 300 }], settled: resyncedAfter('gap') });
    expect(recordedExactlyOnce(rec)).toEqual([]);
    expect(new Set(rec.frames.map((f) => f.connectionId)).size).toBeGreaterThanOrEqual(2);
    expect(rec.venue.restLog.filter((x) => x.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(rec.manifest.gaps.length).toBeGreaterThanOrEqual(1);
    expect(rec.manifest.connectionEvents!.map((e) => e.type)).toEqual(expect.arrayContaining(['closed', 'reconnect-scheduled']));
  });

  it('a malformed frame is kept verbatim as text, reported malformed, the stream goes on, and the gate promotes the window with the frame as a gap of the feed', async () => {
    const rec = await drilled({ first: [{ kind: 'malformed', afterMessages: 200 }], settled: has('malformed') });
    expect(recordedExactlyOnce(rec)).toEqual([]);
    const broken = rawLines(rec.root, 'binance-usdm', rec.feed).filter((l) => !l.spliced);
    expect(broken.map((l) => l.frame)).toEqual(rec.venue.servedFrames('malformed').map((f) => f.text));
    expect(types(rec.events)).toContain('malformed');
    expect(rec.manifest.gaps).toEqual([]);
    const results = (await runPendingManifests(rec.storage)).flatMap((r) => r.results);
    expect(results.flatMap((r) => r.sourceGaps.map((g) => g.message))).toEqual(broken.map(() => expect.stringMatching(/^gap: malformed frame from the venue: /)));
    expect(results.flatMap((r) => r.datasets).filter((d) => d.outcome === 'quarantined')).toEqual([]);
  });

  it('after a malformed frame the book is resynced from a new snapshot and the recorded book resumes promoted at it', async () => {
    // Armed once the book is synced, so the frame interrupts a synced book.
    const rec = await drilled({ later: { afterFrames: 300, when: has('synced'), drills: [{ kind: 'malformed', afterMessages: 200 }] }, settled: resyncedAfter('malformed') });
    const frameAt = rec.events.findIndex((e) => e.type === 'malformed');
    const after = rec.events.slice(frameAt);
    // Only the malformed frame's resync is asserted: on a loaded machine the short test silence
    // threshold can also restart a connection, which resyncs for its own reason.
    expect(after.filter((e) => e.type === 'resync' && e.reason.includes('malformed frame')).map((e) => e.instrument)).toEqual(['BTCUSDT']);
    expect(after.some((e) => e.type === 'synced' && e.reason.includes('malformed frame'))).toBe(true);

    const lines = rawLines(rec.root, 'binance-usdm', rec.feed);
    const frameNs = lines.find((l) => !l.spliced)!.tsLocalNs;
    const snapshots = lines.filter((l) => l.url !== undefined);
    expect(snapshots.filter((l) => l.tsLocalNs < frameNs).length).toBeGreaterThanOrEqual(1); // the initial sync, before the frame
    const resyncSnapshot = snapshots.find((l) => l.tsLocalNs > frameNs)!;
    const snapshotNs = BigInt((JSON.parse(resyncSnapshot.frame) as { E: number }).E) * 1_000_000n;
    // The malformed frame may be a cut depthUpdate: only whole data frames count.
    const lastDiffNs = Math.max(...rec.venue.servedFrames('data').filter((f) => f.text.includes('"depthUpdate"')).map((f) => (JSON.parse(f.text) as { data: { E: number } }).data.E));

    const results = (await runPendingManifests(rec.storage)).flatMap((r) => r.results);
    const books = results.flatMap((r) => r.datasets).filter((d) => d.meta.kind === 'book_delta');
    const resumed = books.find((d) => d.meta.startNs === snapshotNs)!;
    expect(resumed).toMatchObject({ outcome: 'promoted', meta: { startsWithSnapshot: true, endNs: BigInt(lastDiffNs) * 1_000_000n } });
    const before = books.find((d) => d.meta.segment === 0)!;
    expect(before).toMatchObject({ outcome: 'promoted', meta: { startsWithSnapshot: true } });
    // Whatever is not promoted lies between the frame (after the book before it) and the resync snapshot.
    for (const d of books.filter((x) => x.outcome !== 'promoted' && x.outcome !== 'already_present')) {
      expect(d.meta.startNs > before.meta.endNs && d.meta.endNs < snapshotNs).toBe(true);
    }
  });

  it('a connection that stops answering pings and sending is restarted as silent, and the silence is a gap', async () => {
    const rec = await drilled({ later: { afterFrames: 100, drills: [{ kind: 'unresponsive' }] }, pongTimeoutMs: 60_000, maxSpanS: 80, settled: hasAll('silent', 'gap') });
    expect(recordedExactlyOnce(rec)).toEqual([]);
    expect(types(rec.events)).toContain('silent');
    expect(rec.manifest.gaps.length).toBeGreaterThanOrEqual(1);
    expect(new Set(rec.frames.map((f) => f.connectionId)).size).toBeGreaterThanOrEqual(2);
  });

  it('a connection that goes silent without closing (still answering pings) is restarted, and the silence is a gap', async () => {
    const rec = await drilled({ later: { afterFrames: 100, drills: [{ kind: 'silent' }] }, maxSpanS: 80, settled: hasAll('silent', 'gap') });
    expect(types(rec.events)).toContain('silent');
    expect(rec.manifest.gaps.length).toBeGreaterThanOrEqual(1);
    expect(recordedExactlyOnce(rec)).toEqual([]);
  });

  it('a skipped sequence number is detected, the book resynced from a new snapshot, and the break is a gap naming the symbol', async () => {
    const rec = await drilled({ first: [{ kind: 'skip-sequence', afterMessages: 60 }], settled: resyncedAfter('resync') });
    expect(recordedExactlyOnce(rec)).toEqual([]);
    expect(types(rec.events)).toEqual(expect.arrayContaining(['gap', 'resync']));
    expect(rec.manifest.gaps.some((g) => g.instrument === 'BTCUSDT')).toBe(true);
    expect(rec.venue.restLog.filter((x) => x.status === 200).length).toBeGreaterThanOrEqual(2);
  });

  it('a delayed snapshot is waited for: the book syncs after it, with no gap', async () => {
    const rec = await drilled({ first: [{ kind: 'delay-snapshot', delayMs: 600 }], settled: has('synced') });
    expect(recordedExactlyOnce(rec)).toEqual([]);
    const requested = rec.events.find((e) => e.type === 'snapshot-requested')!;
    const synced = rec.events.find((e) => e.type === 'synced')!;
    expect(Number(synced.tsNs - requested.tsNs) / 1e6).toBeGreaterThanOrEqual(550);
    expect(rec.manifest.gaps).toEqual([]);
  });

  it('a 429 on the REST snapshot is honoured (Retry-After) and the snapshot fetched after it, with no gap', async () => {
    const rec = await drilled({ first: [{ kind: 'rate-limit', on: 'rest', retryAfterS: 1 }], settled: has('synced') });
    const limited = rec.events.find((e) => e.type === 'rate-limited');
    expect(limited?.delayMs).toBeGreaterThanOrEqual(1000);
    expect(rec.venue.restLog.map((x) => x.status)).toEqual([429, 200]);
    expect(types(rec.events)).toContain('synced');
    expect(rec.manifest.gaps).toEqual([]);
  });

  it('a 429 on the WebSocket upgrade is honoured (Retry-After) before connecting again', async () => {
    const rec = await drilled({ first: [{ kind: 'rate-limit', on: 'ws-upgrade', retryAfterS: 1 }], settled: has('synced') });
    const limited = rec.events.find((e) => e.type === 'rate-limited');
    expect(limited?.delayMs).toBeGreaterThanOrEqual(1000);
    expect(recordedExactlyOnce(rec)).toEqual([]);
    expect(types(rec.events)).toContain('synced');
  });

  it('the venue’s forced disconnect (24 h rule, shortened) is pre-empted by rotation: data keeps flowing on a new connection', async () => {
    const rec = await drilled({ standing: [{ kind: 'force-disconnect', afterMs: 1_500 }], rotateAfterMs: 800, settled: has('rotated') });
    expect(recordedExactlyOnce(rec)).toEqual([]);
    expect(types(rec.events)).toContain('rotated');
    expect(new Set(rec.frames.map((f) => f.connectionId)).size).toBeGreaterThanOrEqual(2);
  });

  it('OKX: a skipped seqId is detected and the book resubscribed; the venue’s fresh snapshot resyncs it, and the break is a gap', async () => {
    const rec = await drilled({ venue: 'okx', first: [{ kind: 'skip-sequence', afterMessages: 15 }], settled: resyncedAfter('resync') });
    expect(recordedExactlyOnce(rec, 'okx')).toEqual([]);
    expect(rec.manifest.gaps.some((g) => g.instrument === 'BTC-USDT')).toBe(true);
    const snapshots = rec.frames.filter((f) => f.text.startsWith('{"arg":{"channel":"books"') && f.text.includes('"action":"snapshot"'));
    expect(snapshots.length).toBe(2);
    // Read back as the quality gate reads it: the break (and the resync that ends it) are gaps; every
    // checksum verifies, also on the snapshot the venue computed for the resubscription.
    const issues: string[] = [];
    for (const file of publishedWindows(rec.root, 'okx', rec.feed).flatMap((w) => w.partFiles)) {
      for await (const r of readCapture(file)) if (r.kind === 'sync_issue' && r.issue !== 'unknown_field') issues.push(r.issue);
    }
    expect(issues.length).toBeGreaterThan(0);
    expect(new Set(issues)).toEqual(new Set(['gap']));
  });

  it('Bybit: a skipped u is detected and the book resubscribed; the venue’s fresh snapshot resyncs it, and the break is a gap', async () => {
    const rec = await drilled({ venue: 'bybit-linear', first: [{ kind: 'skip-sequence', afterMessages: 40 }], settled: resyncedAfter('resync') });
    expect(recordedExactlyOnce(rec, 'bybit-linear')).toEqual([]);
    expect(rec.manifest.gaps.some((g) => g.instrument === 'BTCUSDT')).toBe(true);
    expect(rec.frames.filter((f) => f.text.startsWith('{"topic":"orderbook.1000.') && f.text.includes('"type":"snapshot"')).length).toBe(2);
  });
});
