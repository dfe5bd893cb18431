/**
 * What a venue's protocol implements for the server: which WebSocket paths it serves, how it
 * answers client messages (subscribe, ping) and REST requests, and how one timeline entry is
 * published to the connections subscribed to it. The server (venue-server.ts) owns sockets,
 * the replay clock, the control API and the drills; the protocol owns the venue's rules.
 */
import type { IncomingMessage } from 'node:http';
import type { TimelineEntry } from './capture-timeline.ts';
import type { VenueDrillState } from './drills.ts';
import type { VenueConnection } from './venue-connection.ts';

export const VENUE_NAMES = ['binance-spot', 'binance-usdm', 'binance-coinm', 'okx', 'bybit-spot', 'bybit-linear', 'hyperliquid', 'deribit', 'bitmex', 'kraken', 'coinbase'] as const;
export type VenueName = (typeof VENUE_NAMES)[number];

/** A REST answer: status, headers and the body text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Milliseconds to hold the answer before sending it (the delay-snapshot drill). */
  readonly delayMs?: number;
}

/** A REST request the venue answered, for tests. */
export interface RestExchange {
  readonly path: string;
  readonly status: number;
  /** lastUpdateId of a depth answer, when it was one. */
  readonly lastUpdateId?: string;
  /** The body of a 200 answer, as sent (a recorder must store it byte for byte). */
  readonly body?: string;
  /** Timeline entries published when the request was answered. */
  readonly published: number;
}

/** What the server offers a protocol. */
export interface VenueHost {
  readonly drills: VenueDrillState;
  /** Connections subscribed to a topic, in subscription order. */
  subscribers(topic: string): ReadonlySet<VenueConnection>;
  subscribe(conn: VenueConnection, topic: string): void;
  unsubscribe(conn: VenueConnection, topic: string): void;
  /** Entries published so far (the market's position). */
  published(): number;
  /** Called on the first subscription of any client (starts a replay waiting for one). */
  onFirstSubscription(): void;
  nowMs(): number;
}

export interface VenueProtocol {
  /** The entries this venue serves, in order (trimmed to where the venue's book is known). */
  readonly timeline: readonly TimelineEntry[];
  /** True if a WebSocket upgrade to this path is one of the venue's endpoints. */
  acceptsWebSocket(url: URL): boolean;
  open(conn: VenueConnection): void;
  message(conn: VenueConnection, text: string): void;
  /** Publishes one timeline entry (updates the venue's state, sends to subscribers). */
  publish(entry: TimelineEntry): void;
  /** Answers a REST request; null = not one of the venue's endpoints (404). */
  rest(req: IncomingMessage, url: URL): HttpAnswer | null;
  close(): void;
}
