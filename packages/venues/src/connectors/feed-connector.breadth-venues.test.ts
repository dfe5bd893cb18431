import { describe, expect, it } from 'vitest';
import type { ConnectorOptions, FeedSpec } from './connector.ts';
import {
  connectorHarness,
  recordingSink,
  sendAll,
  type LoopbackVenue,
  type RecordingSink,
  type VenueSocket,
} from './test-loopback.ts';

const harness = connectorHarness();

let current: LoopbackVenue | null = null;

async function start(spec: FeedSpec, sink: RecordingSink, extra: Partial<ConnectorOptions> = {}): Promise<VenueSocket> {
  current = await harness.start(spec, sink, extra);
  return current.socket(0);
}

const settle = () => new Promise((r) => setTimeout(r, 50));

// Shapes from the real capture examples/data/cryptofeed/DERIBIT.ws.1.0 (channel renamed to .100ms).
const deribitBook = (type: 'snapshot' | 'change', prev: number | null, changeId: number): string =>
  `{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms","data":{"type":"${type}","timestamp":1626993724318,${prev === null ? '' : `"prev_change_id":${prev},`}"instrument_name":"BTC-PERPETUAL","change_id":${changeId},"bids":[["new",30000.5,10.0]],"asks":[]}}}`;

describe('Hyperliquid connector on loopback', () => {
  it('connects to /ws and sends one subscribe message per coin and channel', async () => {
    const s = await start(
      { venue: 'hyperliquid', symbols: ['BTC', 'ETH'], channels: ['depth', 'trade', 'bbo'] },
      recordingSink(),
    );
    expect(s.path).toBe('/ws');
    await settle();
    expect(s.received.map((m) => JSON.parse(m))).toEqual(
      ['l2Book', 'trades', 'bbo'].flatMap((type) =>
        ['BTC', 'ETH'].map((coin) => ({ method: 'subscribe', subscription: { type, coin } })),
      ),
    );
  });

  it('sends {"method":"ping"} and takes {"channel":"pong"} as a keep-alive reply, not market data', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'hyperliquid', symbols: ['BTC'], channels: ['trade'] }, sink, {
      overrides: { pingIntervalMs: 50 },
    });
    s.socket.on('message', (m) => {
      if (m.toString() === '{"method":"ping"}') s.socket.send('{"channel":"pong"}');
    });
    await sink.until(() => sink.frames.length >= 2);
    expect(sink.frames.every((f) => f.keepAlive === true)).toBe(true);
    expect(sink.eventsOf('malformed')).toEqual([]);
  });

  it('reports the book synced on the first l2Book message (each one is a full snapshot)', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'hyperliquid', symbols: ['BTC'], channels: ['depth'] }, sink);
    sendAll(s, [
      '{"channel":"l2Book","data":{"coin":"BTC","time":1737918843000,"levels":[[{"px":"105055.0","sz":"3.03622","n":5}],[{"px":"105056.0","sz":"0.1","n":1}]]}}',
    ]);
    await sink.until(() => sink.eventsOf('synced').length === 1);
    expect(sink.eventsOf('synced')[0]!.instrument).toBe('BTC');
  });
});

