// Public API of @chassis/live: the live and paper trading runtime (SPEC.md §5 "Live runtime").
export type * from './contracts.ts';

// Session records: everything a session leaves on disk (records/).
export { sessionDirOf, sessionPaths, configVersionPath, reconciliationReportPath } from './records/session-paths.ts';
export type { SessionPaths } from './records/session-paths.ts';
export { SESSION_FORMAT, sessionFileSchema, parseSessionFile, writeSessionFile, readSessionFile } from './records/session-file.ts';
export type { SessionFile } from './records/session-file.ts';
export { engineConfigJsonSchema, instrumentJsonSchema, encodeEngineConfig, decodeEngineConfig, parseEngineConfigJson, instrumentToJson, instrumentFromJson } from './records/engine-config-json.ts';
export type { EngineConfigJson, InstrumentJson } from './records/engine-config-json.ts';
export { WriteAheadJournal, DEFAULT_FSYNC_WINDOW_MS } from './records/write-ahead-journal.ts';
export type { WriteAheadJournalOptions } from './records/write-ahead-journal.ts';
export type { RecoveredJournal, JournalCut } from '@chassis/backtesting';
export { CheckpointLog, readCheckpoints, checkpointSchema } from './records/checkpoint-log.ts';
export type { SessionCheckpoint } from './records/checkpoint-log.ts';
export { ExecutionRecords, readOrderRecords, readFillRecords, orderRecordSchema, fillRecordSchema } from './records/execution-records.ts';
export type { OrderRecord, FillRecord } from './records/execution-records.ts';
export { writeConfigVersion, readConfigVersion, writeReconciliationReport, reconciliationReportNumbers } from './records/session-reports.ts';
export { JsonlAppender, readJsonl, cutTornLine } from './records/jsonl-file.ts';
export type { JsonlRead } from './records/jsonl-file.ts';
export { replaySession, replayRecorded } from './records/session-replay.ts';
export { recordedDirKind, isSessionDir, journalPathOf } from './records/recorded-dir.ts';
export type { RecordedDirKind } from './records/recorded-dir.ts';
export type { ReplayOptions } from './records/session-replay.ts';

// Parity of a paper session with a backtest of its window (compare/).
export { compareSessionWithRun } from './compare/parity-report.ts';
export type { ParityReport, SideSummary, LatencySummary, CompareOptions as ParityCompareOptions } from './compare/parity-report.ts';
export { formatParityReport } from './compare/parity-text.ts';
export { executionHistory } from './compare/execution-history.ts';
export type { ExecutionHistory, OrderHistory, FillHistory, Interval, InFlight } from './compare/execution-history.ts';
export type { Attribution, OrderDifference } from './compare/attribution.ts';
export type { OrderPair } from './compare/order-pairs.ts';

export { openMarketInput, VenueMarketInput, type MarketInputOptions, type MarketInputStats, type SessionRecordingOptions } from './market-input/market-input.ts';
export { FeedHealth, type FeedHealthListener } from './market-input/feed-health.ts';
export { createPaperVenue, paperSimulation, PaperVenue, type PaperVenueOptions, type PaperSimulation } from './paper/paper-venue.ts';
export { PaperAccount } from './paper/paper-account.ts';
export { ManualScheduler } from './paper/manual-scheduler.ts';

// Binance USD-M live venue adapter and the deterministic client order ids (venues/binance-usdm/, client-order-id.ts).
export { clientOrderIds, sessionTag, BINANCE_CLIENT_ORDER_ID_PATTERN } from './client-order-id.ts';
export type { ClientOrderIds } from './client-order-id.ts';
export { createBinanceUsdmAdapter, BinanceUsdmAdapter, BINANCE_USDM_VENUE, BINANCE_USDM_REST, BINANCE_USDM_WS, BINANCE_USDM_RATE_LIMITS } from './venues/binance-usdm/adapter.ts';
export type { BinanceUsdmAdapterOptions, RateLimitHeadroom } from './venues/binance-usdm/adapter.ts';
export { BinanceCredentials, credentialsFromEnv, LOG_REDACT_PATHS, API_KEY_ENV, API_SECRET_ENV } from './venues/binance-usdm/signing.ts';
export { rateBucketFor, instrumentFromFilters, instrumentMismatches, symbolFilters, parseExchangeInfo } from './venues/binance-usdm/exchange-info.ts';
export type { SymbolFilters, VenueRateLimit } from './venues/binance-usdm/exchange-info.ts';
export type { RateLimitNotice } from './venues/binance-usdm/rest-client.ts';

