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
export { compareAccount, minimalReconciler } from './session/account-comparison.ts';
export type { Reconciler, ReconciliationResult } from './session/account-comparison.ts';
export { runSession, liveCredentials, credentialVariables } from './session/run-session.ts';
export type { RunSessionOptions, SessionWiring, WiringContext } from './session/run-session.ts';
export { defaultWiring } from './session/session-wiring.ts';
