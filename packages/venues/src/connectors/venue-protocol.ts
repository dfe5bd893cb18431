/**
 * What a connector needs to know about one venue's public market-data protocol: production
 * URLs, the stream each record channel maps to, how to subscribe, keep-alives, limits, the
 * forced-disconnect period and how its order book is synchronised. One implementation per venue
 * family (binance-protocol.ts, okx-protocol.ts, bybit-protocol.ts), each citing the venue docs.
 * The venue server of the tests and the docs read the same table through `venueProtocol(venue)`.
 */
import { ChassisError } from '@chassis/core';
import type { VenueId } from '../formats/records.ts';
import { RECORD_CHANNELS, type FeedSpec, type RecordChannel } from './connector.ts';
import type { BookSequenceWatch } from './sequence-watch.ts';

export type VenueFamily = 'binance' | 'okx' | 'bybit' | 'hyperliquid' | 'deribit' | 'bitmex' | 'kraken' | 'coinbase' | 'kucoin';

/** One WebSocket connection the feed needs: where to connect and what to send once open. */
export interface ConnectionPlan {
  /** Path and query appended to the WebSocket base URL, e.g. `/public/stream?streams=btcusdt@depth@0ms`. */
  readonly path: string;
  readonly symbols: readonly string[];
  readonly channels: readonly RecordChannel[];
  /** Text messages to send after the socket opened, in order (empty when the URL subscribes). */
  readonly subscribeMessages: readonly string[];
}

/** A client-side keep-alive the venue requires. */
export interface KeepAlive {
  /** Interval, ms. */
  readonly intervalMs: number;
  /** Text frame sent. */
  readonly text: string;
  /** true: send only after this long without any received frame (OKX); false: always (Bybit). */
  readonly whenIdleOnly: boolean;
  /** Recognises the venue's reply, which does not count as market data for the silence watchdog. */
  isReply(text: string): boolean;
  /** A message the venue requires in answer to one of its keep-alive frames (Deribit `test_request` → `public/test`); null = none. */
  answer?(text: string): string | null;
}

/** A rate as a token bucket: `burst` at once, refilled at `perSecond`. */
export interface RateLimit {
  readonly burst: number;
  readonly perSecond: number;
}

/** Book sync from a REST snapshot fetched after the first diff (Binance). */
export interface RestSnapshotSync {
  readonly kind: 'rest-snapshot';
  /** Path and query of the snapshot request for one symbol, appended to the REST base URL. */
  snapshotPath(symbol: string): string;
  /** Request weight of one snapshot, and the venue's weight limit per window. */
  readonly requestWeight: number;
  readonly weightLimit: number;
  readonly weightWindowMs: number;
  /** Response header carrying the weight used in the current window (lower case). */
  readonly usedWeightHeader: string;
}

/** Book sync from the venue's own snapshot after (re)subscribing (OKX, Bybit). */
export interface ResubscribeSync {
  readonly kind: 'resubscribe';
  /** Messages that unsubscribe and subscribe again one symbol's book, so the venue sends a fresh snapshot. */
  resubscribeMessages(symbol: string): readonly string[];
}

/** What a pre-connect step knows about the connection it resolves the URL for. */
export interface PreconnectContext {
  /** The planned WebSocket URL: the WebSocket base (production or `--endpoint`) + the plan's path. */
  readonly planUrl: string;
  /** REST base (production or `--rest-endpoint`), scheme://host[:port]. */
  readonly restBaseUrl: string;
  /** The `--endpoint` override, or null when recording from production. */
  readonly wsBaseOverride: string | null;
  /** Id of the connection about to be opened. */
  readonly connectionId: string;
}

/**
 * A pre-connect step was refused (HTTP error, venue error code, network failure): the link
 * retries with its backoff, or after `retryAfterMs` when the venue said so and it is longer.
 */
export class PreconnectRefused extends ChassisError {
  constructor(
    message: string,
    readonly httpStatus: number | null,
    readonly retryAfterMs: number | null,
  ) {
    super('E_PRECONNECT_REFUSED', message);
  }
}

