import { describe, expect, it } from 'vitest';
import type { ConnectorOptions, FeedSpec } from './connector.ts';
import { connectorHarness, recordingSink, sendAll, type LoopbackVenue, type RecordingSink, type VenueSocket } from './test-loopback.ts';

const harness = connectorHarness();

let current: LoopbackVenue | null = null;

async function start(spec: FeedSpec, sink: RecordingSink, extra: Partial<ConnectorOptions> = {}): Promise<VenueSocket> {
  current = await harness.start(spec, sink, extra);
  return current.socket(0);
}

/** The n-th connection the connector opened to the current test's venue. */
const venue = (n: number): Promise<VenueSocket> => (current as LoopbackVenue).socket(n);

// Message shapes from okx.com/docs-v5 "Order book channel" (books: snapshot, then updates with seqId/prevSeqId).
const okxBook = (action: 'snapshot' | 'update', prevSeqId: number, seqId: number): string =>
  `{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"${action}","data":[{"asks":[["8476.98","415","0","13"]],"bids":[["8476.97","256","0","12"]],"ts":"1597026383085","checksum":-855196043,"prevSeqId":${prevSeqId},"seqId":${seqId}}]}`;

// Message shapes from bybit-exchange.github.io/docs/v5/websocket/public/orderbook.
const bybitBook = (type: 'snapshot' | 'delta', u: number): string =>
  `{"topic":"orderbook.1000.BTCUSDT","type":"${type}","ts":1672304484978,"data":{"s":"BTCUSDT","b":[["16493.50","0.006"]],"a":[["16611.00","0.029"]],"u":${u},"seq":7961638724},"cts":1672304484976}`;

