import { describe, expect, it } from 'vitest';
import { venueProtocol } from './protocol-registry.ts';
import { feedName, joinBase } from './venue-protocol.ts';
import type { FeedSpec } from './connector.ts';
import type { VenueId } from '../formats/records.ts';

const ALL = { channels: ['depth', 'trade', 'bbo'] } as const;

function urls(venue: VenueId, symbols: string[], channels: FeedSpec['channels'] = ALL.channels, base?: string): string[] {
  const p = venueProtocol(venue);
  return p.plan({ venue, symbols, channels }).map((plan) => joinBase(base ?? p.wsBaseUrl, plan.path));
}

function snapshotUrl(venue: VenueId, symbol: string): string {
  const p = venueProtocol(venue);
  if (p.bookSync.kind !== 'rest-snapshot') throw new Error('no REST snapshot');
  return joinBase(p.restBaseUrl, p.bookSync.snapshotPath(symbol));
}

describe('venue protocols: production URLs and subscriptions as the venue docs give them', () => {
  it('Binance USD-M: every recorded stream on the /public combined-stream route of fstream.binance.com', () => {
    expect(urls('binance-usdm', ['BTCUSDT', 'ETHUSDT'])).toEqual([
      'wss://fstream.binance.com/public/stream?streams=btcusdt@depth@0ms/ethusdt@depth@0ms/btcusdt@trade/ethusdt@trade/btcusdt@bookTicker/ethusdt@bookTicker',
    ]);
    expect(snapshotUrl('binance-usdm', 'BTCUSDT')).toBe('https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000');
  });

  it('Binance COIN-M: dstream.binance.com /public route, /dapi/v1/depth snapshot', () => {
    expect(urls('binance-coinm', ['BTCUSD_PERP'], ['depth'])).toEqual(['wss://dstream.binance.com/public/stream?streams=btcusd_perp@depth@0ms']);
    expect(snapshotUrl('binance-coinm', 'BTCUSD_PERP')).toBe('https://dapi.binance.com/dapi/v1/depth?symbol=BTCUSD_PERP&limit=1000');
  });

  it('Binance spot: stream.binance.com:9443/stream with @depth@100ms, @trade, @bookTicker; /api/v3/depth snapshot', () => {
    expect(urls('binance-spot', ['BTCUSDT'])).toEqual(['wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms/btcusdt@trade/btcusdt@bookTicker']);
    expect(snapshotUrl('binance-spot', 'BTCUSDT')).toBe('https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000');
  });

  it('Binance futures never use the legacy unrouted /ws or /stream paths', () => {
    for (const venue of ['binance-usdm', 'binance-coinm'] as const) {
      for (const url of urls(venue, ['BTCUSDT'])) expect(new URL(url).pathname).toBe('/public/stream');
    }
  });

  it('Binance USD-M splits 201 streams over two connections (at most 200 streams each)', () => {
    const symbols = Array.from({ length: 67 }, (_, i) => `S${i}USDT`);
    const plans = venueProtocol('binance-usdm').plan({ venue: 'binance-usdm', symbols, channels: ['depth', 'trade', 'bbo'] });
    expect(plans.map((p) => p.path.split('=')[1]!.split('/').length)).toEqual([200, 1]);
  });

  it('OKX: ws.okx.com:8443/ws/v5/public; Bybit: stream.bybit.com/v5/public/{spot,linear}', () => {
    expect(urls('okx', ['BTC-USDT'])).toEqual(['wss://ws.okx.com:8443/ws/v5/public']);
    expect(urls('bybit-spot', ['BTCUSDT'])).toEqual(['wss://stream.bybit.com/v5/public/spot']);
    expect(urls('bybit-linear', ['BTCUSDT'])).toEqual(['wss://stream.bybit.com/v5/public/linear']);
  });

  it('stream names per channel', () => {
    const names = (venue: VenueId, symbol: string) => (['depth', 'trade', 'bbo'] as const).map((c) => venueProtocol(venue).streamName(c, symbol));
    expect(names('binance-usdm', 'BTCUSDT')).toEqual(['btcusdt@depth@0ms', 'btcusdt@trade', 'btcusdt@bookTicker']);
    expect(names('okx', 'BTC-USDT')).toEqual(['books:BTC-USDT', 'trades:BTC-USDT', 'bbo-tbt:BTC-USDT']);
    expect(names('bybit-linear', 'BTCUSDT')).toEqual(['orderbook.1000.BTCUSDT', 'publicTrade.BTCUSDT', 'orderbook.1.BTCUSDT']);
  });

  it('Binance rotates before its documented 24 h disconnect; OKX and Bybit document none', () => {
    for (const venue of ['binance-spot', 'binance-usdm', 'binance-coinm'] as const) {
      const p = venueProtocol(venue);
      expect(p.forcedDisconnectMs).toBe(86_400_000);
      expect(p.rotateAfterMs).toBeLessThan(86_400_000);
    }
    expect(venueProtocol('okx').rotateAfterMs).toBeNull();
    expect(venueProtocol('okx').keepAlive?.intervalMs).toBeLessThan(30_000);
  });
});