export interface VenueProtocol {
  readonly venue: VenueId;
  readonly family: VenueFamily;
  /** Production WebSocket base URL (scheme, host, port only). */
  readonly wsBaseUrl: string;
  /** Production REST base URL (scheme, host, port only). */
  readonly restBaseUrl: string;
  /** The venue's stream or topic name for one channel of one symbol (as it appears in subscriptions). */
  streamName(channel: RecordChannel, symbol: string): string;
  /** WebSocket path that carries a channel (before any stream list), e.g. `/public/stream`. */
  wsPath(channel: RecordChannel): string;
  /** An open connection without data of a channel for this long (ms) is restarted; per channel. */
  readonly silenceMs: Readonly<Record<RecordChannel, number>>;
  /** The record channel a market-data frame belongs to, read from its first key; null for acks, errors, notices. */
  channelOf(text: string): RecordChannel | null;
  /** Most streams (Binance) or subscription args (OKX, Bybit) we put on one connection. */
  readonly maxStreamsPerConnection: number;
  /** The venue closes every connection after this long (ms); null when it documents none. */
  readonly forcedDisconnectMs: number | null;
  /** We replace a connection after this long (ms), before the forced disconnect; null = never. */
  readonly rotateAfterMs: number | null;
  readonly keepAlive: KeepAlive | null;
  /**
   * Recognises the venue's notice that it will close this connection soon (Binance spot
   * `serverShutdown`, OKX `notice` 64008); the connector then opens a replacement at once, as
   * it does for a rotation. Only frames shorter than SHUTDOWN_NOTICE_MAX_CHARS are asked.
   */
  isShutdownNotice(text: string): boolean;
  /** Control messages (subscribe, unsubscribe, ping) the venue accepts per connection. */
  readonly controlMessages: RateLimit;
  /** New WebSocket connections the venue accepts per IP. */
  readonly connectAttempts: RateLimit;
  readonly bookSync: RestSnapshotSync | ResubscribeSync;
  /** The connections a feed needs, honouring routes and stream limits. */
  plan(spec: FeedSpec): ConnectionPlan[];
  /** A fresh continuity watcher for the book diffs of one connection. */
  sequenceWatch(): BookSequenceWatch;
  /**
   * Optional step before every (re)connect that yields the URL to open (KuCoin: a bullet token
   * from REST, then the instance server it names); absent = connect to `planUrl`. A rejection
   * with PreconnectRefused (or any error) counts as a failed connection attempt.
   */
  preconnect?(ctx: PreconnectContext): Promise<string>;
  /** Optional: subscriptions wait for the first frame this accepts (KuCoin `welcome`); absent = send on open. */
  isReady?(text: string): boolean;
}

/** Shutdown notices are short: longer frames are not checked (a substring scan per depth frame would cost). */
export const SHUTDOWN_NOTICE_MAX_CHARS = 512;

/** The feed name used in raw paths: the spec's channels in RECORD_CHANNELS order, joined by `+`. */
export function feedName(spec: Pick<FeedSpec, 'channels'>): string {
  return RECORD_CHANNELS.filter((c) => spec.channels.includes(c)).join('+');
}

/**
 * `base` + `path`, where base is scheme://host[:port] (any path on it is an error): `--endpoint`
 * replaces only scheme, host and port; paths stay the venue's own.
 */
export function joinBase(base: string, path: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ChassisError('E_ENDPOINT_INVALID', `endpoint ${JSON.stringify(base)} is not a URL (expected scheme://host[:port])`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '') {
    throw new ChassisError('E_ENDPOINT_HAS_PATH', `endpoint ${base} must be scheme://host[:port] only; paths and queries are the venue's own`);
  }
  return `${url.protocol}//${url.host}${path}`;
}

/** Splits a list into chunks of at most `size` items. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One subscription of a feed: a record channel of one symbol. */
export interface ChannelSymbol {
  readonly channel: RecordChannel;
  readonly symbol: string;
}

/**
 * Connections for venues that subscribe by message on one path: the feed's (channel, symbol)
 * pairs in chunks of at most `max` per connection, each chunk subscribed by `subscribe(chunk)`.
 */
export function chunkedPlan(spec: FeedSpec, max: number, path: string, subscribe: (part: readonly ChannelSymbol[]) => readonly string[]): ConnectionPlan[] {
  const subs = spec.channels.flatMap((channel) => spec.symbols.map((symbol) => ({ channel, symbol })));
  return chunks(subs, max).map((part) => ({
    path,
    symbols: [...new Set(part.map((s) => s.symbol))],
    channels: [...new Set(part.map((s) => s.channel))],
    subscribeMessages: subscribe(part),
  }));
}