describe('Deribit connector on loopback', () => {
  it('asks for heartbeats, then subscribes the 100ms book, trades and ticker channels (raw needs authorisation)', async () => {
    const s = await start(
      { venue: 'deribit', symbols: ['BTC-PERPETUAL'], channels: ['depth', 'trade', 'bbo'] },
      recordingSink(),
    );
    expect(s.path).toBe('/ws/api/v2');
    await settle();
    expect(s.received.map((m) => JSON.parse(m))).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'public/set_heartbeat', params: { interval: 30 } },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'public/subscribe',
        params: { channels: ['book.BTC-PERPETUAL.100ms', 'trades.BTC-PERPETUAL.100ms', 'ticker.BTC-PERPETUAL.100ms'] },
      },
    ]);
  });

  it('answers a test_request heartbeat with public/test, and records the heartbeat as a keep-alive frame', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'deribit', symbols: ['BTC-PERPETUAL'], channels: ['trade'] }, sink);
    await settle();
    sendAll(s, [
      '{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}',
      '{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"heartbeat"}}',
    ]);
    await sink.until(() => s.received.length === 3);
    expect(JSON.parse(s.received[2]!)).toMatchObject({ jsonrpc: '2.0', method: 'public/test' });
    await sink.until(() => sink.frames.length === 2);
    await settle();
    expect(s.received).toHaveLength(3); // a plain heartbeat needs no answer
    expect(sink.frames.every((f) => f.keepAlive === true)).toBe(true);
  });

  it('on a change_id break records the gap and unsubscribes + subscribes that book, then is synced by the new snapshot', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'deribit', symbols: ['BTC-PERPETUAL'], channels: ['depth'] }, sink);
    sendAll(s, [deribitBook('snapshot', null, 100), deribitBook('change', 100, 105), deribitBook('change', 110, 111)]);
    await sink.until(() => s.received.length === 4);
    expect(s.received.slice(2).map((m) => JSON.parse(m))).toEqual([
      { jsonrpc: '2.0', id: 3, method: 'public/unsubscribe', params: { channels: ['book.BTC-PERPETUAL.100ms'] } },
      { jsonrpc: '2.0', id: 4, method: 'public/subscribe', params: { channels: ['book.BTC-PERPETUAL.100ms'] } },
    ]);
    const gap = sink.eventsOf('gap');
    expect(gap).toHaveLength(1);
    expect(gap[0]!.reason).toContain('prev_change_id=110 != previous change_id=105');
    sendAll(s, [deribitBook('snapshot', null, 200), deribitBook('change', 200, 201)]);
    await sink.until(() => sink.eventsOf('synced').length === 2);
    expect(sink.eventsOf('gap')).toHaveLength(1);
  });
});

describe('BitMEX connector on loopback', () => {
  it('connects to /realtime and subscribes orderBookL2, trade and quote in one message', async () => {
    const s = await start(
      { venue: 'bitmex', symbols: ['XBTUSD'], channels: ['depth', 'trade', 'bbo'] },
      recordingSink(),
    );
    expect(s.path).toBe('/realtime');
    await settle();
    expect(s.received.map((m) => JSON.parse(m))).toEqual([
      { op: 'subscribe', args: ['orderBookL2:XBTUSD', 'trade:XBTUSD', 'quote:XBTUSD'] },
    ]);
  });

  it('sends the text ping when idle and takes pong as a keep-alive reply', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'bitmex', symbols: ['XBTUSD'], channels: ['trade'] }, sink, {
      overrides: { pingIntervalMs: 50 },
    });
    s.socket.on('message', (m) => {
      if (m.toString() === 'ping') s.socket.send('pong');
    });
    await sink.until(() => sink.frames.length >= 2);
    expect(sink.frames.every((f) => f.text === 'pong' && f.keepAlive === true)).toBe(true);
    expect(sink.eventsOf('malformed')).toEqual([]);
  });

  it('reports the book synced by the partial, whose symbol it reads from the filter (types also name "symbol")', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'bitmex', symbols: ['XBTUSD'], channels: ['depth'] }, sink);
    sendAll(s, [
      '{"table":"orderBookL2","action":"partial","keys":["symbol","id","side"],"types":{"symbol":"symbol","id":"long"},"filter":{"symbol":"XBTUSD"},"data":[{"symbol":"XBTUSD","id":8700000100,"side":"Sell","size":1000,"price":999999}]}',
    ]);
    await sink.until(() => sink.eventsOf('synced').length === 1);
    expect(sink.eventsOf('synced')[0]!.instrument).toBe('XBTUSD');
  });
});

// Shapes from docs.kraken.com spot-websocket-v2 "book" (snapshot, then updates with a checksum).
const krakenBook = (type: 'snapshot' | 'update'): string =>
  `{"channel":"book","type":"${type}","data":[{"symbol":"BTC/USD","bids":[{"price":45283.5,"qty":0.1}],"asks":[{"price":45285.2,"qty":0.001}],"checksum":974947235}]}`;