describe('channel of a frame (for the per-channel silence watchdog)', () => {
  it('reads the Binance stream, OKX channel and Bybit topic; acks, pongs and notices belong to none', () => {
    const b = venueProtocol('binance-usdm');
    expect(b.channelOf('{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate"}}')).toBe('depth');
    expect(b.channelOf('{"stream":"btcusdt@trade","data":{"e":"trade"}}')).toBe('trade');
    expect(b.channelOf('{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker"}}')).toBe('bbo');
    expect(b.channelOf('{"result":null,"id":1}')).toBeNull();
    const o = venueProtocol('okx');
    expect(o.channelOf('{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[]}')).toBe('depth');
    expect(o.channelOf('{"arg":{"channel":"bbo-tbt","instId":"BTC-USDT"},"data":[]}')).toBe('bbo');
    expect(o.channelOf('{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[]}')).toBe('trade');
    expect(o.channelOf('{"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"}')).toBeNull();
    const y = venueProtocol('bybit-linear');
    expect(y.channelOf('{"topic":"orderbook.1000.BTCUSDT","type":"delta","data":{}}')).toBe('depth');
    expect(y.channelOf('{"topic":"orderbook.1.BTCUSDT","type":"snapshot","data":{}}')).toBe('bbo');
    expect(y.channelOf('{"topic":"publicTrade.BTCUSDT","type":"snapshot","data":[]}')).toBe('trade');
    expect(y.channelOf('{"success":true,"ret_msg":"","conn_id":"x","req_id":"","op":"subscribe"}')).toBeNull();
  });
});

describe('venue shutdown notices', () => {
  it('Binance spot serverShutdown and OKX notice 64008 are recognised; market data is not', () => {
    expect(venueProtocol('binance-spot').isShutdownNotice('{"event":{"e":"serverShutdown","E":1770123456789}}')).toBe(true);
    expect(venueProtocol('okx').isShutdownNotice('{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"a4d3ae55"}')).toBe(true);
    expect(venueProtocol('okx').isShutdownNotice('{"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"}')).toBe(false);
    expect(venueProtocol('binance-usdm').isShutdownNotice('{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT"}}')).toBe(false);
  });
});

describe('endpoints replace only scheme, host and port', () => {
  it('keeps the venue path and query on the loopback base', () => {
    expect(urls('binance-usdm', ['BTCUSDT'], ['depth'], 'ws://127.0.0.1:9000')).toEqual(['ws://127.0.0.1:9000/public/stream?streams=btcusdt@depth@0ms']);
    expect(urls('bybit-linear', ['BTCUSDT'], ['depth'], 'ws://127.0.0.1:9000/')).toEqual(['ws://127.0.0.1:9000/v5/public/linear']);
  });

  it('rejects an endpoint that carries a path, naming it', () => {
    expect(() => joinBase('ws://127.0.0.1:9000/ws', '/public/stream')).toThrow(expect.objectContaining({ code: 'E_ENDPOINT_HAS_PATH', message: expect.stringContaining('ws://127.0.0.1:9000/ws') }));
    expect(() => joinBase('127.0.0.1:9000', '/x')).toThrow(expect.objectContaining({ code: 'E_ENDPOINT_INVALID' }));
  });
});

describe('venues without a connector', () => {
  it('are refused with E_UNSUPPORTED_VENUE naming the venue', () => {
    expect(() => venueProtocol('ftx' as VenueId)).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED_VENUE', message: expect.stringContaining('ftx') }));
  });
});

describe('feedName', () => {
  it('joins the channels in RECORD_CHANNELS order with +', () => {
    expect(feedName({ channels: ['bbo', 'depth'] })).toBe('depth+bbo');
    expect(feedName({ channels: ['trade', 'bbo', 'depth'] })).toBe('depth+trade+bbo');
    expect(feedName({ channels: ['trade'] })).toBe('trade');
  });
});
