// @ts-nocheck
// Public API of @chassis/backtesting: the backtesting runtime (SPEC.md §5).
export { runDefinitionSchema, parseRunDefinition, readRunFile, applyOverrides, parseTimeNs } from './run-definition.ts';
export type { RunDefinition, RunDefinitionInput, RunOverrides } from './run-definition.ts';
export { runBacktest } from './run.ts';
export { resolveRun } from './run-resolution.ts';
export type { RunResolution, RunResolutionInput } from './run-resolution.ts';
export type { BacktestOptions, BacktestResult, RunStatus } from './run.ts';
export { replayRun } from './replay.ts';
export type { ReplayResult, Divergence } from './replay.ts';
export { HistoricalFeeder, repeatBatches } from './feeder.ts';
export type { FeedSource } from './feeder.ts';
export { runTimeline } from './timeline.ts';
export type { TimelineVenue, TimelineSink, TimelineOptions, TimelineOutcome, TimelineCounters } from './timeline.ts';
export type { RunStats, InstrumentStats } from './run-stats.ts';
export { JournalWriter, readJournal, fileSha256 } from './journal/journal.ts';
export type { JournalSummary } from './journal/journal.ts';
export { engineConfigOf, instrumentFromMeta, runIdOf } from './resolved-run.ts';
export type { ResolvedRun, DatasetRef } from './resolved-run.ts';
export { loadStrategy, resolveStrategyPath } from './strategy-loader.ts';
export type { Metrics } from './metrics.ts';
export { formatSummary } from './summary.ts';
export { codeVersion, sourceFingerprint } from './code-version.ts';