describe('OKX connector on loopback', () => {
  it('connects to /ws/v5/public and subscribes books, trades and bbo-tbt in one message', async () => {
    const s = await start({ venue: 'okx', symbols: ['BTC-USDT', 'ETH-USDT'], channels: ['depth', 'trade', 'bbo'] }, recordingSink());
    expect(s.path).toBe('/ws/v5/public');
    await new Promise((r) => setTimeout(r, 50));
    expect(s.received.map((m) => JSON.parse(m))).toEqual([
      {
        op: 'subscribe',
        args: [
          { channel: 'books', instId: 'BTC-USDT' },
          { channel: 'books', instId: 'ETH-USDT' },
          { channel: 'trades', instId: 'BTC-USDT' },
          { channel: 'trades', instId: 'ETH-USDT' },
          { channel: 'bbo-tbt', instId: 'BTC-USDT' },
          { channel: 'bbo-tbt', instId: 'ETH-USDT' },
        ],
      },
    ]);
  });

  it('sends the text ping when the connection is idle, and the pong does not count as market data', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'okx', symbols: ['BTC-USDT'], channels: ['trade'] }, sink, { overrides: { pingIntervalMs: 100 } });
    s.socket.on('message', (m) => {
      if (m.toString() === 'ping') s.socket.send('pong');
    });
    await sink.until(() => sink.frames.filter((f) => f.text === 'pong').length >= 2);
    expect(s.received.filter((m) => m === 'ping').length).toBeGreaterThanOrEqual(2);
    expect(sink.eventsOf('malformed')).toEqual([]);
    expect(sink.frames.every((f) => f.text === 'pong' && f.keepAlive === true)).toBe(true);
  });

  it('restarts a connection that answers pings but sends no market data', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'okx', symbols: ['BTC-USDT'], channels: ['trade'] }, sink, { overrides: { pingIntervalMs: 40, silenceMs: 300 } });
    s.socket.on('message', (m) => {
      if (m.toString() === 'ping') s.socket.send('pong');
    });
    await sink.until(() => sink.eventsOf('silent').length === 1);
    expect(sink.frames.filter((f) => f.text === 'pong').length).toBeGreaterThanOrEqual(3);
    await s.closed;
  });

  it('restarts a connection whose keep-alive goes unanswered, long before the market-data silence threshold', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'okx', symbols: ['BTC-USDT'], channels: ['trade'] }, sink, { overrides: { pingIntervalMs: 50 } });
    await sink.until(() => sink.eventsOf('silent').length === 1, 2_000); // trade silence threshold: 300 s
    expect(sink.eventsOf('silent')[0]!.reason).toContain('not even a reply to our keep-alive');
    expect(s.received).toContain('ping');
    await venue(1);
  });

  it('on a seqId break records the gap and unsubscribes + subscribes that book, then is synced by the new snapshot', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'okx', symbols: ['BTC-USDT'], channels: ['depth'] }, sink);
    sendAll(s, [okxBook('snapshot', -1, 100), okxBook('update', 100, 101), okxBook('update', 101, 102)]);
    await sink.until(() => sink.frames.length === 3);
    expect(sink.eventsOf('synced')).toHaveLength(1);
    sendAll(s, [okxBook('update', 103, 104)]); // 102 → 103 missing
    await sink.until(() => s.received.length === 3);
    expect(s.received.slice(1).map((m) => JSON.parse(m))).toEqual([
      { op: 'unsubscribe', args: [{ channel: 'books', instId: 'BTC-USDT' }] },
      { op: 'subscribe', args: [{ channel: 'books', instId: 'BTC-USDT' }] },
    ]);
    const gap = sink.eventsOf('gap');
    expect(gap).toHaveLength(1);
    expect(gap[0]).toMatchObject({ instrument: 'BTC-USDT', fromNs: sink.frames[2]!.tsCaptureNs, toNs: sink.frames[3]!.tsCaptureNs });
    sendAll(s, [okxBook('update', 104, 105), okxBook('snapshot', -1, 200), okxBook('update', 200, 201)]);
    await sink.until(() => sink.eventsOf('synced').length === 2);
    expect(sink.eventsOf('gap')).toHaveLength(1); // the trailing update before the snapshot is not a second gap
  });

  it('after malformed frames unsubscribes + subscribes the book once, then is synced by the new snapshot', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'okx', symbols: ['BTC-USDT'], channels: ['depth'] }, sink);
    sendAll(s, [okxBook('snapshot', -1, 100), okxBook('update', 100, 101), 'Internal Server Error', '{"arg":{"channel":"books"']);
    await sink.until(() => sink.eventsOf('malformed').length === 2 && s.received.length >= 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.received.slice(1).map((m) => JSON.parse(m))).toEqual([
      { op: 'unsubscribe', args: [{ channel: 'books', instId: 'BTC-USDT' }] },
      { op: 'subscribe', args: [{ channel: 'books', instId: 'BTC-USDT' }] },
    ]);
    const resync = sink.eventsOf('resync');
    expect(resync).toHaveLength(1);
    expect(resync[0]).toMatchObject({ instrument: 'BTC-USDT' });
    expect(resync[0]!.reason).toContain('malformed frame');
    sendAll(s, [okxBook('update', 101, 102), okxBook('snapshot', -1, 200), okxBook('update', 200, 201)]);
    await sink.until(() => sink.eventsOf('synced').length === 2);
    expect(sink.eventsOf('synced')[1]!.reason).toContain('malformed frame');
    expect(sink.eventsOf('gap')).toEqual([]);
  });

  it('does not resubscribe after a malformed frame a book still awaiting its first snapshot: that snapshot resyncs it', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'okx', symbols: ['BTC-USDT'], channels: ['depth'] }, sink);
    await sink.until(() => sink.eventsOf('subscribed').length === 1);
    sendAll(s, ['Internal Server Error']);
    await sink.until(() => sink.eventsOf('resync').length === 1);
    sendAll(s, [okxBook('snapshot', -1, 100)]);
    await sink.until(() => sink.eventsOf('synced').length === 1);
    expect(s.received).toHaveLength(1); // the initial subscribe only
    expect(sink.eventsOf('synced')[0]!.reason).toContain('malformed frame');
  });
});

