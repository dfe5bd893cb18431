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
