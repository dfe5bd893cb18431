import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { connectorHarness, recordingSink, sendAll, type LoopbackVenue, type RecordingSink } from './test-loopback.ts';

// Real Binance USD-M BTCUSDT capture (hftbacktest examples, nkaz001): `<ns> <combined-stream JSON>`
// lines, plus one inline REST depth snapshot (the line without "stream").
const CAPTURE = new URL('../../../../../shared/data/binance-hftbacktest/usdm_btcusdt_20240808.gz', import.meta.url);
const lines = gunzipSync(readFileSync(CAPTURE)).toString('utf8').split('\n', 3000).map((l) => l.slice(l.indexOf(' ') + 1));
const wsFrames = lines.filter((l) => l.startsWith('{"stream":'));
const snapshotBody = lines.find((l) => l.startsWith('{"lastUpdateId"')) as string;
const diffs = wsFrames.filter((l) => l.includes('"depthUpdate"'));
const nonDiffs = wsFrames.filter((l) => !l.includes('"depthUpdate"'));

const harness = connectorHarness();
let venue: LoopbackVenue;

async function startUsdm(sink: RecordingSink): Promise<void> {
  venue = await harness.start({ venue: 'binance-usdm', symbols: ['BTCUSDT'], channels: ['depth', 'trade', 'bbo'] }, sink, {}, (v) => {
    v.rest = (_req, res) => {
      res.setHeader('X-MBX-USED-WEIGHT-1M', '20');
      res.end(snapshotBody);
    };
  });
}

