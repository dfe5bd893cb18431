/**
 * A recorder process for the crash test (run with `node --import tsx recorder-child.ts ROOT
 * WS_BASE REST_BASE SESSION`): the real connector and writer recording Binance USD-M BTCUSDT
 * from the venue server into ROOT, recovering a dead session's open window first — what
 * `chassis record` does at start — with 100 ms flushes. It prints `recording` once started.
 */
import { FsStorage } from '@chassis/storage';
import { createFeedConnector } from '@chassis/venues';
import { FeedRecorder, MonotonicCaptureClock, recoverOpenWindows } from '../src/index.ts';

const [root, wsBaseUrl, restBaseUrl, session] = process.argv.slice(2) as [string, string, string, string];
const log = { info: () => undefined, warn: () => undefined, error: (_o: object, msg: string) => process.stderr.write(`${msg}\n`) };
const storage = new FsStorage(root);
const recovered = await recoverOpenWindows({ storage, spoolDir: root, log });
const clock = new MonotonicCaptureClock();
const recorder = new FeedRecorder({
  storage, spoolDir: root, venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'], session,
  windowNs: 3_600_000_000_000n, flushIntervalMs: 100, bufferLimitBytes: 64 * 1024 * 1024, clock, log,
});
const connector = createFeedConnector(
  { venue: 'binance-usdm', symbols: ['BTCUSDT'], channels: ['depth', 'trade', 'bbo'] },
  { clock, sink: recorder, endpoints: { wsBaseUrl, restBaseUrl }, connectionIdPrefix: session },
);
connector.start();
process.stdout.write(`recording ${recovered.length}\n`);
process.on('SIGTERM', () => {
  void connector.stop('SIGTERM').then(() => recorder.close('SIGTERM')).then(() => process.exit(0));
});
