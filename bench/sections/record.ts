/**
 * Data recording throughput (issue 11): messages/s from capture to durable raw file, receiving
 * the real Binance USD-M BTCUSDT capture (depth@0ms + trade + bookTicker, 93,953 frames per
 * pass) from a loopback venue in another process at full speed. Baseline in the same run,
 * interleaved sample by sample: a ws client appending each message as a line to a file and
 * fsyncing it (bench/record-baseline.ts). Every sample is checked for loss: the baseline file
 * must hash to exactly the messages sent, in order.
 *
 * Also the capture-time overhead per message: ns per clock read.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { result, sample, type BenchContext, type BenchResult, type BenchSection } from '../types.ts';
import { Registry } from 'prom-client';
import { createRecordingMetrics } from '@chassis/recording';
import { appendLinesFromSocket, receiveOnly, type CaptureRun } from '../record-baseline.ts';
import { loadRecordFeed } from '../record-feed.ts';
import { startRecordVenue, type RecordVenue } from '../record-venue.ts';

const STREAM_PATH = '/public/stream?streams=btcusdt@depth@0ms/btcusdt@trade/btcusdt@bookTicker';

const perSecond = (run: CaptureRun): number => run.messages / (run.elapsedMs / 1000);

/** One baseline sample in a fresh directory; throws on any lost, extra or altered message. */
async function baselineSample(venue: RecordVenue, expectedSha256: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'chassis-bench-record-baseline-'));
  try {
    const path = join(dir, 'lines.jsonl');
    const run = await appendLinesFromSocket(`${venue.wsBaseUrl}${STREAM_PATH}`, venue.messages, path);
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (sha !== expectedSha256) throw new Error(`record baseline: ${path} does not hold exactly the ${venue.messages} messages sent`);
    return perSecond(run);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

/** ns per call of `read`, over `calls` calls (results stored so the read cannot be optimised away). */
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

export const recordSection: BenchSection = {
  name: 'record',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const passes = ctx.quick ? 1 : 2;
    const samples = ctx.quick ? 5 : 7;
    const feed = await loadRecordFeed(passes);
    const expectedSha256 = createHash('sha256').update(feed.messages.join('\n')).update('\n').digest('hex');
    const venue = await startRecordVenue(passes);
    const inputs = `${venue.messages.toLocaleString('en-US')} frames (${(venue.bytes / 1e6).toFixed(1)} MB): Binance USD-M BTCUSDT depth@0ms+trade+bookTicker capture × ${passes}, loopback ws from a child process at full speed`;
    const url = `${venue.wsBaseUrl}${STREAM_PATH}`;
    const baseline: number[] = [];
    const ceiling: number[] = [];
    try {
      // One warm-up each, then interleaved so load drift on this shared machine hits all alike.
      await receiveOnly(url, venue.messages);
      await baselineSample(venue, expectedSha256);
      for (let i = 0; i < samples; i++) {
        ceiling.push(perSecond(await receiveOnly(url, venue.messages)));
        baseline.push(await baselineSample(venue, expectedSha256));
      }
    } finally {
      venue.stop();
    }
    const hrtime = nsPerCall(() => process.hrtime.bigint(), 2_000_000);
    const metricsFrame = metricsFrameNs(2_000_000);
    return [
      result('record-receive-only', 'msg/s', ceiling, null, 'ws client that only counts: the ceiling of this venue child, loopback and machine'),
      result('record-baseline-append-lines', 'msg/s', baseline, null, `${inputs}; ws client → append line → fsync, no loss (sha256 of the file = the messages sent)`),
      result('record-clock-hrtime', 'ns/read', hrtime, null, 'process.hrtime.bigint(), 2 M reads per sample'),
      result('record-metrics-frame', 'ns/frame', metricsFrame, null, 'createRecordingMetrics(...).frame(venue, feed, bytes, lagMs): counters, lag bucket, Date.now; 2 M calls per sample'),
    ];
  },
};
