/**
 * The market-data connector contract: what a venue connector gives its consumer (the recorder
 * today, the live runtime next). A connector owns one venue feed — one venue, a set of symbols
 * and channels — over as many WebSocket connections as the venue's limits require, plus the REST
 * snapshots its book sync needs. It hands over every frame exactly as received (the text, byte
 * for byte) with its capture time, and every connection event with its reason. It never parses
 * into canonical records: the venue formats do that, on the same bytes, later.
 */
import type { VenueId } from '../formats/records.ts';

/** Channels a user asks for; each venue maps them to its own streams. */
export const RECORD_CHANNELS = ['depth', 'trade', 'bbo'] as const;
export type RecordChannel = (typeof RECORD_CHANNELS)[number];

/** One venue feed: what to subscribe. Symbols are the venue's own spelling (BTCUSDT, BTC-USDT-SWAP). */
export interface FeedSpec {
  readonly venue: VenueId;
  readonly symbols: readonly string[];
  readonly channels: readonly RecordChannel[];
}

/**
 * Base URLs only (scheme, host, port, no path): `--endpoint` / `--rest-endpoint`. Paths,
 * subscription messages and the protocol stay the venue's own. Absent = the venue's production URL.
 */
export interface Endpoints {
  readonly wsBaseUrl?: string;
  readonly restBaseUrl?: string;
}

/** Integer nanoseconds since the Unix epoch that never go backwards (see the recorder's capture clock). */
export interface CaptureClock {
  nowNs(): bigint;
}

/** One frame as received: a WebSocket text message, or the body of a REST response. */
export interface CapturedFrame {
  readonly source: 'ws' | 'rest';
  /** Capture time, taken when the frame was received, before any parsing. */
  readonly tsCaptureNs: bigint;
  /** Connection that carried it (ws) or that the REST request was made for (rest). */
  readonly connectionId: string;
  /** The frame text exactly as received (UTF-8 decoded; venues send text frames). */
  readonly text: string;
  /** REST request URL (rest frames only), so the reader knows which snapshot it is. */
  readonly url?: string;
  /** Symbol the frame is for when the frame itself does not say (REST snapshots). */
  readonly instrument?: string;
  /**
   * true for the venue's reply to our keep-alive (OKX text `pong`, Bybit's pong JSON): delivered
   * like every frame, but not market data — a reader must not count it as malformed or a gap.
   */
  readonly keepAlive?: boolean;
}

/**
 * Connection lifecycle and integrity events, each with a human reason. `gap` means data the
 * venue sent (or should have sent) is known missing between fromNs and toNs for the symbol(s);
 * the recorder writes it into the manifest and the live runtime turns it into feed-degraded.
 */
export type ConnectionEventType =
  | 'connecting'
  | 'open'
  | 'subscribed'
  | 'closed'
  | 'reconnect-scheduled'
  | 'silent'
  | 'rotated'
  | 'rate-limited'
  | 'malformed'
  | 'snapshot-requested'
  | 'snapshot-received'
  | 'synced'
  | 'gap'
  | 'resync';

export interface ConnectionEvent {
  readonly type: ConnectionEventType;
  readonly tsNs: bigint;
  readonly connectionId: string;
  readonly reason: string;
  /** Symbol concerned, when the event is per symbol (gap, resync, snapshot, synced). */
  readonly instrument?: string;
  /** For gaps: the span known missing, in capture time. */
  readonly fromNs?: bigint;
  readonly toNs?: bigint;
  /** For reconnect-scheduled / rate-limited: the wait chosen, ms. */
  readonly delayMs?: number;
}

/** Where a connector delivers. Called synchronously on the socket's event; must not throw. */
export interface ConnectorSink {
  frame(frame: CapturedFrame): void;
  event(event: ConnectionEvent): void;
}

export interface ConnectorOptions {
  readonly clock: CaptureClock;
  readonly sink: ConnectorSink;
  readonly endpoints?: Endpoints;
  /** Prefix for connection ids; the recorder passes its session id so ids are unique across restarts. */
  readonly connectionIdPrefix: string;
  /** Source of jitter for backoff, in [0, 1); injectable for tests. Default Math.random. */
  readonly random?: () => number;
  /** Replaces protocol timings (tests, drills); absent = the venue's own. */
  readonly overrides?: ProtocolOverrides;
}

/** Timings a test or drill may shorten; each absent one keeps the venue's default. */
export interface ProtocolOverrides {
  /** Silence threshold for every channel, ms. */
  readonly silenceMs?: number;
  /** Age at which a connection is replaced (rotation), ms. */
  readonly rotateAfterMs?: number;
  /** Client keep-alive interval, ms. */
  readonly pingIntervalMs?: number;
  /** Reconnect backoff: first ceiling and largest ceiling, ms. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** REST weight window, ms (Binance: one minute). */
  readonly restWeightWindowMs?: number;
}

export interface FeedConnector {
  readonly spec: FeedSpec;
  /** Opens the connection(s) and keeps them open until stop(). */
  start(): void;
  /** Closes every connection cleanly; resolves when they are closed. No events after it resolves. */
  stop(reason: string): Promise<void>;
}
