/**
 * Who is writing a staging directory, so that `chassis gc` can tell an abandoned one (its writer
 * was killed) from one in use. The writer records itself in a sibling file `<dir>.owner`
 * ({ pid, host }) before writing into `<dir>`, and removes it after publishing or discarding
 * `<dir>`. The file sits beside the directory, not in it, so the staged content (and its hashes)
 * never carries a pid.
 *
 * An owner is gone when its host is this machine and no process has its pid. A pid reused by
 * another process only makes the directory look in use: the check errs on keeping.
 */
import { readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Built on first use (by gc), not by every writer that imports this module (issue 13: start-up). */
let ownerSchema: ReturnType<typeof buildOwnerSchema> | undefined;
const buildOwnerSchema = () => z.strictObject({ pid: z.number().int().positive(), host: z.string() });

/** What is known of a staging directory's writer. */
export type StagingOwner =
  | { readonly state: 'alive' | 'gone'; readonly pid: number; readonly host: string }
  | { readonly state: 'other_host'; readonly pid: number; readonly host: string }
  | { readonly state: 'unknown' };

export function ownerFileOf(dir: string): string {
  return `${dir}.owner`;
}

/** Records this process as the writer of `dir` (call before writing into it). */
export function claimStaging(dir: string): void {
  writeFileSync(ownerFileOf(dir), `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`);
}

/** Forgets the writer of `dir` (after `dir` was published by rename or removed). */
export function releaseStaging(dir: string): void {
  rmSync(ownerFileOf(dir), { force: true });
}

/** The writer of `dir` from its owner file; 'unknown' when there is none or it does not parse. */
export function stagingOwner(dir: string): StagingOwner {
  let text: string;
  try {
    text = readFileSync(ownerFileOf(dir), 'utf8');
  } catch {
    return { state: 'unknown' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { state: 'unknown' };
  }
  const owner = (ownerSchema ??= buildOwnerSchema()).safeParse(parsed);
  if (!owner.success) return { state: 'unknown' };
  const { pid, host } = owner.data;
  if (host !== hostname()) return { state: 'other_host', pid, host };
  return { state: processExists(pid) ? 'alive' : 'gone', pid, host };
}

/** Whether a process with this pid exists on this machine (signal 0 checks without sending). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Newest modification time (ms since epoch) of `path` or anything below it. */
export function newestMtimeMs(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)));
  return newest;
}
