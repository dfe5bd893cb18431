import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { connectorHarness, recordingSink, sendAll } from './test-loopback.ts';

// Real Binance spot BTCUSDT capture (hftbacktest examples, nkaz001), depth@100ms diffs.
const CAPTURE = new URL('../../../../../shared/data/binance-hftbacktest/spot_btcusdt_20240808.gz', import.meta.url);
const spotDiffs = gunzipSync(readFileSync(CAPTURE))
  .toString('utf8')
  .split('\n', 2000)
  .map((l) => l.slice(l.indexOf(' ') + 1))
  .filter((l) => l.startsWith('{"stream":"btcusdt@depth@100ms"'));

const harness = connectorHarness();

describe('Binance spot and COIN-M connectors on loopback', () => {
  it('spot: /stream combined URL, /api/v3/depth snapshot after the first diff, U != previous u + 1 is a gap', async () => {
    const sink = recordingSink();
    const venue = await harness.start({ venue: 'binance-spot', symbols: ['BTCUSDT'], channels: ['depth'] }, sink, {}, (v) => {
      v.rest = (_req, res) => res.end('{"lastUpdateId":1,"bids":[],"asks":[]}');
    });
    const s = await venue.socket(0);
    expect(s.path).toBe('/stream?streams=btcusdt@depth@100ms');
    sendAll(s, spotDiffs.slice(0, 3));
    await sink.until(() => sink.eventsOf('synced').length === 1);
    expect(venue.restRequests).toEqual(['/api/v3/depth?symbol=BTCUSDT&limit=1000']);
    sendAll(s, spotDiffs.slice(4, 6)); // spotDiffs[3] missing
    await sink.until(() => sink.eventsOf('synced').length === 2);
    expect(sink.eventsOf('gap').map((g) => g.reason)).toEqual([expect.stringContaining('U=')]);
    expect(venue.restRequests).toHaveLength(2);
  });

  it('COIN-M: dstream /public combined URL and the /dapi/v1/depth snapshot', async () => {
    const sink = recordingSink();
    const venue = await harness.start({ venue: 'binance-coinm', symbols: ['BTCUSD_PERP'], channels: ['depth', 'bbo'] }, sink, {}, (v) => {
      v.rest = (_req, res) => res.end('{"lastUpdateId":10,"E":1,"T":1,"symbol":"BTCUSD_PERP","pair":"BTCUSD","bids":[],"asks":[]}');
    });
    const s = await venue.socket(0);
    expect(s.path).toBe('/public/stream?streams=btcusd_perp@depth@0ms/btcusd_perp@bookTicker');
    // COIN-M diff shape: USDⓈ-M's plus ps (pair); pu chains the diffs.
    const diff = (U: number, u: number, pu: number): string =>
      `{"stream":"btcusd_perp@depth@0ms","data":{"e":"depthUpdate","E":1591270260907,"T":1591270260891,"s":"BTCUSD_PERP","ps":"BTCUSD","U":${U},"u":${u},"pu":${pu},"b":[["9517.6","10"]],"a":[["9518.5","45"]]}}`;
    sendAll(s, [diff(11, 12, 10), diff(13, 15, 12), diff(16, 16, 15)]);
    await sink.until(() => sink.eventsOf('synced').length === 1);
    expect(venue.restRequests).toEqual(['/dapi/v1/depth?symbol=BTCUSD_PERP&limit=1000']);
    expect(sink.eventsOf('gap')).toEqual([]);
  });
});
