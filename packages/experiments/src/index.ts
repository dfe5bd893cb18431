// Public API of @chassis/experiments: sweeps, local and distributed execution, experiment index.
export type { RunBackend, RunContext, RunOutcome, RunStatus, HeadlineMetrics } from './run-backend.ts';
export { loadRunBackend } from './run-backend.ts';
export { loadSweepFile, parseSweep, parseDocument, sweepFileSchema, DEFAULT_SWEEP_LIMIT } from './sweep-file.ts';
export type { SweepFile, LoadedSweep, DatasetWindow, Scalar } from './sweep-file.ts';
export { expandSweep, sweepSize, axisValues, gridPoints, randomPoints, WINDOW_PATH } from './sweep-expansion.ts';
export type { Experiment, SweepMember, ExpandOptions } from './sweep-expansion.ts';
export { runSweepLocally, defaultWorkerCount } from './local-sweep.ts';
export type { SweepResult, SweepRunResult, SweepRunStatus, SweepProgress, LocalSweepOptions, PoolUsage } from './local-sweep.ts';
export { runSweepOnQueue } from './queue-sweep.ts';
export type { QueueSweepOptions } from './queue-sweep.ts';
export type { RunJobData } from './messages.ts';
export { parseMessage, runOutcomeSchema, runRequestSchema, childMessageSchema, runJobDataSchema, experimentManifestSchema, memberRecordSchema } from './messages.ts';
export { startQueueWorker } from './queue-worker.ts';
export type { QueueWorker, QueueWorkerOptions } from './queue-worker.ts';
export { RUN_QUEUE, checkQueueReachable, redisConnection } from './queue-connection.ts';
export { experimentDir, readExperimentIndex, writeIndexParquet, loadIndexEngine, paramColumns } from './experiment-index.ts';
export type { ExperimentIndex, ExperimentManifest, MemberRecord, MemberStatus } from './experiment-index.ts';
export { backend as backtestBackend, backtestRunId, backtestHeadline, BACKTEST_BACKEND_MODULE, CODE_VERSION } from './backtest-backend.ts';
