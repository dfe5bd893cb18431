/**
 * `chassis replay` of a session: the backtest's replay (replayJournal of @chassis/backtesting)
 * fed from a session directory — the engine from session.json `engine`, the strategy module it
 * names (its SHA-256 must match), the checkpoints of checkpoints.jsonl — so a session proves
 * the same thing a backtest does: its journal rebuilds the same state hashes and the same
 * dispatch decisions at every position.
 */
import { loadRecordedStrategy, replayJournal, replayRun, type ReplayResult } from '@chassis/backtesting';
import { readCheckpoints } from './checkpoint-log.ts';
import { decodeEngineConfig } from './engine-config-json.ts';
import { readSessionFile } from './session-file.ts';
import { sessionPaths } from './session-paths.ts';
import { recordedDirKind } from './recorded-dir.ts';

export interface ReplayOptions {
  /** Where a relative strategy module path may resolve from, in order (default: the cwd). */
  readonly baseDirs?: readonly string[];
  /** A backtest run: the data root holding its datasets (default: the one it read; backtesting runDataRoot). */
  readonly dataRoot?: string | undefined;
}

export async function replaySession(dir: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const paths = sessionPaths(dir);
  const session = readSessionFile(dir);
  const config = decodeEngineConfig(session.engine, `${paths.session} engine`);
  const checkpoints = readCheckpoints(paths.checkpoints);
  const strategy = await loadRecordedStrategy(session.strategy, options.baseDirs ?? [process.cwd()], 'session');
  return replayJournal({ journalPath: paths.journal, config, strategy, checkpoints });
}

/** Replays a session directory or a backtest run directory, whichever `dir` is (E_RECORDS_DIR if neither). */
export function replayRecorded(dir: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  return recordedDirKind(dir) === 'session' ? replaySession(dir, options) : replayRun(dir, options);
}
