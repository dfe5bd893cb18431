/**
 * The market data: test/venue-server's Binance USD-M venue (its WebSocket streams and REST depth,
 * replaying the real capture) on its own port, with every published entry also handed to the
 * matching engine — one replay drives both what clients see and what fills their orders.
 */
import { BinanceVenue } from '../venue-server/binance-venue.ts';
import { CAPTURES, loadCapture, trimTimeline } from '../venue-server/index.ts';
import type { TimelineEntry } from '../venue-server/capture-timeline.ts';
import type { ReplaySpeed } from '../venue-server/replay.ts';
import { VenueServer, type ReplayStart } from '../venue-server/venue-server.ts';
import type { HttpAnswer, VenueProtocol } from '../venue-server/venue-protocol.ts';
import type { VenueConnection } from '../venue-server/venue-connection.ts';
import type { IncomingMessage } from 'node:http';
import { SYMBOL } from './symbol-spec.ts';

export interface MarketFeedOptions {
  readonly speed: ReplaySpeed;
  readonly start: ReplayStart;
  readonly maxEntries?: number;
  readonly maxSpanS?: number;
  /** Called with every entry as it is published (after the venue's subscribers got it). */
  readonly onPublish: (entry: TimelineEntry) => void;
}

export interface MarketFeed {
  readonly server: VenueServer;
  readonly venue: BinanceVenue;
  /** The capture's REST depth snapshot of the emulated symbol (the book the replay starts from). */
  readonly snapshotText: string;
}

/** A protocol decorator: the Binance venue, plus a hook on publish. */
class PublishingProtocol implements VenueProtocol {
  constructor(
    private readonly inner: BinanceVenue,
    private readonly onPublish: (entry: TimelineEntry) => void,
  ) {}
  get timeline(): readonly TimelineEntry[] {
    return this.inner.timeline;
  }
  acceptsWebSocket(url: URL): boolean {
    return this.inner.acceptsWebSocket(url);
  }
  open(conn: VenueConnection): void {
    this.inner.open(conn);
  }
  message(conn: VenueConnection, text: string): void {
    this.inner.message(conn, text);
  }
  publish(entry: TimelineEntry): void {
    this.inner.publish(entry);
    this.onPublish(entry);
  }
  rest(req: IncomingMessage, url: URL): HttpAnswer | null {
    return this.inner.rest(req, url);
  }
  close(): void {
    this.inner.close();
  }
}

export async function startMarketFeed(o: MarketFeedOptions): Promise<MarketFeed> {
  const capture = loadCapture(CAPTURES.usdmBtcusdt);
  const snapshot = capture.snapshots.find((s) => s.symbol === SYMBOL);
  if (snapshot === undefined) throw new Error(`E_EMULATOR_CAPTURE: the USD-M capture holds no ${SYMBOL} REST snapshot`);
  const server = new VenueServer({ venue: 'binance-usdm', speed: o.speed, start: o.start, recordServed: false });
  const venue = new BinanceVenue({
    market: 'usdm',
    entries: capture.entries,
    snapshots: capture.snapshots,
    host: server.host,
    restLog: server.restLog,
    // The emulator counts depth weight in its own (shared) budget.
    restWeightLimit: Number.MAX_SAFE_INTEGER,
    trim: (entries) => trimTimeline(entries, o.maxEntries, o.maxSpanS),
  });
  await server.listen(new PublishingProtocol(venue, o.onPublish));
  return { server, venue, snapshotText: snapshot.text };
}
