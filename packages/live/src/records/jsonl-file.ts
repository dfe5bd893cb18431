/**
 * JSON Lines files of a session (checkpoints, orders, fills): one JSON object per line, bigints
 * as decimal strings, appended with one synchronous write per line (a killed process leaves at
 * most one torn final line, without its newline). Reading drops such a torn line and says so;
 * a bad line anywhere else is E_RECORDS_CORRUPT naming the file and line.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { z } from 'zod';
import { ChassisError } from '@chassis/core';
import { canonicalJson, describeIssues } from '@chassis/backtesting';

export class JsonlAppender {
  private readonly fd: number;

  /** Opens `path` for appending; `fresh` empties it first (records rebuilt from the journal). */
  constructor(
    readonly path: string,
    options: { fresh?: boolean } = {},
  ) {
    this.fd = openSync(path, options.fresh ? 'w' : 'a');
  }

  append(row: object): void {
    writeSync(this.fd, `${canonicalJson(row)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface JsonlRead<T> {
  readonly rows: T[];
  /** The torn final line (no newline) that was dropped, or null. */
  readonly tornTail: string | null;
}

/** Reads and validates every line; a missing file reads as empty. */
export function readJsonl<T>(path: string, schema: z.ZodType<T>): JsonlRead<T> {
  if (!existsSync(path)) return { rows: [], tornTail: null };
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const last = lines.pop()!;
  const rows: T[] = [];
  lines.forEach((line, i) => {
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (err) {
      throw new ChassisError('E_RECORDS_CORRUPT', `${path} line ${i + 1}: not JSON (${(err as Error).message})`);
    }
    const r = schema.safeParse(data);
    if (!r.success) throw new ChassisError('E_RECORDS_CORRUPT', describeIssues(r.error, `${path} line ${i + 1}`));
    rows.push(r.data);
  });
  return { rows, tornTail: last === '' ? null : last };
}

/** Cuts a torn final line off `path` (after a kill) so appends start on a fresh line; returns what was cut. */
export function cutTornLine(path: string): string | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path);
  const end = text.lastIndexOf(0x0a) + 1;
  if (end === text.length) return null;
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, end);
  } finally {
    closeSync(fd);
  }
  return text.subarray(end).toString('utf8');
}
