/** The issue-14 venues' protocols (Hyperliquid, Deribit, BitMEX, Kraken v2, Coinbase Advanced Trade), built from a trimmed timeline. */
import { BitmexVenue } from './bitmex-venue.ts';
import { CoinbaseVenue } from './coinbase-venue.ts';
import type { TimelineEntry } from './capture-timeline.ts';
import { DeribitVenue } from './deribit-venue.ts';
import { HyperliquidVenue } from './hyperliquid-venue.ts';
import { KrakenVenue } from './kraken-venue.ts';
import type { VenueHost, VenueName, VenueProtocol } from './venue-protocol.ts';

export interface BreadthVenueOptions {
  readonly entries: readonly TimelineEntry[];
  readonly host: VenueHost;
  /** Deribit: replaces the heartbeat interval a client asks for, ms. */
  readonly heartbeatIntervalMs?: number;
}

/** The venue's protocol, or null when the venue is not one of these. */
export function breadthVenue(venue: VenueName, o: BreadthVenueOptions): VenueProtocol | null {
  switch (venue) {
    case 'hyperliquid':
      return new HyperliquidVenue(o);
    case 'deribit':
      return new DeribitVenue(o);
    case 'bitmex':
      return new BitmexVenue(o);
    case 'kraken':
      return new KrakenVenue(o);
    case 'coinbase':
      return new CoinbaseVenue(o);
    default:
      return null;
  }
}
