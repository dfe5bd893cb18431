/**
 * What a directory of recorded trading is: a live/paper session (session.json, journal.bin,
 * checkpoints.jsonl) or a backtest run (run.json, journal.bin, checkpoints.json). Commands that
 * read either (`chassis events`, `replay`, `compare`) start here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChassisError } from '@chassis/core';
import { sessionPaths } from './session-paths.ts';

export type RecordedDirKind = 'session' | 'run';

/** true when `dir` holds a session.json (never throws). */
export function isSessionDir(dir: string): boolean {
  return existsSync(sessionPaths(dir).session);
}

export function recordedDirKind(dir: string): RecordedDirKind {
  if (existsSync(sessionPaths(dir).session)) return 'session';
  if (existsSync(join(dir, 'run.json'))) return 'run';
  if (!existsSync(dir)) throw new ChassisError('E_RECORDS_DIR', `${dir} does not exist`);
  throw new ChassisError(
    'E_RECORDS_DIR',
    `${dir} is neither a session directory (session.json) nor a backtest run directory (run.json)`,
  );
}

/** The journal of a session or run directory. */
export function journalPathOf(dir: string): string {
  recordedDirKind(dir);
  return join(dir, 'journal.bin');
}
