/**
 * Binance spot, USDⓈ-M and COIN-M public market streams.
 *
 * Sources (read 2026-12):
 * - Spot "WebSocket Streams" (developers.binance.com/docs/binance-spot-api-docs/web-socket-streams):
 *   base `wss://stream.binance.com:9443`, combined streams at `/stream?streams=a/b/c`, a
 *   connection is valid 24 h, the server pings every 20 s and expects a pong with the ping's
 *   payload within a minute, 5 incoming messages per second per connection, at most 1024 streams
 *   per connection, 300 connection attempts per 5 minutes per IP. `<symbol>@depth@100ms`,
 *   `<symbol>@trade`, `<symbol>@bookTicker`. Snapshot `GET /api/v3/depth?limit=1000` (weight 50
 *   of 6000 per minute, `X-MBX-USED-WEIGHT-1M`).
 * - USDⓈ-M "Websocket Market Streams" and its "Important WebSocket Change Notice" (2026-03-06,
 *   legacy URLs retired 2026-04-23): `wss://fstream.binance.com` is routed by path —
 *   `/public` carries high-frequency data (`@depth`, `@bookTicker`, `@trade`), `/market`
 *   regular market data (`@aggTrade`, `@markPrice`, klines, tickers); a stream on the wrong
 *   route, or on the unrouted legacy `/ws` `/stream`, is accepted and then never delivers.
 *   (`@trade` on `/public`: measured per route in BYTEX-TRADE/bytex#7, 2026-09, and the tier
 *   map of rustrade-data's Binance futures module; ccxt routes it there since its 2026
 *   hardening, ccxt/ccxt#28083.) 24 h validity, server
 *   ping every 3 min (pong within 10 min), 10 incoming messages per second, at most 200 streams
 *   per connection. `@depth@0ms` is the real-time diff stream. Snapshot `GET /fapi/v1/depth`
 *   (limit 1000: weight 20 of 2400 per minute).
 * - COIN-M: `wss://dstream.binance.com` with the same `/public` and `/market` routes (the
 *   client libraries that migrated — binance-ws clients, mm_toolbox, kline-ws — use
 *   `dstream.binance.com/public/…` and `/market/…`), same limits; snapshot `GET /dapi/v1/depth`
 *   (limit 1000: weight 20 of 2400 per minute).
 * Every channel we record is on `/public`, so one futures feed needs one connection per 200
 * streams. The trade channel is the raw `@trade` stream on every Binance venue (individual
 * trades, as in the reference captures; `@aggTrade` would merge fills of one taker order).
 */
import type { RecordChannel, FeedSpec } from './connector.ts';
import { binanceSequenceWatch, fieldText } from './sequence-watch.ts';
import { chunks, type ConnectionPlan, type VenueProtocol } from './venue-protocol.ts';

type BinanceVenue = 'binance-spot' | 'binance-usdm' | 'binance-coinm';

interface BinanceVariant {
  readonly wsBaseUrl: string;
  readonly restBaseUrl: string;
  readonly depthPath: string;
  readonly streamSuffix: Readonly<Record<RecordChannel, string>>;
  readonly route: Readonly<Record<RecordChannel, string>>;
  readonly maxStreams: number;
  readonly controlPerSecond: number;
  readonly snapshotWeight: number;
  readonly weightLimit: number;
}

/** What USDⓈ-M and COIN-M share: streams, routes, limits and snapshot weight. */
const FUTURES = {
  streamSuffix: { depth: '@depth@0ms', trade: '@trade', bbo: '@bookTicker' },
  route: { depth: '/public', trade: '/public', bbo: '/public' },
  maxStreams: 200,
  controlPerSecond: 10,
  snapshotWeight: 20,
  weightLimit: 2400,
} as const;