// Reconciliation (reconciliation/) and the ccxt venue adapter (venues/ccxt/).
export { compareAccount, comparedAssets, exceedsTolerance } from './reconciliation/compare-account.ts';
export type { CompareOptions as AccountCompareOptions, Comparison, DerivedAccountView } from './reconciliation/compare-account.ts';
export { describeDifference, differenceKey } from './reconciliation/differences.ts';
export type { ComparedOrderField, Difference, DifferenceKind } from './reconciliation/differences.ts';
export { Reconciler } from './reconciliation/reconciler.ts';
export type { ReconcilerOptions, ReconciliationResult } from './reconciliation/reconciler.ts';
export type { PolicyAction, ReconciliationOutcome, ReconciliationReport, ReconciliationTrigger, ReportedDifference, UnknownOrderPolicy } from './reconciliation/report.ts';
export type { CcxtVenueAdapter } from './venues/ccxt/ccxt-venue-adapter.ts';
export { createCcxtVenueAdapter } from './venues/ccxt/create-ccxt-adapter.ts';
export type { CcxtVenueAdapterOptions } from './venues/ccxt/ccxt-venue-adapter.ts';
export { ccxtExchangeId } from './venues/ccxt/venue-profile.ts';
export { ccxtCredentialsFromEnv } from './venues/ccxt/credentials.ts';
export type { CcxtCredentials } from './venues/ccxt/credentials.ts';
// Control API (control/): the session's authenticated HTTP surface and `chassis ctl`'s client.
export { startControlServer } from './control/control-server.ts';
export type { ControlServer, ControlServerOptions, ControlLog, ControlRefusal } from './control/control-server.ts';
export { locateSession, sendControl } from './control/control-client.ts';
export type { SessionEndpoint, ControlAnswer } from './control/control-client.ts';
export type { ControlAction } from './control/control-routes.ts';
export { readControlInfo, processAlive } from './control/control-info.ts';
export type { ControlInfo } from './control/control-info.ts';
export { formatSessionStatus } from './control/status-text.ts';
// Session metrics (metrics/): the chassis_live_* metrics of the monitoring catalog.
export { createLiveMetrics } from './metrics/live-metrics.ts';
export type { LiveMetrics, LiveMetricsLabels } from './metrics/live-metrics.ts';
export type { RateLimitUse } from './metrics/live-metrics.ts';

// The session runtime (session/): live.yaml, the session loop, recovery, `chassis paper` / `chassis live`.
export { liveConfigSchema, parseLiveConfig, parseLiveConfigText, readLiveConfigFile } from './live-config.ts';
export type { LiveConfig, LiveConfigInput, RateLimit } from './live-config.ts';
export { venueRateLimits, bucketWithin } from './session/venue-rate-limits.ts';
export { resolveInstruments } from './session/instrument-resolution.ts';
export type { CatalogInstrumentLookup } from './session/instrument-resolution.ts';
export { engineConfigOfLive, catalogInstruments, rateBucketOf } from './session/engine-definition.ts';
export { WallClock, TimerScheduler } from './session/live-clock.ts';
export { LiveSession } from './session/live-session.ts';
export type { LiveSessionParts, SessionLog, Resumed } from './session/live-session.ts';
export { createSession, recoverSession } from './session/session-directory.ts';
export type { OpenedSession, Recovery, NewSession } from './session/session-directory.ts';
export { runSession, liveCredentials, credentialVariables } from './session/run-session.ts';
export type { RunSessionOptions, SessionWiring, WiringContext } from './session/run-session.ts';
export { defaultWiring } from './session/session-wiring.ts';
