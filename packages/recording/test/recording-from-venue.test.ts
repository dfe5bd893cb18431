/**
 * End to end: the real connector and writer record from the venue server replaying a real
 * capture. What the server sent is in raw exactly once, byte for byte; capture times never go
 * back; each manifest matches its files (sha256, sizes, counts, first/last capture time).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordChannel, VenueId } from '@chassis/venues';
import type { VenueName, VenueServerOptions } from '../../../test/venue-server/index.ts';
import { finishRecording, manifestMismatches, multisetDifferences, publishedWindows, rawLines, removeRecordingRoots, startRecording, type Recording } from './venue-recording.ts';

afterAll(removeRecordingRoots);

interface Family {
  readonly venue: VenueName & VenueId;
  readonly symbols: readonly string[];
  readonly channels: readonly RecordChannel[];
  readonly server: Partial<VenueServerOptions>;
}

/** One feed per venue family, each trimmed to a few seconds of replay. */
const FAMILIES: readonly Family[] = [
  { venue: 'binance-usdm', symbols: ['BTCUSDT'], channels: ['depth', 'trade', 'bbo'], server: { speed: 20, maxSpanS: 40 } },
  { venue: 'binance-spot', symbols: ['BTCUSDT'], channels: ['depth', 'trade', 'bbo'], server: { speed: 20, maxSpanS: 40 } },
  { venue: 'okx', symbols: ['BTC-USDT', 'BTC-USD-220527', 'UNI-USD-SWAP'], channels: ['depth', 'trade', 'bbo'], server: { speed: 4 } },
  { venue: 'bybit-linear', symbols: ['BTCUSDT'], channels: ['depth', 'trade', 'bbo'], server: { speed: 20, maxSpanS: 40 } },
];

describe.each(FAMILIES)('recording $venue from the venue server', (family) => {
  let rec: Recording;

  it('records every frame the server sent exactly once, byte for byte, and every REST answer it gave', async () => {
    rec = await startRecording({ venue: family.venue, symbols: family.symbols, channels: family.channels, server: { venue: family.venue, ...family.server } });
    await finishRecording(rec);
    const lines = rawLines(rec.root, family.venue, rec.feed);
    const ws = lines.filter((l) => l.url === undefined).map((l) => l.frame);
    expect(rec.venue.served.length).toBeGreaterThan(100);
    expect(multisetDifferences(rec.venue.served.map((f) => f.text), ws)).toEqual([]);
    const restBodies = rec.venue.restLog.flatMap((x) => (x.body !== undefined ? [x.body] : []));
    expect(multisetDifferences(restBodies, lines.filter((l) => l.url !== undefined).map((l) => l.frame))).toEqual([]);
    expect(lines.every((l) => l.spliced)).toBe(true);
  });

  it('stamps capture times that never go back, in file order', () => {
    const times = rawLines(rec.root, family.venue, rec.feed).map((l) => l.tsLocalNs);
    const backwards = times.findIndex((t, i) => i > 0 && t < times[i - 1]!);
    expect(backwards).toBe(-1);
  });

  it('publishes a manifest per window that matches its files: sha256, bytes, line counts, first and last capture time', () => {
    const windows = publishedWindows(rec.root, family.venue, rec.feed);
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows) {
      expect(w.manifest).not.toBeNull();
      expect(manifestMismatches(rec.root, w.manifest!)).toEqual([]);
      expect(w.manifest!.files.map((f) => f.key.split('/').pop())).toEqual(w.partFiles.map((f) => f.split('/').pop()));
      expect(w.manifest!.completeness).toBe('partial');
      expect(w.manifest!.gaps).toEqual([]);
    }
  });
});
