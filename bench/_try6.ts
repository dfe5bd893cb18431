import { mkdtempSync } from 'node:fs';
import { Registry } from 'prom-client';
import { createRecordingMetrics, FeedRecorder, MonotonicCaptureClock } from '@chassis/recording';
import { FsStorage } from '@chassis/storage';
import { createFeedConnector, feedName } from '@chassis/venues';
import { startRecordVenue } from './record-venue.ts';
import { RECORD_SPEC } from './record-pipeline.ts';
const venue = await startRecordVenue(1);
const mode = process.argv[2] ?? 'full';
for (let s = 0; s < 3; s++) {
  const dir = mkdtempSync('/tmp/rec-ops-pipe-');
  const clock = new MonotonicCaptureClock();
  const recorder = mode === 'connector' ? null : new FeedRecorder({ storage: new FsStorage(dir), spoolDir: dir, venue: 'binance-usdm', feed: feedName(RECORD_SPEC), symbols: ['BTCUSDT'], session: 's' + s, windowNs: 3_600_000_000_000n, flushIntervalMs: 1000, bufferLimitBytes: 64 << 20, clock, metrics: createRecordingMetrics(new Registry()), log: { info() {}, warn: (o: object, m: string) => console.log('WARN', m), error: (o: object, m: string) => console.log('ERR', m) } });
  let n = 0; let done!: () => void; const p = new Promise<void>((r) => (done = r));
  const t0 = performance.now(); const c0 = process.cpuUsage();
  const conn = createFeedConnector(RECORD_SPEC, { clock, connectionIdPrefix: 's' + s, endpoints: { wsBaseUrl: venue.wsBaseUrl, restBaseUrl: venue.restBaseUrl }, sink: { frame(f) { recorder?.frame(f); if (f.source === 'ws' && ++n === venue.messages) done(); }, event(e) { recorder?.event(e); } } });
  conn.start();
  await p; const t1 = performance.now(); const c1 = process.cpuUsage(c0);
  await conn.stop('x'); const t2 = performance.now();
  await recorder?.close('x'); const t3 = performance.now(); const c3 = process.cpuUsage(c0);
  console.log(mode, `capture ${(t1 - t0).toFixed(0)} ms (cpu ${((c1.user + c1.system) / 1000).toFixed(0)} ms), stop ${(t2 - t1).toFixed(0)} ms, close ${(t3 - t2).toFixed(0)} ms, total cpu ${((c3.user + c3.system) / 1000).toFixed(0)} ms → ${Math.round(n / ((t3 - t0) / 1000))} msg/s`);
}
venue.stop();
