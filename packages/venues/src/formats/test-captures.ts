/**
 * Test support: a real capture, its lines, and altered copies of it written to a temporary
 * directory, read back through readCapture. Integrity tests tamper with one message (change a
 * size, remove an update, swap a pair) and look for the issue naming it.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readCapture } from './capture-reader.ts';
import type { NormalizedRecord, SyncIssueRecord } from './records.ts';

export async function collectRecords(path: string): Promise<NormalizedRecord[]> {
  const out: NormalizedRecord[] = [];
  for await (const r of readCapture(path)) out.push(r);
  return out;
}

export const issuesOf = (records: readonly NormalizedRecord[]): SyncIssueRecord[] => records.filter((r): r is SyncIssueRecord => r.kind === 'sync_issue' && r.issue !== 'stale_dropped');

/** The lines of a capture (gzip or plain), 0-based: line i of the array is file line i + 1. */
export async function captureLines(path: string): Promise<string[]> {
  const bytes = await readFile(path);
  const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return text.split('\n');
}

/** Writes `lines` as a plain copy named like the original (without .gz) and reads it back. */
export async function readAltered(original: string, lines: readonly string[]): Promise<{ path: string; records: NormalizedRecord[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'chassis-tampered-'));
  const path = join(dir, basename(original).replace(/\.gz$/, ''));
  await writeFile(path, lines.join('\n'));
  return { path, records: await collectRecords(path) };
}