describe('Bybit connector on loopback', () => {
  it('linear: connects to /v5/public/linear and subscribes orderbook.1000, publicTrade and orderbook.1', async () => {
    const s = await start({ venue: 'bybit-linear', symbols: ['BTCUSDT'], channels: ['depth', 'trade', 'bbo'] }, recordingSink());
    expect(s.path).toBe('/v5/public/linear');
    await new Promise((r) => setTimeout(r, 50));
    expect(s.received.map((m) => JSON.parse(m))).toEqual([{ op: 'subscribe', args: ['orderbook.1000.BTCUSDT', 'publicTrade.BTCUSDT', 'orderbook.1.BTCUSDT'] }]);
  });

  it('spot: connects to /v5/public/spot with at most 10 args per subscribe message', async () => {
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'];
    const s = await start({ venue: 'bybit-spot', symbols, channels: ['depth', 'trade', 'bbo'] }, recordingSink());
    expect(s.path).toBe('/v5/public/spot');
    await new Promise((r) => setTimeout(r, 50));
    const args = s.received.map((m) => JSON.parse(m).args as string[]);
    expect(args.map((a) => a.length)).toEqual([10, 2]);
    expect(args.flat()).toHaveLength(12);
  });

  it('sends {"op":"ping"} on the keep-alive interval', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'bybit-linear', symbols: ['BTCUSDT'], channels: ['trade'] }, sink, { overrides: { pingIntervalMs: 50 } });
    s.socket.on('message', (m) => {
      // Bybit's pong (v5 "Connect" docs: How to Send the Heartbeat Packet)
      if (m.toString() === '{"op":"ping"}') s.socket.send('{"success":true,"ret_msg":"pong","conn_id":"0970e817-426e-429a-a679-ff7f55e0b16a","op":"ping"}');
    });
    await new Promise((r) => setTimeout(r, 230));
    expect(s.received.filter((m) => m === '{"op":"ping"}').length).toBeGreaterThanOrEqual(3);
    expect(sink.frames.every((f) => f.keepAlive === true)).toBe(true);
    expect(sink.eventsOf('silent')).toEqual([]);
  });

  it('treats the u = 1 snapshot after a service restart as a reset, not a gap', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'bybit-linear', symbols: ['BTCUSDT'], channels: ['depth'] }, sink);
    sendAll(s, [bybitBook('snapshot', 5000), bybitBook('delta', 5001), bybitBook('snapshot', 1), bybitBook('delta', 2), bybitBook('delta', 3)]);
    await sink.until(() => sink.frames.length === 5);
    await sink.until(() => s.received.length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.eventsOf('gap')).toEqual([]);
    expect(s.received).toHaveLength(1); // only the initial subscribe, no resubscribe
  });

  it('after malformed frames resubscribes each book of the connection once, resync … synced naming the malformed frame', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'bybit-linear', symbols: ['BTCUSDT', 'ETHUSDT'], channels: ['depth'] }, sink);
    const eth = (book: string): string => book.replaceAll('BTCUSDT', 'ETHUSDT');
    sendAll(s, [bybitBook('snapshot', 5000), eth(bybitBook('snapshot', 7000)), bybitBook('delta', 5001)]);
    await sink.until(() => sink.eventsOf('synced').length === 2);
    sendAll(s, ['<html>502 Bad Gateway</html>', '', '{"topic":"orderbook.1000.BTCUSDT","type":"delta","ts":16723']);
    await sink.until(() => sink.eventsOf('malformed').length === 3 && s.received.length >= 5);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.received.slice(1).map((m) => JSON.parse(m))).toEqual([
      { op: 'unsubscribe', args: ['orderbook.1000.BTCUSDT'] },
      { op: 'subscribe', args: ['orderbook.1000.BTCUSDT'] },
      { op: 'unsubscribe', args: ['orderbook.1000.ETHUSDT'] },
      { op: 'subscribe', args: ['orderbook.1000.ETHUSDT'] },
    ]);
    expect(sink.eventsOf('resync').map((e) => [e.instrument, e.reason.includes('malformed frame')])).toEqual([
      ['BTCUSDT', true],
      ['ETHUSDT', true],
    ]);
    sendAll(s, [bybitBook('delta', 5002), bybitBook('snapshot', 6000), eth(bybitBook('snapshot', 8000))]);
    await sink.until(() => sink.eventsOf('synced').length === 4);
    expect(sink.eventsOf('synced').slice(2).map((e) => [e.instrument, e.reason.includes('malformed frame')])).toEqual([
      ['BTCUSDT', true],
      ['ETHUSDT', true],
    ]);
    expect(sink.eventsOf('gap')).toEqual([]);
  });

  it('on a u break records the gap and resubscribes orderbook.1000 for that symbol', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'bybit-linear', symbols: ['BTCUSDT'], channels: ['depth'] }, sink);
    sendAll(s, [bybitBook('snapshot', 5000), bybitBook('delta', 5001), bybitBook('delta', 5003)]);
    await sink.until(() => s.received.length === 3);
    expect(s.received.slice(1).map((m) => JSON.parse(m))).toEqual([
      { op: 'unsubscribe', args: ['orderbook.1000.BTCUSDT'] },
      { op: 'subscribe', args: ['orderbook.1000.BTCUSDT'] },
    ]);
    expect(sink.eventsOf('gap')).toHaveLength(1);
    expect(sink.eventsOf('resync')).toHaveLength(1);
    sendAll(s, [bybitBook('snapshot', 6000)]);
    await sink.until(() => sink.eventsOf('synced').length === 2);
  });
});
