// Public API of @chassis/live: the live and paper trading runtime (SPEC.md §5 "Live runtime").
export type * from './contracts.ts';
export { openMarketInput, VenueMarketInput, type MarketInputOptions, type MarketInputStats, type SessionRecordingOptions } from './market-input/market-input.ts';
export { FeedHealth, type FeedHealthListener } from './market-input/feed-health.ts';
export { createPaperVenue, paperSimulation, PaperVenue, type PaperVenueOptions, type PaperSimulation } from './paper/paper-venue.ts';
export { PaperAccount, paperClientOrderId } from './paper/paper-account.ts';
export { ManualScheduler } from './paper/manual-scheduler.ts';