describe('Binance USD-M connector on loopback', () => {
  it('subscribes every channel on the /public combined-stream route, streams named as the USDⓈ-M docs name them', async () => {
    const sink = recordingSink();
    await startUsdm(sink);
    const s = await venue.socket(0);
    expect(s.path).toBe('/public/stream?streams=btcusdt@depth@0ms/btcusdt@trade/btcusdt@bookTicker');
    await sink.until(() => sink.eventsOf('subscribed').length === 1);
    expect(s.received).toEqual([]); // the URL subscribes: no SUBSCRIBE message
  });

  it('delivers 2,999 real frames byte-identical, in order, with non-decreasing capture times', async () => {
    const sink = recordingSink();
    await startUsdm(sink);
    const s = await venue.socket(0);
    sendAll(s, wsFrames);
    await sink.until(() => sink.frames.filter((f) => f.source === 'ws').length === wsFrames.length);
    const ws = sink.frames.filter((f) => f.source === 'ws');
    expect(ws.map((f) => f.text)).toEqual(wsFrames);
    expect(new Set(ws.map((f) => f.connectionId))).toEqual(new Set(['s1-1']));
    for (let i = 1; i < ws.length; i++) expect(ws[i]!.tsCaptureNs >= ws[i - 1]!.tsCaptureNs).toBe(true);
    expect(sink.eventsOf('gap')).toEqual([]); // the capture has no pu break
    expect(sink.eventsOf('malformed')).toEqual([]);
  });

  it('answers the server ping with a pong carrying the same payload', async () => {
    const sink = recordingSink();
    await startUsdm(sink);
    const s = await venue.socket(0);
    const pong = new Promise<string>((resolve) => s.socket.once('pong', (data) => resolve(data.toString())));
    s.socket.ping('keepalive-1723161255');
    expect(await pong).toBe('keepalive-1723161255');
  });

  it('fetches the REST snapshot only after the first diff arrived, and delivers it as a rest frame with URL and instrument', async () => {
    const sink = recordingSink();
    await startUsdm(sink);
    const s = await venue.socket(0);
    const beforeDiff = nonDiffs.slice(0, 50); // bookTicker and trade frames
    sendAll(s, beforeDiff);
    await sink.until(() => sink.frames.length === beforeDiff.length);
    await new Promise((r) => setTimeout(r, 100));
    expect(venue.restRequests).toEqual([]);
    sendAll(s, [diffs[0]!]);
    await sink.until(() => sink.frames.some((f) => f.source === 'rest'));
    expect(venue.restRequests).toEqual(['/fapi/v1/depth?symbol=BTCUSDT&limit=1000']);
    const rest = sink.frames.find((f) => f.source === 'rest')!;
    expect(rest).toMatchObject({ text: snapshotBody, url: `${venue.restBase}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`, instrument: 'BTCUSDT', connectionId: 's1-1' });
    expect(sink.eventsOf('synced').map((e) => e.instrument)).toEqual(['BTCUSDT']);
  });

  it('fetches a new snapshot on the replacement connection after a reconnect, again only after its first diff', async () => {
    const sink = recordingSink();
    await startUsdm(sink);
    const first = await venue.socket(0);
    sendAll(first, diffs.slice(0, 2));
    await sink.until(() => sink.eventsOf('synced').length === 1);
    first.socket.terminate();
    const second = await venue.socket(1);
    sendAll(second, nonDiffs.slice(0, 5));
    await sink.until(() => sink.frames.filter((f) => f.connectionId === 's1-2').length === 5);
    await new Promise((r) => setTimeout(r, 50));
    expect(venue.restRequests).toHaveLength(1);
    sendAll(second, diffs.slice(10, 11));
    await sink.until(() => sink.eventsOf('synced').length === 2);
    expect(venue.restRequests).toHaveLength(2);
    expect(sink.frames.filter((f) => f.source === 'rest').map((f) => f.connectionId)).toEqual(['s1-1', 's1-2']);
    expect(sink.eventsOf('gap')).toHaveLength(1); // the reconnect, not a sequence break: sequences are per connection
    expect(sink.eventsOf('gap')[0]!.instrument).toBeUndefined();
  });

  it('waits the snapshot request out when the venue answers 429 with Retry-After, then records the snapshot', async () => {
    const sink = recordingSink();
    let calls = 0;
    venue = await harness.start({ venue: 'binance-usdm', symbols: ['BTCUSDT'], channels: ['depth'] }, sink, {}, (v) => {
      v.rest = (_req, res) => {
        if (calls++ === 0) {
          res.writeHead(429, { 'Retry-After': '1', 'X-MBX-USED-WEIGHT-1M': '2401' });
          res.end('{"code":-1003,"msg":"Too many requests; current limit of IP is 2400 requests per minute."}');
        } else res.end(snapshotBody);
      };
    });
    const s = await venue.socket(0);
    sendAll(s, diffs.slice(0, 1));
    await sink.until(() => sink.eventsOf('synced').length === 1, 4_000);
    const limited = sink.eventsOf('rate-limited');
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ connectionId: 's1-1', delayMs: 1000 });
    expect(sink.frames.filter((f) => f.source === 'rest').map((f) => f.text)).toEqual([snapshotBody]); // the 429 body is not a snapshot
  });

  it('records a gap and fetches a new snapshot when a diff is missing (pu != previous u)', async () => {
    const sink = recordingSink();
    await startUsdm(sink);
    const s = await venue.socket(0);
    sendAll(s, diffs.slice(0, 3));
    await sink.until(() => sink.eventsOf('synced').length === 1);
    sendAll(s, diffs.slice(4, 6)); // diffs[3] skipped
    await sink.until(() => sink.eventsOf('synced').length === 2);
    const gaps = sink.eventsOf('gap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ instrument: 'BTCUSDT', connectionId: 's1-1' });
    expect(gaps[0]!.fromNs).toBe(sink.frames.find((f) => f.text === diffs[2])!.tsCaptureNs);
    expect(gaps[0]!.toNs).toBe(sink.frames.find((f) => f.text === diffs[4])!.tsCaptureNs);
    expect(sink.eventsOf('resync')).toHaveLength(1);
    expect(venue.restRequests).toHaveLength(2);
    expect(sink.frames.filter((f) => f.source === 'ws').map((f) => f.text)).toEqual([...diffs.slice(0, 3), ...diffs.slice(4, 6)]);
  });

  it('after malformed frames resyncs the book once: a new snapshot after the next diff, resync … synced naming the malformed frame', async () => {
    const sink = recordingSink();
    await startUsdm(sink);
    const s = await venue.socket(0);
    sendAll(s, diffs.slice(0, 3));
    await sink.until(() => sink.eventsOf('synced').length === 1);
    sendAll(s, ['Internal Server Error', '{"stream":"btcusdt@depth@0ms","data":{"e":"depthUp']);
    await sink.until(() => sink.eventsOf('malformed').length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(venue.restRequests).toHaveLength(1); // the snapshot waits for a diff to overlap
    sendAll(s, diffs.slice(3, 5));
    await sink.until(() => sink.eventsOf('synced').length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(venue.restRequests).toHaveLength(2); // two malformed frames, one resync
    const resync = sink.eventsOf('resync');
    expect(resync).toHaveLength(1);
    expect(resync[0]).toMatchObject({ instrument: 'BTCUSDT', connectionId: 's1-1' });
    expect(resync[0]!.reason).toContain('malformed frame');
    expect(sink.eventsOf('synced')[1]!.reason).toContain('malformed frame');
    const rest = sink.frames.filter((f) => f.source === 'rest');
    expect(rest[1]!.tsCaptureNs > sink.frames.find((f) => f.text === diffs[3])!.tsCaptureNs).toBe(true);
    expect(sink.eventsOf('gap')).toEqual([]); // the diffs around the frames are continuous
  });

  it('after a malformed frame while the first snapshot is in flight, fetches one more snapshot once it lands (the first may predate the frame)', async () => {
    const sink = recordingSink();
    venue = await harness.start({ venue: 'binance-usdm', symbols: ['BTCUSDT'], channels: ['depth'] }, sink, {}, (v) => {
      v.rest = (_req, res) => void setTimeout(() => res.end(snapshotBody), 200);
    });
    const s = await venue.socket(0);
    sendAll(s, [diffs[0]!, 'Internal Server Error', diffs[1]!, 'Internal Server Error']);
    await sink.until(() => sink.eventsOf('synced').length === 1, 3_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(venue.restRequests).toHaveLength(2);
    expect(sink.eventsOf('synced')).toHaveLength(1);
    expect(sink.eventsOf('synced')[0]!.reason).toContain('malformed frame');
    expect(sink.eventsOf('resync')).toHaveLength(1);
  });

  it('delivers non-JSON frames as received and reports each as malformed', async () => {
    const sink = recordingSink();
    await startUsdm(sink);
    const s = await venue.socket(0);
    const sent = [wsFrames[0]!, '{"stream":"btcusdt@trade","data":{"e":"tra', `${wsFrames[1]!}\n`, 'Internal Server Error', ''];
    sendAll(s, sent);
    await sink.until(() => sink.frames.length === sent.length);
    expect(sink.frames.map((f) => f.text)).toEqual(sent);
    // The truncated frame, the text and the empty frame; JSON with a trailing line break is JSON.
    expect(sink.eventsOf('malformed')).toHaveLength(3);
  });
});