const VARIANTS: Readonly<Record<BinanceVenue, BinanceVariant>> = {
  'binance-spot': {
    wsBaseUrl: 'wss://stream.binance.com:9443',
    restBaseUrl: 'https://api.binance.com',
    depthPath: '/api/v3/depth',
    streamSuffix: { depth: '@depth@100ms', trade: '@trade', bbo: '@bookTicker' },
    route: { depth: '', trade: '', bbo: '' },
    maxStreams: 1024,
    controlPerSecond: 5,
    snapshotWeight: 50,
    weightLimit: 6000,
  },
  'binance-usdm': { ...FUTURES, wsBaseUrl: 'wss://fstream.binance.com', restBaseUrl: 'https://fapi.binance.com', depthPath: '/fapi/v1/depth' },
  'binance-coinm': { ...FUTURES, wsBaseUrl: 'wss://dstream.binance.com', restBaseUrl: 'https://dapi.binance.com', depthPath: '/dapi/v1/depth' },
};

const HOUR_MS = 3_600_000;

export function binanceProtocol(venue: BinanceVenue): VenueProtocol {
  const v = VARIANTS[venue];
  const streamName = (channel: RecordChannel, symbol: string): string => `${symbol.toLowerCase()}${v.streamSuffix[channel]}`;
  return {
    venue,
    family: 'binance',
    wsBaseUrl: v.wsBaseUrl,
    restBaseUrl: v.restBaseUrl,
    streamName,
    wsPath: (channel) => `${v.route[channel]}/stream`,
    // depth@0ms / @100ms and bookTicker of a listed symbol tick several times a second; trades
    // of a quiet symbol can pause for minutes.
    silenceMs: { depth: 30_000, trade: 300_000, bbo: 30_000 },
    channelOf: (text) => {
      const stream = fieldText(text, 'stream'); // combined-stream envelope: the first key
      if (stream === null) return null;
      if (stream.includes('@depth')) return 'depth';
      if (stream.endsWith('@bookTicker')) return 'bbo';
      return stream.endsWith('@trade') ? 'trade' : null;
    },
    maxStreamsPerConnection: v.maxStreams,
    forcedDisconnectMs: 24 * HOUR_MS,
    rotateAfterMs: 23 * HOUR_MS + 30 * 60_000,
    keepAlive: null, // the server pings; ws answers each ping with a pong carrying its payload
    // Spot: "A serverShutdown event will be sent when the server is about to shutdown" (spot
    // WebSocket Streams, General WSS information); futures document none, the check is harmless.
    isShutdownNotice: (text) => text.includes('"serverShutdown"'),
    controlMessages: { burst: v.controlPerSecond, perSecond: v.controlPerSecond },
    connectAttempts: { burst: 300, perSecond: 1 }, // 300 per 5 minutes per IP
    bookSync: {
      kind: 'rest-snapshot',
      snapshotPath: (symbol) => `${v.depthPath}?symbol=${symbol.toUpperCase()}&limit=1000`,
      requestWeight: v.snapshotWeight,
      weightLimit: v.weightLimit,
      weightWindowMs: 60_000,
      usedWeightHeader: 'x-mbx-used-weight-1m',
    },
    plan(spec: FeedSpec): ConnectionPlan[] {
      // One combined-stream URL per route, split so no connection exceeds the stream limit.
      const byRoute = new Map<string, { stream: string; symbol: string; channel: RecordChannel }[]>();
      for (const channel of spec.channels) {
        for (const symbol of spec.symbols) {
          const route = v.route[channel];
          const list = byRoute.get(route) ?? [];
          list.push({ stream: streamName(channel, symbol), symbol, channel });
          byRoute.set(route, list);
        }
      }
      return [...byRoute].flatMap(([route, streams]) =>
        chunks(streams, v.maxStreams).map((part) => ({
          path: `${route}/stream?streams=${part.map((s) => s.stream).join('/')}`,
          symbols: [...new Set(part.map((s) => s.symbol))],
          channels: [...new Set(part.map((s) => s.channel))],
          subscribeMessages: [],
        })),
      );
    },
    sequenceWatch: () => binanceSequenceWatch(venue !== 'binance-spot'),
  };
}
