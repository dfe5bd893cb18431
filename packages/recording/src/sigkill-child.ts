/**
 * The recorder process the crash test kills (run with `node --import tsx sigkill-child.ts ROOT`):
 * it records real frames, stamped by the real capture clock, into ROOT as fast as a timer
 * allows, and reports on stdout how many complete lines are on disk (read back with zlib's own
 * gunzip, which tolerates the torn end) — what a SIGKILL must not lose.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { FsStorage } from '@chassis/storage';
import { MonotonicCaptureClock } from './capture-clock.ts';
import { FeedRecorder } from './feed-recorder.ts';
import { usdmLines } from './recording-fixtures.ts';

const root = process.argv[2]!;
const clock = new MonotonicCaptureClock();
const silent = { info: () => undefined, warn: () => undefined, error: (_o: object, msg: string) => process.stderr.write(`${msg}\n`) };
const rec = new FeedRecorder({
  storage: new FsStorage(root), spoolDir: root, venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'],
  session: 'crash1', windowNs: 24n * 3_600_000_000_000n, flushIntervalMs: 100, bufferLimitBytes: 64 * 1024 * 1024, clock, log: silent,
});
const lines = usdmLines();
let sent = 0;

function linesOnDisk(): number {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (p: string) => p.endsWith('.jsonl.gz') && out.push(p))(join(d, e.name));
  };
  walk(join(root, 'raw'));
  let n = 0;
  for (const p of out) for (const c of gunzipSync(readFileSync(p), { finishFlush: constants.Z_SYNC_FLUSH })) if (c === 0x0a) n++;
  return n;
}

setInterval(() => {
  for (let i = 0; i < 200 && sent < lines.length; i++, sent++) {
    const l = lines[sent]!;
    rec.frame({ source: 'ws', tsCaptureNs: clock.nowNs(), connectionId: 'crash1-c1', text: l.slice(l.indexOf(' ') + 1) });
  }
}, 5);
setInterval(() => {
  try {
    process.stdout.write(`ondisk ${linesOnDisk()} sent ${sent}\n`);
  } catch {
    // the window directory may not exist before the first flush
  }
}, 50);
