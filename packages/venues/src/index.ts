// Public API of @chassis/venues.
export * from './formats/records.ts';
export * from './formats/capture-reader.ts';
export * from './formats/instrument-spec.ts';
export * from './formats/venue-mapper.ts';
export * from './formats/l2-book.ts';
export { binanceFormat } from './formats/binance.ts';
export { okxFormat, okxChecksum } from './formats/okx.ts';
export { bybitFormat } from './formats/bybit.ts';
export { readTardisCsv, venueForTardisExchange } from './formats/tardis-csv.ts';
export { VENUE_FORMATS, formatForVenue } from './formats/venue-registry.ts';
export type { Layout } from './formats/layout.ts';
export type { Container } from './formats/container.ts';
// Simulated venue (backtest-side Venue Adapter) and the Venue Adapter contract.
export * from './simulated/index.ts';
export type * from './adapter.ts';
// Market-data connectors (live venue feeds for the recorder and the live runtime).
export * from './connectors/connector.ts';
export { createFeedConnector } from './connectors/feed-connector.ts';
export { venueProtocol } from './connectors/protocol-registry.ts';
export { feedName } from './connectors/venue-protocol.ts';
export type { VenueProtocol, VenueFamily, ConnectionPlan, KeepAlive, RateLimit, RestSnapshotSync, ResubscribeSync } from './connectors/venue-protocol.ts';
export { backoffDelayMs, retryAfterMs } from './connectors/backoff.ts';
export type { BackoffPolicy } from './connectors/backoff.ts';
