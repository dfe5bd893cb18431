/**
 * The record benchmark's figure: one feed recorded as `chassis record` records it —
 * createFeedConnector (@chassis/venues: socket, capture clock, sequence watch, REST snapshot)
 * delivering to a FeedRecorder (@chassis/recording: raw line, bounded buffer, gzip member per
 * flush, fsync, manifest) on a local data root — and the check that nothing was lost: the raw
 * files, read back, hold every frame the venue sent, in order, byte for byte.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Registry } from 'prom-client';
import { createRecordingMetrics, FeedRecorder, MonotonicCaptureClock } from '@chassis/recording';
import { FsStorage } from '@chassis/storage';
import { createFeedConnector, feedName, type CaptureClock, type CapturedFrame, type ConnectionEvent, type ConnectorSink, type FeedSpec } from '@chassis/venues';
import { captureRunSince, type CaptureRun } from './record-baseline.ts';
import type { RecordVenue } from './record-venue.ts';

export const RECORD_SPEC: FeedSpec = { venue: 'binance-usdm', symbols: ['BTCUSDT'], channels: ['depth', 'trade', 'bbo'] };
const silentLog = { info: () => {}, warn: () => {}, error: () => {} };

export interface PipelineRun extends CaptureRun {
  /** Connection events of the run by type (a healthy run: connecting, open, subscribed, snapshot-*, synced). */
  readonly events: Readonly<Record<string, number>>;
  /** Frames the writer dropped because its buffer was full (chassis_record_dropped_messages_total). */
  readonly dropped: number;
}

/**
 * Runs the connector against the venue until all `venue.messages` ws frames reached `sink`, or
 * `failed` rejects first, then stops it; `finish` (the writer's close) runs inside the timed span.
 */
async function captureAll(venue: RecordVenue, session: string, clock: CaptureClock, sink: ConnectorSink, failed: Promise<never>, finish: () => Promise<void>): Promise<CaptureRun & { events: Record<string, number> }> {
  const events: Record<string, number> = {};
  let frames = 0;
  let allCaptured!: () => void;
  const captured = new Promise<void>((resolve) => (allCaptured = resolve));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const connector = createFeedConnector(RECORD_SPEC, {
    clock,
    connectionIdPrefix: session,
    endpoints: { wsBaseUrl: venue.wsBaseUrl, restBaseUrl: venue.restBaseUrl },
    sink: {
      frame(f: CapturedFrame) {
        sink.frame(f);
        if (f.source === 'ws' && ++frames === venue.messages) allCaptured();
      },
      event(e: ConnectionEvent) {
        events[e.type] = (events[e.type] ?? 0) + 1;
        sink.event(e);
      },
    },
  });
  connector.start();
  await Promise.race([captured, failed]);
  await connector.stop('bench: all frames captured');
  await finish();
  return { ...captureRunSince(t0, cpu0, frames), events };
}

/** The connector alone (socket, capture clock, sequence watch, REST snapshot) into a sink that keeps nothing. */
export function captureOnly(venue: RecordVenue, session: string): Promise<CaptureRun> {
  const discard: ConnectorSink = { frame: () => {}, event: () => {} };
  return captureAll(venue, session, new MonotonicCaptureClock(), discard, new Promise<never>(() => {}), async () => {});
}

/**
 * Records the venue's feed into `dataRoot` until all `venue.messages` ws frames were captured,
 * then stops the connector and closes the window (flush, fsync, manifest).
 */
export async function recordFromVenue(venue: RecordVenue, dataRoot: string, session: string): Promise<PipelineRun> {
  const registry = new Registry();
  const clock = new MonotonicCaptureClock();
  const recorder = new FeedRecorder({
    storage: new FsStorage(dataRoot),
    spoolDir: dataRoot,
    venue: RECORD_SPEC.venue,
    feed: feedName(RECORD_SPEC),
    symbols: RECORD_SPEC.symbols,
    session,
    windowNs: 3_600_000_000_000n,
    flushIntervalMs: 1000,
    bufferLimitBytes: 64 * 1024 * 1024,
    clock,
    metrics: createRecordingMetrics(registry),
    log: silentLog,
  });
  const failed = recorder.failed.then((e) => Promise.reject(e));
  const run = await captureAll(venue, session, clock, recorder, failed, () => recorder.close('bench: all frames captured'));
  const dropped = (await registry.getSingleMetric('chassis_record_dropped_messages_total')!.get()).values[0]?.value ?? 0;
  return { ...run, dropped };
}

/** The frame texts of the ws lines of every raw file under `dataRoot`, in file and line order. */
export function recordedWsFrames(dataRoot: string): string[] {
  const frames: string[] = [];
  const feedDir = join(dataRoot, 'raw', RECORD_SPEC.venue, feedName(RECORD_SPEC));
  for (const window of readdirSync(feedDir).sort()) {
    for (const file of readdirSync(join(feedDir, window)).filter((f) => f.endsWith('.jsonl.gz')).sort()) {
      const text = gunzipSync(readFileSync(join(feedDir, window, file))).toString('utf8');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const at = line.indexOf(',"message":');
        if (at >= 0 && line.slice(0, at).includes(',"url":')) continue; // a REST snapshot
        frames.push(at < 0 ? line : line.slice(at + ',"message":'.length, -1));
      }
    }
  }
  return frames;
}
