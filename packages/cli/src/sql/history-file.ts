/**
 * The interactive session's history across runs: one statement line per line of a text file,
 * oldest first (`$CHASSIS_SQL_HISTORY`, default `~/.chassis_sql_history`), at most the newest
 * HISTORY_LINES kept when read. A history that cannot be read or written is no history, never
 * an error: it must not stop a query.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HISTORY_LINES = 1000;

export function historyFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHASSIS_SQL_HISTORY && env.CHASSIS_SQL_HISTORY.length > 0
    ? env.CHASSIS_SQL_HISTORY
    : join(homedir(), '.chassis_sql_history');
}

/** Newest first, as node:readline's `history` option wants it. */
export function readHistory(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-HISTORY_LINES)
      .reverse();
  } catch {
    return [];
  }
}

export function appendHistory(path: string, line: string): void {
  try {
    appendFileSync(path, `${line.replaceAll('\n', ' ')}\n`);
  } catch {
    // No history is better than a failed query.
  }
}
