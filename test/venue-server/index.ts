/**
 * startVenueServer: a local venue replaying a real capture in one venue's protocol (README.md).
 *
 *   const venue = await startVenueServer({ venue: 'binance-usdm', speed: 50 });
 *   // chassis record --venue binance-usdm --endpoint venue.wsBaseUrl --rest-endpoint venue.restBaseUrl
 *   await venue.close();
 */
import { join } from 'node:path';
import { cryptofeedDir, hftbacktestDir, venueDocsDir } from '../../examples/data/index.ts';
import { BinanceVenue, type BinanceMarket } from './binance-venue.ts';
import { loadCryptofeedBitmexCapture, loadCryptofeedDeribitCapture, loadHyperliquidCapture } from './breadth-captures.ts';
import { breadthVenue } from './breadth-venues.ts';
import { loadCoinbaseDocsCapture, loadKrakenDocsCapture } from './docs-captures.ts';
import { BybitVenue } from './bybit-venue.ts';
import { loadCryptofeedBinanceCapture, loadCryptofeedOkxCapture, loadHftbacktestCapture, type CaptureTimeline, type TimelineEntry } from './capture-timeline.ts';
import { OkxVenue } from './okx-venue.ts';
import { VenueServer, type VenueServerCore } from './venue-server.ts';
import type { VenueName } from './venue-protocol.ts';

export { VenueServer } from './venue-server.ts';
export type { ReplayStart } from './venue-server.ts';
export type { ReplaySpeed } from './replay.ts';
export type { Drill, ConnectionDrill, VenueDrill, DrillTarget } from './drills.ts';
export type { ServedFrame, ServedKind } from './venue-connection.ts';
export { VENUE_NAMES, type VenueName, type RestExchange } from './venue-protocol.ts';
export * from './capture-timeline.ts';

/** Where the replayed messages come from. */
export type CaptureSource =
  | { readonly layout: 'hftbacktest'; readonly path: string }
  | { readonly layout: 'cryptofeed-binance'; readonly wsPath: string; readonly httpPath: string }
  | { readonly layout: 'cryptofeed-okx'; readonly path: string }
  | { readonly layout: 'hyperliquid' | 'cryptofeed-deribit' | 'cryptofeed-bitmex'; readonly path: string }
  | { readonly layout: 'kraken-docs' | 'coinbase-docs'; readonly path: string };

/** The bundled captures (examples/data). */
export const CAPTURES = {
  usdmBtcusdt: { layout: 'hftbacktest', path: join(hftbacktestDir, 'usdm_btcusdt_20240808.gz') },
  spotBtcusdt: { layout: 'hftbacktest', path: join(hftbacktestDir, 'spot_btcusdt_20240808.gz') },
  cryptofeedSpot: { layout: 'cryptofeed-binance', wsPath: join(cryptofeedDir, 'BINANCE.ws.1.0'), httpPath: join(cryptofeedDir, 'BINANCE.http.0.0') },
  cryptofeedUsdm: { layout: 'cryptofeed-binance', wsPath: join(cryptofeedDir, 'BINANCE_FUTURES.ws.1.0'), httpPath: join(cryptofeedDir, 'BINANCE_FUTURES.http.0.0') },
  cryptofeedOkx: { layout: 'cryptofeed-okx', path: join(cryptofeedDir, 'OKX.ws.1.0') },
  hyperliquidBtc: { layout: 'hyperliquid', path: join(hftbacktestDir, 'hyperliquid_btcusd_20250126.gz') },
  cryptofeedDeribit: { layout: 'cryptofeed-deribit', path: join(cryptofeedDir, 'DERIBIT.ws.1.0') },
  cryptofeedBitmex: { layout: 'cryptofeed-bitmex', path: join(cryptofeedDir, 'BITMEX.ws.1.0') },
  krakenDocs: { layout: 'kraken-docs', path: join(venueDocsDir, 'kraken-v2-btcusd.jsonl') },
  coinbaseDocs: { layout: 'coinbase-docs', path: join(venueDocsDir, 'coinbase-advanced-btcusd.raw.jsonl') },
} as const satisfies Record<string, CaptureSource>;

/** Default capture per venue. Bybit has no capture: it re-encodes Binance's (bybit-venue.ts). COIN-M re-labels USD-M's (asCoinmPerpetual). */
const DEFAULT_CAPTURE: Record<VenueName, CaptureSource> = {
  'binance-spot': CAPTURES.spotBtcusdt,
  'binance-usdm': CAPTURES.usdmBtcusdt,
  'binance-coinm': CAPTURES.usdmBtcusdt,
  okx: CAPTURES.cryptofeedOkx,
  'bybit-spot': CAPTURES.spotBtcusdt,
  'bybit-linear': CAPTURES.usdmBtcusdt,
  hyperliquid: CAPTURES.hyperliquidBtc,
  deribit: CAPTURES.cryptofeedDeribit,
  bitmex: CAPTURES.cryptofeedBitmex,
  kraken: CAPTURES.krakenDocs,
  coinbase: CAPTURES.coinbaseDocs,
};

