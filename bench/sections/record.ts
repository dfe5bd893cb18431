/**
 * Data recording throughput (issue 11): messages/s from capture to durable raw file. A loopback
 * venue in a child process (bench/record-venue.ts) streams the real Binance USD-M BTCUSDT
 * capture (depth@0ms + trade + bookTicker, 93,953 frames per pass) at full speed to:
 * - `record`: the recorder as `chassis record` runs it (createFeedConnector → FeedRecorder →
 *   gzip raw files, fsync, manifest; bench/record-pipeline.ts);
 * - `record-baseline-append-lines`: a ws client appending each message as a line, then fsync;
 * - `record-receive-only`: a ws client that only counts (the ceiling of venue + loopback here);
 * - `record-connector-only`: the connector into a sink that keeps nothing (capture without writing).
 * The four are interleaved sample by sample. Each figure is wall-clock msg/s and msg per CPU
 * second of this process (the machine is shared; CPU time is what load does not inflate).
 * Loss is checked on every sample: the baseline file must hash to exactly the messages sent; the
 * recorder's raw files, read back, must hold the sent frames in order and byte for byte, and any
 * frame missing must be one the writer reported dropped (a recorded gap) — a silent loss throws.
 *
 * The venue is then paced (12,400 and 50,000 msg/s) to measure loss at a venue's real rates, and
 * the recorder runs against the test tree's venue server too (`record-venue-server`, one replay of
 * the capture at full speed per sample, checked against the frames that server says it sent).
 * Also the capture-time overhead per message: ns per read of the recorder's capture clock
 * (MonotonicCaptureClock) against the bare monotonic read, the per-frame metrics cost, and the
 * writer's stages in CPU ns per frame on the real frames.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { gzipSync } from 'node:zlib';
import { createRecordingMetrics, MonotonicCaptureClock } from '@chassis/recording';
import { isSpliceable, rawLine } from '../../packages/recording/src/raw-line.ts';
import { frameLagMs } from '../../packages/recording/src/frame-lag.ts';
import { median, result, sample, type BenchContext, type BenchResult, type BenchSection } from '../types.ts';
import { appendLinesFromSocket, receiveOnly, type CaptureRun } from '../record-baseline.ts';
import { loadRecordFeed, type RecordFeed } from '../record-feed.ts';
import { captureOnly, recordedWsFrames, recordFromVenue } from '../record-pipeline.ts';
import { startRecordVenue, type RecordVenue } from '../record-venue.ts';

/**
 * Venue send rates (msg/s) at which loss is also measured: all Binance symbols' bookTicker at
 * its peak (the issue's figure), and four times that.
 */
const PACED_RATES = [12_400, 50_000];
const PACED_SAMPLES = 3;
const STREAM_PATH = '/public/stream?streams=btcusdt@depth@0ms/btcusdt@trade/btcusdt@bookTicker';

interface Sampled {
  readonly wall: number[];
  readonly cpu: number[];
}
const sampled = (): Sampled => ({ wall: [], cpu: [] });
/** Records a run's rates; `durable` = the messages that reached the file (the recorder may have dropped some). */
function push(into: Sampled, run: CaptureRun, durable = run.messages): void {
  into.wall.push(durable / (run.elapsedMs / 1000));
  into.cpu.push(durable / (run.cpuMs / 1000));
}

function inTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return work(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** One baseline run; throws on any lost, extra or altered message. */
function baselineRun(venue: RecordVenue, expectedSha256: string): Promise<CaptureRun> {
  return inTempDir('chassis-bench-record-baseline-', async (dir) => {
    const path = join(dir, 'lines.jsonl');
    const run = await appendLinesFromSocket(`${venue.wsBaseUrl}${STREAM_PATH}`, venue.messages, path);
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (sha !== expectedSha256) throw new Error(`record baseline: ${path} does not hold exactly the ${venue.messages} messages sent`);
    return run;
  });
}

/**
 * Frames sent but missing from the raw files. Throws when a recorded frame is altered or out of
 * order (the recorded frames must be a subsequence of the sent ones), or when a missing frame was
 * not reported dropped.
 */
function lostFrames(recorded: readonly string[], sentFrames: readonly string[], dropped: number): number {
  let sent = 0;
  for (let i = 0; i < recorded.length; i++) {
    while (sent < sentFrames.length && sentFrames[sent] !== recorded[i]) sent++;
    if (sent === sentFrames.length) throw new Error(`record: recorded frame ${i} is not among the frames sent after the previous one (altered or reordered)`);
    sent++;
  }
  const lost = sentFrames.length - recorded.length;
  if (lost !== dropped) throw new Error(`record: ${lost} frames missing from the raw files but ${dropped} reported dropped: a silent loss`);
  return lost;
}

/** One recorder run into a fresh data root, checked for loss; returns the run and the frames lost (all reported as drops). */
async function recorderRun(venue: RecordVenue, sent: () => Promise<readonly string[]>, session: string): Promise<CaptureRun & { lost: number }> {
  return inTempDir('chassis-bench-record-', async (dataRoot) => {
    const run = await recordFromVenue(venue, dataRoot, session);
    return { ...run, lost: lostFrames(recordedWsFrames(dataRoot), await sent(), run.dropped) };
  });
}

/** The recorder against the test tree's venue server (one replay per server, so a fresh child per sample). */
async function venueServerRuns(samples: number): Promise<{ rates: Sampled; lost: number[]; frames: number }> {
  const rates = sampled();
  const lost: number[] = [];
  let frames = 0;
  for (let i = -1; i < samples; i++) {
    const venue = await startRecordVenue('venue-server');
    try {
      const run = await recorderRun(venue, () => venue.served(), `venue${i + 1}`);
      frames = venue.messages;
      if (i < 0) continue; // warm-up
      push(rates, run, run.messages - run.lost);
      lost.push(run.lost);
    } finally {
      venue.stop();
    }
  }
  return { rates, lost, frames };
}

/** ns per call of `read` over `calls` calls (results stored so the read cannot be optimised away). */
function nsPerCall(read: () => bigint, calls: number): number[] {
  const sink = new BigInt64Array(1024);
  return sample(
    () => {
      for (let i = 0; i < calls; i++) sink[i & 1023] = read();
    },
    (ms) => (ms * 1e6) / calls,
    { clock: 'cpu', samples: 9 },
  );
}

/** ns per RecordingMetrics.frame call (the per-frame metrics cost the writer pays), lag included. */
function metricsFrameNs(calls: number): number[] {
  const metrics = createRecordingMetrics(new Registry());
  return sample(
    () => {
      for (let i = 0; i < calls; i++) metrics.frame('binance-usdm', 'depth+trade+bbo', 295, i & 63);
    },
    (ms) => (ms * 1e6) / calls,
    { clock: 'cpu', samples: 9 },
  );
}

/**
 * Where a frame's CPU goes in the writer, per stage, on the feed's real frames (CPU ns per frame;
 * the connector's socket and sequence work is the rest of record-cpu).
 */
function stageCosts(feed: RecordFeed): BenchResult[] {
  const frames = feed.messages.map((text, i) => ({ source: 'ws' as const, tsCaptureNs: 1_800_000_000_000_000_000n + BigInt(i), connectionId: 'bench-1', text }));
  const perFrame = (ms: number): number => (ms * 1e6) / frames.length;
  let sink = 0;
  const opts = { clock: 'cpu' as const, samples: 5, warmup: 1 };
  const jsonCheck = sample(() => frames.forEach((f) => (sink += isSpliceable(f.text) ? 1 : 0)), perFrame, opts);
  const line = sample(() => frames.forEach((f) => (sink += rawLine(f, 'binance-usdm', 'depth+trade+bbo').length)), perFrame, opts);
  const eventTime = sample(() => frames.forEach((f) => (sink += frameLagMs(f.text, f.tsCaptureNs) ?? 0)), perFrame, opts);
  const text = frames.map((f) => rawLine(f, 'binance-usdm', 'depth+trade+bbo')).join('');
  const gzip = sample(() => (sink += gzipSync(Buffer.from(text, 'utf8'), { level: 1 }).length), perFrame, opts);
  if (sink === 0) throw new Error('record stages: nothing measured');
  const on = `${frames.length.toLocaleString('en-US')} real frames`;
  return [
    result('record-stage-raw-line', 'ns/frame', line, null, `rawLine (envelope + JSON validity check + splice), ${on}`),
    result('record-stage-json-check', 'ns/frame', jsonCheck, null, `isSpliceable alone (JSON.parse of the frame), ${on}`),
    result('record-stage-gzip', 'ns/frame', gzip, null, `gzip level 1 of the raw lines (${(text.length / 1e6).toFixed(1)} MB), ${on}; runs on the libuv pool`),
    result('record-stage-event-time', 'ns/frame', eventTime, null, `frameLagMs (regex for the venue event time), ${on}`),
  ];
}

export const recordSection: BenchSection = {
  name: 'record',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const passes = ctx.quick ? 1 : 2;
    const samples = ctx.quick ? 5 : 7;
    const feed = await loadRecordFeed(passes);
    const expectedSha256 = createHash('sha256').update(feed.messages.join('\n')).update('\n').digest('hex');
    const venue = await startRecordVenue(passes);
    const inputs = `${venue.messages.toLocaleString('en-US')} frames (${(venue.bytes / 1e6).toFixed(1)} MB) per sample: Binance USD-M BTCUSDT depth@0ms+trade+bookTicker capture × ${passes}, loopback ws from a child process at full speed`;
    const url = `${venue.wsBaseUrl}${STREAM_PATH}`;
    const sentFeed = async (): Promise<readonly string[]> => feed.messages;
    const recorder = sampled();
    const baseline = sampled();
    const ceiling = sampled();
    const connectorOnly = sampled();
    const lost: number[] = [];
    const paced = PACED_RATES.map((msgsPerSecond) => ({ msgsPerSecond, lost: [] as number[], ...sampled() }));
    try {
      // One warm-up each, then interleaved so load drift on this shared machine hits all alike.
      await receiveOnly(url, venue.messages);
      await baselineRun(venue, expectedSha256);
      await captureOnly(venue, 'benchwarmup');
      await recorderRun(venue, sentFeed, 'benchwarmup');
      for (let i = 0; i < samples; i++) {
        push(ceiling, await receiveOnly(url, venue.messages));
        push(connectorOnly, await captureOnly(venue, `capture${i}`));
        push(baseline, await baselineRun(venue, expectedSha256));
        const run = await recorderRun(venue, sentFeed, `bench${i}`);
        push(recorder, run, run.messages - run.lost);
        lost.push(run.lost);
      }
      for (const p of paced) {
        await venue.pace(p.msgsPerSecond);
        for (let i = 0; i < PACED_SAMPLES; i++) {
          const run = await recorderRun(venue, sentFeed, `paced${p.msgsPerSecond}x${i}`);
          push(p, run, run.messages - run.lost);
          p.lost.push(run.lost);
        }
      }
    } finally {
      venue.stop();
    }
    const server = await venueServerRuns(PACED_SAMPLES);
    const clock = new MonotonicCaptureClock();
    const [captureClock, hrtime] = [nsPerCall(() => clock.nowNs(), 2_000_000), nsPerCall(() => process.hrtime.bigint(), 2_000_000)];
    return [
      result('record', 'msg/s', recorder.wall, median(baseline.wall), `${inputs}; connector → FeedRecorder (64 MiB buffer, 1 s flushes, gzip level 1) → fsync + manifest; durable frames / time from connect to manifest; baseline = append lines`),
      result('record-cpu', 'msg/CPU-s', recorder.cpu, median(baseline.cpu), 'the same runs per CPU second of the recorder process (all threads: gzip and fs included)'),
      result('record-lost-frames', 'frames', lost, null, 'frames sent but not in the raw files (each one reported dropped, a recorded gap; a silent loss fails the section)'),
      ...paced.flatMap((p) => [
        result(`record-paced-${p.msgsPerSecond}`, 'msg/s', p.wall, null, `the recorder with the venue sending at ${p.msgsPerSecond.toLocaleString('en-US')} msg/s (durable frames / time)`),
        result(`record-paced-${p.msgsPerSecond}-lost-frames`, 'frames', p.lost, null, `frames lost at ${p.msgsPerSecond.toLocaleString('en-US')} msg/s (each a reported drop)`),
      ]),
      result('record-venue-server', 'msg/s', server.rates.wall, null, `the recorder from the test tree's venue server (test/venue-server: USD-M routes, REST depth from the served book) replaying the capture once at full speed, ${server.frames.toLocaleString('en-US')} frames; checked against what it served`),
      result('record-venue-server-cpu', 'msg/CPU-s', server.rates.cpu),
      result('record-venue-server-lost-frames', 'frames', server.lost),
      result('record-baseline-append-lines', 'msg/s', baseline.wall, null, 'ws client → append line → fsync; no loss (sha256 of the file = the messages sent)'),
      result('record-baseline-append-lines-cpu', 'msg/CPU-s', baseline.cpu),
      result('record-receive-only', 'msg/s', ceiling.wall, null, 'ws client that only counts: the ceiling of this venue child, loopback and machine'),
      result('record-connector-only', 'msg/s', connectorOnly.wall, null, 'createFeedConnector into a sink that keeps nothing: socket, capture clock, sequence watch, REST snapshot'),
      result('record-connector-only-cpu', 'msg/CPU-s', connectorOnly.cpu),
      result('record-capture-clock', 'ns/read', captureClock, median(hrtime), 'MonotonicCaptureClock.nowNs() (anchor + hrtime, clamped), once per frame; baseline = process.hrtime.bigint()'),
      result('record-metrics-frame', 'ns/frame', metricsFrameNs(2_000_000), null, 'createRecordingMetrics(...).frame(venue, feed, bytes, lagMs): counters, lag bucket, Date.now'),
      ...stageCosts(await loadRecordFeed(1)),
    ];
  },
};