describe('Kraken v2 connector on loopback', () => {
  it('connects to /v2 and subscribes book (depth 1000), trade and ticker on bbo events, one message per channel', async () => {
    const s = await start(
      { venue: 'kraken', symbols: ['BTC/USD', 'ETH/USD'], channels: ['depth', 'trade', 'bbo'] },
      recordingSink(),
    );
    expect(s.path).toBe('/v2');
    await settle();
    expect(s.received.map((m) => JSON.parse(m))).toEqual([
      { method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD', 'ETH/USD'], depth: 1000 } },
      { method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD', 'ETH/USD'] } },
      { method: 'subscribe', params: { channel: 'ticker', symbol: ['BTC/USD', 'ETH/USD'], event_trigger: 'bbo' } },
    ]);
  });

  it('sends {"method":"ping"} when idle and takes the pong as a keep-alive reply', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'kraken', symbols: ['BTC/USD'], channels: ['trade'] }, sink, {
      overrides: { pingIntervalMs: 50 },
    });
    s.socket.on('message', (m) => {
      if (m.toString() === '{"method":"ping"}')
        s.socket.send(
          '{"method":"pong","time_in":"2023-09-24T14:10:23.799685Z","time_out":"2023-09-24T14:10:23.799703Z"}',
        );
    });
    await sink.until(() => sink.frames.length >= 2);
    expect(sink.frames.every((f) => f.keepAlive === true)).toBe(true);
  });

  it('reports the book synced by the snapshot, not by an update that precedes it', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'kraken', symbols: ['BTC/USD'], channels: ['depth'] }, sink);
    sendAll(s, [krakenBook('update'), '{"channel":"heartbeat"}']);
    await sink.until(() => sink.frames.length === 2);
    expect(sink.eventsOf('synced')).toEqual([]);
    sendAll(s, [krakenBook('snapshot'), krakenBook('update')]);
    await sink.until(() => sink.eventsOf('synced').length === 1);
    expect(sink.eventsOf('synced')[0]!.instrument).toBe('BTC/USD');
    expect(sink.eventsOf('malformed')).toEqual([]);
  });
});

// Shape from docs.cdp.coinbase.com Advanced Trade "WebSocket Channels", level2 (l2_data).
const coinbaseBook = (type: 'snapshot' | 'update', seq: number): string =>
  `{"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":${seq},"events":[{"type":"${type}","product_id":"BTC-USD","updates":[{"side":"bid","event_time":"1970-01-01T00:00:00Z","price_level":"21921.73","new_quantity":"0.06317902"}]}]}`;

describe('Coinbase Advanced Trade connector on loopback', () => {
  it('subscribes heartbeats, then level2, market_trades and ticker, one message per channel, on the root path', async () => {
    const s = await start(
      { venue: 'coinbase', symbols: ['BTC-USD', 'ETH-USD'], channels: ['depth', 'trade', 'bbo'] },
      recordingSink(),
    );
    expect(s.path).toBe('/');
    await settle();
    expect(s.received.map((m) => JSON.parse(m))).toEqual([
      { type: 'subscribe', channel: 'heartbeats' },
      { type: 'subscribe', product_ids: ['BTC-USD', 'ETH-USD'], channel: 'level2' },
      { type: 'subscribe', product_ids: ['BTC-USD', 'ETH-USD'], channel: 'market_trades' },
      { type: 'subscribe', product_ids: ['BTC-USD', 'ETH-USD'], channel: 'ticker' },
    ]);
  });

  it('reports the book synced by the l2_data snapshot event, not by an update before it', async () => {
    const sink = recordingSink();
    const s = await start({ venue: 'coinbase', symbols: ['BTC-USD'], channels: ['depth'] }, sink);
    sendAll(s, [
      coinbaseBook('update', 1),
      '{"channel":"heartbeats","client_id":"","timestamp":"2023-06-23T20:31:26.122969572Z","sequence_num":2,"events":[{"current_time":"2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105","heartbeat_counter":"3049"}]}',
    ]);
    await sink.until(() => sink.frames.length === 2);
    expect(sink.eventsOf('synced')).toEqual([]);
    sendAll(s, [coinbaseBook('snapshot', 3), coinbaseBook('update', 4)]);
    await sink.until(() => sink.eventsOf('synced').length === 1);
    expect(sink.eventsOf('synced')[0]!.instrument).toBe('BTC-USD');
  });
});