export interface VenueServerOptions extends Partial<VenueServerCore> {
  readonly venue: VenueName;
  readonly capture?: CaptureSource;
  /** Trim the served timeline: at most this many entries, and/or this many capture seconds. */
  readonly maxEntries?: number;
  readonly maxSpanS?: number;
  /** Binance ping frame period and pong deadline, ms (venue: spot 20 s / 60 s, futures 180 s / 600 s). */
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  /** Binance REST weight limit per window and the window, ms (venue: 2400 or 6000 per 60 s). */
  readonly restWeightLimit?: number;
  readonly restWeightWindowMs?: number;
  /** Deribit: replaces the heartbeat interval a client asks for with set_heartbeat, ms. */
  readonly heartbeatIntervalMs?: number;
}

const timelineCache = new Map<string, CaptureTimeline>();

/** Loads (once per process) and returns a capture's timeline. */
export function loadCapture(source: CaptureSource): CaptureTimeline {
  const key = JSON.stringify(source);
  let t = timelineCache.get(key);
  if (t === undefined) {
    t = loadSource(source);
    timelineCache.set(key, t);
  }
  return t;
}

function loadSource(source: CaptureSource): CaptureTimeline {
  switch (source.layout) {
    case 'hftbacktest':
      return loadHftbacktestCapture(source.path);
    case 'cryptofeed-binance':
      return loadCryptofeedBinanceCapture(source.wsPath, source.httpPath);
    case 'cryptofeed-okx':
      return loadCryptofeedOkxCapture(source.path);
    case 'hyperliquid':
      return loadHyperliquidCapture(source.path);
    case 'cryptofeed-deribit':
      return loadCryptofeedDeribitCapture(source.path);
    case 'cryptofeed-bitmex':
      return loadCryptofeedBitmexCapture(source.path);
    case 'kraken-docs':
      return loadKrakenDocsCapture(source.path);
    case 'coinbase-docs':
      return loadCoinbaseDocsCapture(source.path);
  }
}

/** The first entries of a timeline: at most maxEntries, spanning at most maxSpanS capture seconds. */
export function trimTimeline(entries: readonly TimelineEntry[], maxEntries?: number, maxSpanS?: number): readonly TimelineEntry[] {
  let end = Math.min(entries.length, maxEntries ?? Infinity);
  if (maxSpanS !== undefined && entries.length > 0) {
    const limitNs = entries[0]!.tsNs + BigInt(Math.round(maxSpanS * 1e9));
    const over = entries.findIndex((e) => e.tsNs > limitNs);
    if (over >= 0) end = Math.min(end, over);
  }
  return end === entries.length ? entries : entries.slice(0, end);
}

/**
 * COIN-M has no bundled capture: the USD-M BTCUSDT one is served as the perpetual BTCUSD_PERP
 * (stream `btcusd_perp@..`, `"s":"BTCUSD_PERP","ps":"BTCUSD"` as COIN-M messages carry). Only
 * the names change: sizes stay the capture's BTC quantities, not COIN-M's 100 USD contracts.
 */
export function asCoinmPerpetual(capture: CaptureTimeline): CaptureTimeline {
  const rename = (symbol: string) => (symbol.endsWith('USDT') ? `${symbol.slice(0, -1)}_PERP` : symbol);
  const entries = capture.entries.map((e) => {
    const symbol = rename(e.symbol);
    const topic = `${symbol.toLowerCase()}${e.topic.slice(e.topic.indexOf('@'))}`;
    const text = e.text.replace(`{"stream":"${e.topic}"`, `{"stream":"${topic}"`).replace(`"s":"${e.symbol}"`, `"s":"${symbol}","ps":"${symbol.slice(0, -5)}"`);
    return { ...e, symbol, topic, text };
  });
  return { entries, snapshots: capture.snapshots.map((s) => ({ ...s, symbol: rename(s.symbol) })) };
}

export async function startVenueServer(options: VenueServerOptions): Promise<VenueServer> {
  const server = new VenueServer({ speed: 1, ...options });
  const loaded = loadCapture(options.capture ?? DEFAULT_CAPTURE[options.venue]);
  const capture = options.venue === 'binance-coinm' && options.capture === undefined ? asCoinmPerpetual(loaded) : loaded;
  const trim = (entries: readonly TimelineEntry[]) => trimTimeline(entries, options.maxEntries, options.maxSpanS);
  const host = server.host;
  const binance = (market: BinanceMarket) =>
    new BinanceVenue({
      market,
      entries: capture.entries,
      snapshots: capture.snapshots,
      host,
      restLog: server.restLog,
      ...(options.pingIntervalMs !== undefined ? { pingIntervalMs: options.pingIntervalMs } : {}),
      ...(options.pongTimeoutMs !== undefined ? { pongTimeoutMs: options.pongTimeoutMs } : {}),
      ...(options.restWeightLimit !== undefined ? { restWeightLimit: options.restWeightLimit } : {}),
      ...(options.restWeightWindowMs !== undefined ? { restWeightWindowMs: options.restWeightWindowMs } : {}),
      trim,
    });
  const breadth = breadthVenue(options.venue, { entries: trim(capture.entries), host, ...(options.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}) });
  if (breadth !== null) return server.listen(breadth);
  const protocol =
    options.venue === 'binance-spot'
      ? binance('spot')
      : options.venue === 'binance-usdm'
        ? binance('usdm')
        : options.venue === 'binance-coinm'
          ? binance('coinm')
          : options.venue === 'okx'
            ? new OkxVenue({ entries: trim(capture.entries), host })
            : new BybitVenue({ category: options.venue === 'bybit-spot' ? 'spot' : 'linear', source: binance(options.venue === 'bybit-spot' ? 'spot' : 'usdm'), host });
  return server.listen(protocol);
}
