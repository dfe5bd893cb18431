/**
 * A cross-process lock on a local filesystem: the lock is a file created with O_CREAT|O_EXCL
 * (`open(path, 'wx')`), which exactly one process can win. The file names its holder
 * (pid, host, acquisition time in ms since epoch) so that a lock left by a crashed process can be
 * recovered: on this host when the pid no longer exists, on any host when it is older than
 * `staleMs`. Breaking a stale lock is itself guarded by an O_EXCL `.break` file and re-checks the
 * holder, so two waiters can never both break it (nor break a fresh lock taken in between).
 * Wall-clock time here is operational (timeouts), never data.
 */
// @ts-nocheck

import { hostname } from 'node:os';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ChassisError } from '@chassis/core';

export interface LockOptions {
  /** Give up after this long waiting (ms). */
  readonly timeoutMs?: number;
  /** A lock held longer than this (ms) is considered abandoned, whatever its host. */
  readonly staleMs?: number;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly at: number;
  readonly token: string;
}

const HOST = hostname();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<{ holder: Holder | null; text: string } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return { holder: JSON.parse(text) as Holder, text };
  } catch {
    return { holder: null, text }; // being written right now, or torn by a crash: judged by age
  }
}

async function tryCreate(path: string, content: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function ageMs(path: string): Promise<number> {
  const s = await stat(path).catch(() => null);
  return s === null ? 0 : Date.now() - s.mtimeMs;
}

function isStale(holder: Holder | null, fileAgeMs: number, staleMs: number): boolean {
  if (holder === null) return fileAgeMs > 5_000;
  if (holder.host === HOST && !alive(holder.pid)) return true;
  return Date.now() - holder.at > staleMs;
}

/** Removes the lock at `path` if it is still exactly the stale one we saw. */
async function breakStale(path: string, seen: string): Promise<void> {
  const guard = `${path}.break`;
  if (!(await tryCreate(guard, String(process.pid)))) {
    // Another waiter is breaking it; a guard left by a crash mid-break is cleared after 10 s.
    if ((await ageMs(guard)) > 10_000) await rm(guard, { force: true });
    return;
  }
  try {
    const now = await readHolder(path);
    if (now !== null && now.text === seen) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` while holding the lock file at `path`; always releases it (only if still ours). */
export async function withLockFile<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const staleMs = options.staleMs ?? 600_000;
  await mkdir(dirname(path), { recursive: true });
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const content = JSON.stringify({ pid: process.pid, host: HOST, at: Date.now(), token } satisfies Holder);
  const started = Date.now();
  let wait = 5;
  for (;;) {
    if (await tryCreate(path, content)) break;
    const seen = await readHolder(path);
    if (seen !== null && isStale(seen.holder, await ageMs(path), staleMs)) {
      await breakStale(path, seen.text);
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      const who = seen?.holder ? `pid ${seen.holder.pid} on ${seen.holder.host} since ${new Date(seen.holder.at).toISOString()}` : 'an unknown holder';
      throw new ChassisError('E_LOCK_TIMEOUT', `${path}: still held by ${who} after ${timeoutMs} ms; if that process is gone, delete the file`);
    }
    await sleep(wait + Math.floor(Math.random() * wait));
    wait = Math.min(wait * 2, 200);
  }
  try {
    return await fn();
  } finally {
    const now = await readHolder(path);
    if (now?.holder?.token === token) await rm(path, { force: true });
  }
}
